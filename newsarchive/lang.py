"""Language of an article's text: zh-Hant / zh-Hans told apart with OpenCC, others by py3langid."""
from __future__ import annotations

import re
from functools import lru_cache

# How much text is looked at: enough to decide, cheap on long articles.
SAMPLE_CHARS = 1200
# Share of Han characters among letters above which a text is Chinese.
HAN_SHARE = 0.3
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")


@lru_cache(maxsize=None)
def _converter(config: str):
    import opencc

    return opencc.OpenCC(config)


# The CJK unified ideographs the script tables cover.
_IDEOGRAPHS = [chr(c) for c in range(0x4E00, 0xA000)]


@lru_cache(maxsize=None)
def _per_char(config: str) -> list[str]:
    """Each ideograph converted on its own by an OpenCC config (one call for all of them)."""
    return _converter(config).convert("\n".join(_IDEOGRAPHS)).split("\n")


@lru_cache(maxsize=None)
def _script_classes():
    """Regexes matching the characters only Traditional / only Simplified writes, from OpenCC's tables.

    Built once per process by converting every CJK unified ideograph one by one (a few ms);
    counting with them afterwards costs one regex pass instead of two OpenCC calls per article.
    """
    chars = _IDEOGRAPHS
    to_simp = _per_char("t2s")
    # Simplified-only: changed by every Traditional standard (s2t, Taiwan, Hong Kong), so
    # characters both scripts write, like 台 in 台灣, never count for Simplified.
    to_trad = [_per_char(cfg) for cfg in ("s2t", "s2tw", "s2hk")]
    trad_only = "".join(c for c, s in zip(chars, to_simp) if s != c)
    simp_only = "".join(c for c, *ts in zip(chars, *to_trad) if all(t != c for t in ts))
    return re.compile(f"[{trad_only}]"), re.compile(f"[{simp_only}]")


@lru_cache(maxsize=None)
def fold_map() -> dict[str, str]:
    """Traditional-only character -> its Simplified form: one folded script for search."""
    return {c: s for c, s in zip(_IDEOGRAPHS, _per_char("t2s")) if s != c and len(s) == 1}


def fold(text: str) -> str:
    """Text in one script (Simplified) and lower case, character by character, as search compares it."""
    table = _fold_table()
    return text.translate(table).lower()


@lru_cache(maxsize=None)
def _fold_table() -> dict[int, str]:
    return {ord(c): s for c, s in fold_map().items()}


def script_counts(text: str) -> tuple[int, int]:
    """(characters only Traditional writes, characters only Simplified writes) in text."""
    trad_only, simp_only = _script_classes()
    return len(trad_only.findall(text)), len(simp_only.findall(text))


def chinese_script(text: str, default: str = "zh-Hans") -> str:
    traditional, simplified = script_counts(text)
    if traditional > simplified:
        return "zh-Hant"
    if simplified > traditional:
        return "zh-Hans"
    return default


def warm() -> None:
    """Build the script classes and load the language model now (before forking workers, so they share it)."""
    _script_classes()
    import py3langid

    py3langid.classify("warm")


# Codes py3langid gives for Chinese languages; the archive tags them all zh-Hant / zh-Hans.
_CHINESE_CODES = frozenset({"zh", "yue", "wuu", "lzh", "gan", "hak", "nan"})
_URL = re.compile(r"(?:https?://|www\.)\S+")


def detect(text: str, hint: str | None = None) -> str:
    """BCP 47 tag for text; `hint` (the outlet's or page's language) breaks ties."""
    sample = _URL.sub(" ", text[:SAMPLE_CHARS * 2])[:SAMPLE_CHARS]
    han = len(_HAN.findall(sample))
    kana = len(_KANA.findall(sample)) if _KANA.search(sample) else 0
    hangul = len(_HANGUL.findall(sample)) if _HANGUL.search(sample) else 0
    latin = len(_LATIN.findall(sample))
    letters = max(han + kana + hangul + latin, 1)
    if kana > letters * 0.05:
        return "ja"
    if hangul > letters * HAN_SHARE:
        return "ko"
    if han > letters * HAN_SHARE:
        default = hint if hint in ("zh-Hant", "zh-Hans") else "zh-Hans"
        return chinese_script(sample, default)
    if latin == 0:
        return _normalise_hint(hint) or "und"
    import py3langid

    code, _score = py3langid.classify(sample)
    if code in _CHINESE_CODES:  # Chinese among Latin text (names): still say which script
        default = hint if hint in ("zh-Hant", "zh-Hans") else "zh-Hans"
        return chinese_script(sample, default)
    return code


def _normalise_hint(hint: str | None) -> str | None:
    if not hint:
        return None
    return hint.split("-")[0].lower() if not hint.lower().startswith("zh") else hint
