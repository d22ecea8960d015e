"""Language of an article's text: zh-Hant / zh-Hans told apart with OpenCC, others by py3langid."""
from __future__ import annotations

import re
from functools import lru_cache

# How much text is looked at: enough to decide, cheap on long articles.
SAMPLE_CHARS = 2000
# Han characters compared for Traditional vs Simplified: a few hundred settle it.
SCRIPT_SAMPLE = 600
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


def script_counts(text: str) -> tuple[int, int]:
    """(characters only Traditional writes, characters only Simplified writes) in text."""
    han = "".join(_HAN.findall(text))[:SCRIPT_SAMPLE]
    to_simp = _converter("t2s").convert(han)
    to_trad = _converter("s2t").convert(han)
    traditional = sum(1 for a, b in zip(han, to_simp) if a != b)
    simplified = sum(1 for a, b in zip(han, to_trad) if a != b)
    return traditional, simplified


def chinese_script(text: str, default: str = "zh-Hans") -> str:
    traditional, simplified = script_counts(text)
    if traditional > simplified:
        return "zh-Hant"
    if simplified > traditional:
        return "zh-Hans"
    return default


def detect(text: str, hint: str | None = None) -> str:
    """BCP 47 tag for text; `hint` (the outlet's or page's language) breaks ties."""
    sample = text[:SAMPLE_CHARS]
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
    return code


def _normalise_hint(hint: str | None) -> str | None:
    if not hint:
        return None
    return hint.split("-")[0].lower() if not hint.lower().startswith("zh") else hint
