"""Extraction quality: token F1 of the article text each extractor keeps, against reference text, for
newsarchive (ingest's body), trafilatura and readability-lxml, on the same pages in one run.

    python bench/extract.py [--reference ../shared/reference/readability --pages ../shared/corpus/raw-html/readability]

Tokens: a CJK character is one token, any other run of letters or digits one (lower-cased); F1 is
over the bags of tokens (what each keeps, however it orders it). Prints mean, median and the worst
five pages per extractor. Needs readability-lxml (`pip install -e '.[bench]'`).
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
_TOKEN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]|[^\W_]+", re.U)
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
    return article.title + "\n" + plain_text(article.body_md, captions=True)


def trafilatura_text(path: Path) -> str:
    import trafilatura

    return trafilatura.extract(path.read_text(encoding="utf-8", errors="replace")) or ""


def readability_text(path: Path) -> str:
    from readability import Document

    doc = Document(path.read_text(encoding="utf-8", errors="replace"))
    return doc.title() + "\n" + html_text(doc.summary(html_partial=True))


EXTRACTORS = {"newsarchive": ours, "trafilatura": trafilatura_text, "readability-lxml": readability_text}


def reference(folder: Path) -> str:
    return html_text((folder / "expected.html").read_text(encoding="utf-8"))


def run(pages: Path, refs: Path) -> dict[str, dict[str, float]]:
    scores: dict[str, dict[str, float]] = {name: {} for name in EXTRACTORS}
    for ref in sorted(p for p in refs.iterdir() if (p / "expected.html").exists()):
        source = pages / ref.name / "source.html"
        if not source.exists():
            continue
        want = reference(ref)
        for name, extract in EXTRACTORS.items():
            try:
                scores[name][ref.name] = f1(extract(source), want)
            except Exception as exc:  # noqa: BLE001 - a failing extractor scores 0 on that page, said
                print(f"{name} failed on {ref.name}: {exc}", file=sys.stderr)
                scores[name][ref.name] = 0.0
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
    ap.add_argument("--reference", type=Path, default=SHARED / "reference" / "readability")
    ap.add_argument("--pages", type=Path, default=SHARED / "corpus" / "raw-html" / "readability")
    args = ap.parse_args()
    report(run(args.pages, args.reference))


if __name__ == "__main__":
    main()
