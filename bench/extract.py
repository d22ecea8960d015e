"""Extraction quality: token F1 of the article text each extractor keeps, against reference text, for
newsarchive (ingest's body), trafilatura and readability-lxml, on the same pages in one run.

    python bench/extract.py [--set readability|corpus|all]

Sets: `readability` - Readability's test pages in the corpus against Mozilla Readability's expected text
(../shared/reference/readability); `corpus` - the corpus's saved Chinese pages (GeneralNewsExtractor's
test pages) against reference text written by reading them (bench/reference/corpus, see its README).

Tokens: a CJK character is one token, any other run of letters or digits one (lower-cased); F1 is
over the bags of tokens (what each keeps, however it orders it). Prints mean, median and the worst
five pages per extractor. (readability-lxml is a dependency of newsarchive itself.)
"""
from __future__ import annotations

import argparse
import hashlib
import re
import statistics
import sys
from collections import Counter
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
_TOKEN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]|[^\W_\u3400-\u9fff\uf900-\ufaff]+", re.U)
# A picture in the Markdown body: its alt text is no text a reader reads (the other extractors drop it).
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
WORST = 5


def tokens(text: str) -> Counter:
    return Counter(t.lower() for t in _TOKEN.findall(text))


def f1(got: str, want: str) -> float:
    g, w = tokens(got), tokens(want)
    common = sum((g & w).values())
    if not common:
        return 0.0
    precision, recall = common / sum(g.values()), common / sum(w.values())
    return 2 * precision * recall / (precision + recall)


def html_text(html: str) -> str:
    tree = LexborHTMLParser(html or "<p></p>")
    return tree.body.text(separator="\n") if tree.body is not None else ""


def ours(path: Path) -> str:
    from newsarchive import ingest
    from newsarchive.archive import DEFAULTS
    from newsarchive.clean.rules import load_rules
    from newsarchive.model import RawFile
    from newsarchive.to_markdown import plain_text

    data = path.read_bytes()
    article = ingest.article_from_raw(RawFile(str(path), data, hashlib.sha256(data).hexdigest()),
                                      load_rules([DEFAULTS / "rules"]))
    return plain_text(_IMAGE.sub("", article.body_md), captions=True)


def trafilatura_text(path: Path) -> str:
    import trafilatura

    return trafilatura.extract(path.read_text(encoding="utf-8", errors="replace")) or ""


def readability_text(path: Path) -> str:
    from readability import Document

    doc = Document(path.read_text(encoding="utf-8", errors="replace"))
    return html_text(doc.summary(html_partial=True))


EXTRACTORS = {"newsarchive": ours, "trafilatura": trafilatura_text, "readability-lxml": readability_text}


def readability_set() -> list[tuple[str, Path, str]]:
    """(name, page, reference text) of Readability's pages: the expected text Mozilla's tests hold."""
    refs, pages = SHARED / "reference" / "readability", SHARED / "corpus" / "raw-html" / "readability"
    return [(ref.name, pages / ref.name / "source.html", html_text((ref / "expected.html").read_text(encoding="utf-8")))
            for ref in sorted(refs.iterdir()) if (pages / ref.name / "source.html").exists()]


def corpus_set() -> list[tuple[str, Path, str]]:
    """(name, page, reference text) of the corpus's saved Chinese pages, against text read from them."""
    pages = SHARED / "corpus" / "raw-html" / "GeneralNewsExtractor"
    out = []
    for ref in sorted((REPO / "bench" / "reference" / "corpus").glob("*.txt")):
        site, _sep, name = ref.stem.partition("-")
        out.append((ref.stem, pages / site / f"{name}.html", ref.read_text(encoding="utf-8")))
    return out


SETS = {"readability": readability_set, "corpus": corpus_set}


def run(pages: list[tuple[str, Path, str]]) -> dict[str, dict[str, float]]:
    scores: dict[str, dict[str, float]] = {name: {} for name in EXTRACTORS}
    for page, source, want in pages:
        for name, extract in EXTRACTORS.items():
            try:
                scores[name][page] = f1(extract(source), want)
            except Exception as exc:  # noqa: BLE001 - a failing extractor scores 0 on that page, said
                print(f"{name} failed on {page}: {exc}", file=sys.stderr)
                scores[name][page] = 0.0
    return scores


def report(scores: dict[str, dict[str, float]]) -> None:
    print(f"{'extractor':18} {'pages':>5} {'mean F1':>8} {'median':>7}  worst {WORST}")
    for name, by_page in scores.items():
        values = list(by_page.values())
        worst = sorted(by_page.items(), key=lambda kv: kv[1])[:WORST]
        print(f"{name:18} {len(values):5d} {statistics.mean(values):8.3f} {statistics.median(values):7.3f}  "
              + ", ".join(f"{page} {score:.2f}" for page, score in worst))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", choices=[*SETS, "all"], default="all")
    args = ap.parse_args()
    for name in SETS if args.set == "all" else [args.set]:
        print(f"\n{name} set")
        report(run(SETS[name]()))


if __name__ == "__main__":
    main()
