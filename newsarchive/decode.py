"""Raw bytes -> text: the encoding the bytes really have, whatever the page declares.

Order of trust: a byte-order mark; then strict UTF-8 (the commonest case, and the
right one even when a page declares gb2312 on UTF-8 bytes); then the declared
charset if the bytes decode cleanly under it (gb2312/gbk widened to gb18030,
big5 to big5hkscs); then charset-normalizer's guess.
"""
from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from .model import InputError

# Codecs Python has that no page is written in (they would "decode" anything, or fail oddly).
_NOT_CHARSETS = frozenset({"unicode-escape", "raw-unicode-escape", "undefined", "idna", "punycode"})
# Charsets in which every byte is a character: a declaration of one is checked against detection.
_SINGLE_BYTE = frozenset({"latin_1", "iso8859-1", "cp1252", "ascii", "iso8859-15", "cp1250", "cp1251", "mac-roman",
                          "iso8859-2", "cp437", "cp850"})
# Multi-byte CJK charsets detection can find (their codecs' canonical names).
_CJK_MULTIBYTE = frozenset({"big5", "big5hkscs", "cp950", "gb18030", "gbk", "gb2312", "euc_jp", "shift_jis",
                            "cp932", "euc_kr", "cp949", "iso2022_jp", "hz"})
# Declared charsets that real pages under-declare: decode with the superset.
_WIDER = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030",
          "big5": "big5hkscs", "x-big5": "big5hkscs", "cp950": "big5hkscs"}
_DECLARED = re.compile(rb"""(?:charset|encoding)\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
# How far into a file to look for a declared charset (meta tags live in <head>).
DECLARATION_WINDOW = 4096
# Share of characters that may be invalid for UTF-8 text with a few broken bytes to be read as
# UTF-8 (the broken ones become U+FFFD) rather than guessed as a legacy encoding.
BROKEN_UTF8_SHARE = 0.01
BROKEN_UTF8_FEW = 8
# Share of characters that must be printable for bytes with NULs on one side to be read as UTF-16.
UTF16_READABLE = 0.95
# Share of C0 control bytes (other than tab/CR/LF/FF/ESC) above which bytes are binary, not text.
BINARY_CONTROL_SHARE = 0.05
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _bom_encoding(data: bytes) -> str | None:
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    return None


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text without a BOM: a NUL in every other byte for ASCII-heavy text; for CJK-heavy text
    (few NULs), NULs mostly on one side and a strict decode that reads as text."""
    sample = data[:2000]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if odd > half * 0.3 and even < half * 0.05:
        return "utf-16-le"
    if even > half * 0.3 and odd < half * 0.05:
        return "utf-16-be"
    # Mostly one side (a CJK character can have a NUL byte too: U+4E00 is 00 4E in UTF-16-LE).
    side = "utf-16-le" if odd > even * 4 else "utf-16-be" if even > odd * 4 else None
    if side is None or len(data) % 2:
        return None
    try:
        text = data[:len(sample) - len(sample) % 2].decode(side)
    except UnicodeDecodeError:
        return None
    readable = sum(1 for c in text if c.isprintable() or c.isspace())
    return side if readable >= len(text) * UTF16_READABLE else None


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls > len(sample) * BINARY_CONTROL_SHARE


def _declared(data: bytes) -> str | None:
    """The charset the bytes declare, when it names a text encoding a page can be in (a codec such as
    zlib, rot13, undefined or unicode_escape is no charset: the declaration is ignored)."""
    m = _DECLARED.search(data[:DECLARATION_WINDOW])
    if not m:
        return None
    name = m.group(1).decode("ascii", "ignore").lower()
    name = _WIDER.get(name, name)
    try:
        info = codecs.lookup(name)
    except LookupError:
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_CHARSETS:
        return None
    return info.name


def _declared_decode(data: bytes, declared: str) -> str | None:
    """The bytes as the declared charset reads them, when it reads them cleanly and plausibly: a
    single-byte charset decodes any bytes, so one declared on what detection finds to be a CJK
    multi-byte text (a Big5 page that says iso-8859-1) loses to the detection."""
    try:
        text = data.decode(declared)
    except (UnicodeError, ValueError, LookupError):
        return None
    if declared in _SINGLE_BYTE:
        best = from_bytes(data[:200_000]).best()
        guess = _WIDER.get(best.encoding, best.encoding) if best is not None and best.encoding else None
        if guess and codecs.lookup(guess).name in _CJK_MULTIBYTE:
            return None
    return text


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Return (text, encoding used). Raises InputError for empty or binary input."""
    if not data.strip():
        raise InputError("empty file")
    enc = _bom_encoding(data) or _utf16_without_bom(data)
    if enc:
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError as exc:
            raise InputError(f"invalid {enc} data at byte {exc.start}") from None
    if b"\x00" in data[:8192]:
        raise InputError("binary data, not text (NUL bytes)")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if _looks_binary(data):
        raise InputError("binary data, not text")
    mostly = data.decode("utf-8", errors="replace")
    if mostly.count("\ufffd") <= max(BROKEN_UTF8_FEW, len(mostly) * BROKEN_UTF8_SHARE):
        return mostly, "utf-8 (invalid bytes replaced)"
    declared = _declared(data)
    if declared and declared != "utf-8":
        text = _declared_decode(data, declared)
        if text is not None:
            return text, declared
    best = from_bytes(data[:200_000]).best()
    if best is None or best.encoding is None:
        raise InputError("undecodable bytes: neither UTF-8 nor a detectable legacy encoding")
    enc = _WIDER.get(best.encoding, best.encoding)
    return data.decode(enc, errors="replace"), enc


# Single-byte codecs that UTF-8 bytes have been misread as, producing Cyrillic-looking
# mojibake (seen: PT154 on a Wayback export of Chinese text). Order: most seen first.
CYRILLIC_MISREADS = ("ptcp154", "cp1251", "koi8_r", "cp866", "mac_cyrillic", "kz1048")
# Share of non-ASCII characters in a script that marks text as a repair candidate.
MOJIBAKE_SHARE = 0.5
# Characters looked at to decide (repair itself covers the whole text).
MOJIBAKE_SAMPLE = 20_000


def repair_mojibake(text: str) -> tuple[str, str | None]:
    """UTF-8 text that was once decoded with the wrong codec, decoded right. Returns (text, codec or None).

    Each run of non-ASCII characters is repaired on its own (UTF-8 never puts an ASCII
    byte inside a character), and a repair is taken only when nearly all of the text
    round-trips strictly (every character encodes in the codec and the bytes are valid
    UTF-8): real Cyrillic text practically never does. The Latin-1/cp1252 family is ftfy's job.
    """
    head = text[:MOJIBAKE_SAMPLE]
    cyrillic_seen, latin_seen = _CYRILLIC.search(head), _LATIN_HINT.search(head)
    if not (cyrillic_seen or latin_seen):  # the common case, decided without counting
        return text, None
    sample = [c for c in head if ord(c) > 127]
    cyrillic = sum(1 for c in sample if "\u0400" <= c <= "\u052f") if cyrillic_seen else 0
    if cyrillic > len(sample) * MOJIBAKE_SHARE:
        for codec in CYRILLIC_MISREADS:
            repaired = _repair_runs(text, codec)
            if repaired is not None:
                return repaired, codec
    if latin_seen:
        import ftfy

        fixed = ftfy.fix_encoding(text)
        if fixed != text:
            return fixed, "ftfy"
    return text, None


_CYRILLIC = re.compile("[\u0400-\u052f]")
# The hallmark of UTF-8 misread as Latin-1/cp1252: 'Ã' or 'â' followed by a high Latin-1/cp1252 character.
_LATIN_HINT = re.compile("[\u00c2\u00c3\u00e2][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]")
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
# Share of non-ASCII characters that must round-trip for a codec's repair to be taken.
MOJIBAKE_REPAIRED = 0.95


def _repair_runs(text: str, codec: str) -> str | None:
    total = repaired = 0

    def fix(m: re.Match) -> str:
        nonlocal total, repaired
        run = m.group(0)
        total += len(run)
        try:
            fixed = run.encode(codec).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return run
        repaired += len(run)
        return fixed

    out = _NON_ASCII_RUN.sub(fix, text)
    return out if total and repaired >= total * MOJIBAKE_REPAIRED else None


# What no text field of a page may hold, whatever a source's escapes produced: C0 and C1 controls but
# tab and line feed, lone surrogates, and Unicode's non-characters (U+FDD0-FDEF, U+xFFFE/xFFFF).
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
                     + "".join(f"{chr(p * 0x10000 + 0xFFFE)}{chr(p * 0x10000 + 0xFFFF)}" for p in range(17)) + "]")


_LINE_BREAK = re.compile("[\n\u2028\u2029]")


def safe_text(text: str, one_line: bool = False) -> str:
    """A text field as pages keep it: no control character (but tab and, unless `one_line`, line
    feed), no lone surrogate, no non-character. The one place ingest makes text safe to write, so
    that the build (YAML, XML, JSON) never has to reject what ingest wrote."""
    text = _UNSAFE.sub("", text)
    return _LINE_BREAK.sub(" ", text) if one_line else text


# Element nesting past which tags are dropped before any HTML parser sees the text: a spec-following
# parser looks through every open element at each start tag, so 100 000 nested divs cost minutes in
# lexbor and in the sanitiser alike. No article nests a thousand elements.
MAX_NESTING = 1000
# Elements that nest by closing explicitly (those with optional end tags - p, li, td - would pile up
# in a count that does not model HTML's implied ends, and are left alone).
_NESTING = frozenset("div span b i em strong u s small big font a blockquote ul ol dl table section article aside "
                     "header footer main nav figure center sup sub q cite code pre mark abbr del ins".split())
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)(?=[\s/>])[^<>]*?(/?)>")


def cap_nesting(text: str) -> str:
    """The text with the tags of elements nested deeper than MAX_NESTING removed (their text stays),
    in one pass (linear time); unchanged when nothing nests that deep."""
    if text.count("<") < MAX_NESTING:  # too few tags to nest that deep: the common case, at once
        return text
    stack: list[bool] = []  # for each open nesting element: whether its tags are dropped
    cuts: list[tuple[int, int]] = []
    for m in _TAG.finditer(text):
        closing, name, self_closing = m.groups()
        if self_closing or name.lower() not in _NESTING:
            continue
        if not closing:
            stack.append(len(stack) >= MAX_NESTING)
            if stack[-1]:
                cuts.append(m.span())
        elif stack and stack.pop():
            cuts.append(m.span())
    if not cuts:
        return text
    kept, last = [], 0
    for start, end in cuts:
        kept.append(text[last:start])
        last = end
    kept.append(text[last:])
    return "".join(kept)


def normalise_text(text: str) -> str:
    """Mojibake repaired, line endings to LF (CRLF and lone CR), control characters out."""
    text, _codec = repair_mojibake(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text)
