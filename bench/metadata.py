"""Time `extract_metadata` alone on the ScrapingHub benchmark pages.

Each page is parsed once; then, interleaved so both see the same machine
noise, the Lexbor parse and `extract_metadata` are timed `--repeat` times and
each page keeps its fastest run. Prints median and p95 of both and their ratio,
plus field coverage.

    .venv/bin/python bench/metadata.py [--repeat R] [--dataset DIR] [--titles K]

`--titles K` also counts the pages whose <title> or og:title lost a site
suffix to `strip_site_suffix` and prints K random examples for a spot check.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from selectolax.lexbor import LexborHTMLParser  # noqa: E402

from service.html.metadata import extract_metadata, strip_site_suffix  # noqa: E402
from service.rules import rule_for  # noqa: E402

DEFAULT_DATASET = HERE.parent.parent / "shared" / "datasets" / "scrapinghub"


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(q * (len(s) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--dataset", type=Path, default=DEFAULT_DATASET)
    ap.add_argument("--titles", type=int, default=0, metavar="K")
    args = ap.parse_args()
    truth = json.loads((args.dataset / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for pid in sorted(truth):
        html = gzip.decompress((args.dataset / "html" / f"{pid}.html.gz").read_bytes()).decode("utf-8", "replace")
        pages.append((html, truth[pid]["url"]))

    parse_ms, meta_ms, metas, stripped = [], [], [], []
    for html, url in pages:
        rule = rule_for(url)
        best_p = best_m = float("inf")
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            tree = LexborHTMLParser(html)
            t1 = time.perf_counter()
            meta = extract_metadata(tree, url=url, rule=rule)
            t2 = time.perf_counter()
            best_p, best_m = min(best_p, t1 - t0), min(best_m, t2 - t1)
        parse_ms.append(best_p * 1000)
        meta_ms.append(best_m * 1000)
        metas.append(meta)
        if args.titles:
            node = tree.css_first("title")
            og = tree.css_first('meta[property="og:title"]')
            for raw in (node.text() if node else None, og.attributes.get("content") if og else None):
                raw = " ".join((raw or "").split())
                if raw and strip_site_suffix(raw, site_name=meta.site_name, url=url) != raw:
                    stripped.append((raw, meta.title))
                    break

    print(f"pages: {len(pages)}, repeat {args.repeat} (fastest run per page)")
    print(f"{'':18} {'median ms':>10} {'p95 ms':>10}")
    print(f"{'lexbor parse':18} {statistics.median(parse_ms):10.3f} {pct(parse_ms, 0.95):10.3f}")
    print(f"{'extract_metadata':18} {statistics.median(meta_ms):10.3f} {pct(meta_ms, 0.95):10.3f}")
    ratios = [m / p for m, p in zip(meta_ms, parse_ms)]
    print(f"metadata / parse, median of per-page ratios: {statistics.median(ratios):.2f}")
    fields = ["title", "description", "authors", "published_at", "site_name", "canonical_url", "lang", "tags", "lead_image", "json_ld_body"]
    print("coverage: " + ", ".join(f"{f} {sum(bool(getattr(m, f)) for m in metas)}" for f in fields))
    if args.titles:
        import random

        print(f"pages whose <title> or og:title had a site suffix stripped: {len(stripped)}")
        for raw, title in random.Random(1).sample(stripped, min(args.titles, len(stripped))):
            print(f"  {raw!r}\n    -> {title!r}")


if __name__ == "__main__":
    main()
