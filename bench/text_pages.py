"""Score page-text extraction on text simulated from the ScrapingHub pages.

    python bench/text_pages.py [--dataset ../shared/datasets/scrapinghub] [--limit N]

Scrapers often send the visible text of a page instead of its HTML. To measure
`extract_text` on more than the five seeds, this turns each benchmark page into
that kind of text (scripts, styles and the head dropped; a line break around
every block element, as a browser's innerText does) and scores the result with
the benchmark's own 4-token shingle F1 (bench/shingle_f1.py). The "no
cleaning" row scores the whole simulated text, the floor any cleaner must beat.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from selectolax.lexbor import LexborHTMLParser  # noqa: E402
from shingle_f1 import score  # noqa: E402

from service.errors import UnprocessablePage  # noqa: E402
from service.text.extract import extract_text  # noqa: E402

BLOCKS = (
    "p,div,li,h1,h2,h3,h4,h5,h6,br,tr,section,article,header,footer,nav,aside,ul,ol,table,figure,figcaption,"
    "blockquote,main,form,dd,dt,pre,hr,address,time"
)
_SPACES = re.compile(r"[ \t\xa0]+")
_BLANKS = re.compile(r"\n\s*\n+")


def page_text(html: str) -> str:
    """innerText-like page text: block elements on their own lines, no scripts or styles."""
    tree = LexborHTMLParser(html)
    for node in tree.css("script,style,noscript,template,svg,iframe,head"):
        node.decompose()
    for node in tree.css(BLOCKS):
        node.insert_before("\n")
        node.insert_after("\n")
    root = tree.body or tree.root
    text = root.text(deep=True, separator="") if root else ""
    return _BLANKS.sub("\n\n", _SPACES.sub(" ", text))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dataset", default=str(ROOT / ".." / "shared" / "datasets" / "scrapinghub"))
    ap.add_argument("--limit", type=int)
    args = ap.parse_args(argv)
    dataset = Path(args.dataset)
    truth = json.loads((dataset / "ground-truth.json").read_text(encoding="utf-8"))
    ids = sorted(truth)[: args.limit]
    ours, whole, times, errors = [], [], [], {}
    for pid in ids:
        html = gzip.decompress((dataset / "html" / f"{pid}.html.gz").read_bytes()).decode("utf-8", "replace")
        text = page_text(html)
        t0 = time.perf_counter()
        try:
            out = extract_text(text, url=None).text
        except UnprocessablePage as e:
            out = ""
            errors[e.reason] = errors.get(e.reason, 0) + 1
        times.append(time.perf_counter() - t0)
        body = truth[pid]["articleBody"]
        ours.append((out, body))
        whole.append((text, body))
    for name, pairs in (("extract_text", ours), ("no cleaning", whole)):
        s = score(pairs)
        print(f"{name:14s} F1 {s.f1:.3f}  precision {s.precision:.3f}  recall {s.recall:.3f}  empty {s.empty}/{s.pages}")
    print(f"extract_text median {statistics.median(times) * 1e3:.2f} ms per page; errors {errors or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
