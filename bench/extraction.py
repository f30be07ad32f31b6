"""Extraction benchmark: winnow's `service.clean` against trafilatura, same run.

Runs both extractors over the ScrapingHub article-extraction-benchmark pages
(`../shared/datasets/scrapinghub`), scores them with the benchmark's 4-token
shingle F1 (bench/shingle_f1.py) and times each page on one pinned core.
Pages are interleaved (page i: trafilatura, then winnow) so both see the same
machine noise; each page is timed `--repeat` times and its median kept (the
ratio with each page's fastest timing is printed too).

    .venv/bin/python bench/extraction.py [--only winnow|trafilatura] [--limit N]
        [--repeat R] [--worst K] [--breakdown] [--dataset DIR]

`--breakdown` also prints the median time of each stage of `service.clean`
(decode, Lexbor parse, metadata, the whole HTML extraction, fingerprint), so
the part that is the extractor's own work can be told from the fixed costs.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from shingle_f1 import page_scores, score  # noqa: E402

DEFAULT_DATASET = HERE.parent.parent / "shared" / "datasets" / "scrapinghub"


def load(dataset: Path, limit: int | None):
    truth = json.loads((dataset / "ground-truth.json").read_text(encoding="utf-8"))
    ids = sorted(truth)
    if limit:
        ids = ids[:limit]
    for pid in ids:
        raw = gzip.decompress((dataset / "html" / f"{pid}.html.gz").read_bytes())
        yield pid, raw, truth[pid]["articleBody"], truth[pid].get("url")


def winnow_runner():
    """`service.clean` on the page bytes; falls back to str pages if decode is missing."""
    import service
    from service.errors import UnprocessablePage

    try:
        import service.decode  # noqa: F401

        use_bytes = True
    except ImportError:
        use_bytes = False

    def run(raw: bytes, url: str | None) -> str:
        page = raw if use_bytes else raw.decode("utf-8", errors="replace")
        try:
            return service.clean(page, url=url, kind="html").text
        except UnprocessablePage:
            return ""

    from service import native

    run.mode = ("bytes" if use_bytes else "str (utf-8, errors=replace)") + f", compiled fast paths: {native.STATUS}"
    return run


def trafilatura_runner(library_defaults: bool = False):
    """trafilatura as the benchmark's own runner calls it (include_comments=False), or with
    every library default (comments included) when `library_defaults`."""
    import trafilatura

    options = {} if library_defaults else {"include_comments": False}

    def run(raw: bytes, url: str | None) -> str:
        return trafilatura.extract(raw.decode("utf-8", errors="replace"), url=url, **options) or ""

    how = "library defaults (include_comments=True)" if library_defaults else (
        "default settings except include_comments=False (as the benchmark runs it)"
    )
    run.mode = f"trafilatura {trafilatura.__version__} {how}, str input"
    return run


def timed(fn, raw, url, repeat):
    """(output, median of the `repeat` timings, fastest of them)."""
    times = []
    out = ""
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn(raw, url)
        times.append(time.perf_counter() - t0)
    return out, statistics.median(times), min(times)


def breakdown(pages, repeat: int) -> None:
    """Median ms per stage of service.clean over the pages (each stage timed alone)."""
    from selectolax.lexbor import LexborHTMLParser

    from service.decode import decode, utf8_chars
    from service.errors import UnprocessablePage
    from service.fingerprint import fingerprint
    from service.html.extract import _PARSE_OPTIONS, extract_html
    from service.html.metadata import extract_metadata

    stages: dict[str, list[float]] = {k: [] for k in ("decode", "parse", "metadata", "extract_html", "fingerprint")}

    def clock(name, fn, *a, **kw):
        best = None
        out = None
        for _ in range(repeat):
            t0 = time.perf_counter()
            out = fn(*a, **kw)
            t = time.perf_counter() - t0
            best = t if best is None else min(best, t)
        stages[name].append(best)
        return out

    for _pid, raw, _truth, url in pages:
        # as service.clean does: UTF-8 bytes are only validated and counted (utf8_chars), others decoded
        if clock("decode", utf8_chars, raw):
            text, utf8 = None, raw
        else:
            text, enc = decode(raw)
            utf8 = raw if enc == "utf-8" and not raw.startswith(b"\xef\xbb\xbf") and "\ufffd" not in text else None
        tree = clock("parse", LexborHTMLParser, utf8 if utf8 is not None else text, options=_PARSE_OPTIONS)
        clock("metadata", extract_metadata, tree, url=url)
        try:
            art = clock("extract_html", extract_html, text, url=url, utf8=utf8)
        except UnprocessablePage:
            continue
        clock("fingerprint", fingerprint, art.text)
    print("\nstage medians (best of repeat per page), ms:")
    for name, ts in stages.items():
        print(f"  {name:<13} {statistics.median(ts) * 1000:7.3f}")
    own = statistics.median(stages["extract_html"]) - statistics.median(stages["parse"]) - statistics.median(
        stages["metadata"]
    )
    print(f"  extract_html minus parse and metadata (the extractor's own work): {own * 1000:.3f}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dataset", type=Path, default=DEFAULT_DATASET)
    ap.add_argument("--only", choices=["winnow", "trafilatura"])
    ap.add_argument("--limit", type=int)
    ap.add_argument("--repeat", type=int, default=3, help="timings per page; the median is kept")
    ap.add_argument("--worst", type=int, default=0, help="list the K worst winnow pages by F1")
    ap.add_argument("--trafilatura-library-defaults", action="store_true",
                    help="run trafilatura with include_comments=True (its library default) instead")
    ap.add_argument("--breakdown", action="store_true", help="median time per stage of service.clean")
    ap.add_argument("--core", type=int, default=None, help="pin to this CPU (default: the first allowed)")
    args = ap.parse_args(argv)

    if hasattr(os, "sched_setaffinity"):
        cores = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {args.core if args.core is not None else cores[0]})

    runners = {}
    if args.only in (None, "winnow"):
        runners["winnow"] = winnow_runner()
    if args.only in (None, "trafilatura"):
        runners["trafilatura"] = trafilatura_runner(args.trafilatura_library_defaults)

    pages = list(load(args.dataset, args.limit))
    outputs = {name: [] for name in runners}
    times = {name: [] for name in runners}
    fastest = {name: [] for name in runners}
    for pid, raw, truth, url in pages:
        for name, fn in runners.items():
            out, t, best = timed(fn, raw, url, args.repeat)
            outputs[name].append((out, truth))
            times[name].append(t)
            fastest[name].append(best)

    print(f"dataset: {args.dataset} ({len(pages)} pages), repeat={args.repeat}, one core")
    for name, fn in runners.items():
        print(f"  {name}: {fn.mode}")
    print()
    print(f"{'extractor':<12} {'F1':>6} {'prec':>6} {'recall':>6} {'empty':>5} {'median ms':>9} {'mean ms':>8}")
    medians = {}
    for name in runners:
        s = score(outputs[name])
        medians[name] = statistics.median(times[name]) * 1000
        mean = statistics.fmean(times[name]) * 1000
        print(f"{name:<12} {s.f1:6.4f} {s.precision:6.4f} {s.recall:6.4f} {s.empty:5d} {medians[name]:9.2f} {mean:8.2f}")
    if len(medians) == 2:
        print(f"\nratio of medians winnow/trafilatura: {medians['winnow'] / medians['trafilatura']:.3f}")
        if args.repeat > 1:  # the same runs, each page's fastest timing instead of its median
            fast = {name: statistics.median(ts) * 1000 for name, ts in fastest.items()}
            print(
                f"  with each page's fastest of {args.repeat}: winnow {fast['winnow']:.2f} ms, "
                f"trafilatura {fast['trafilatura']:.2f} ms, ratio {fast['winnow'] / fast['trafilatura']:.3f}"
            )

    if args.breakdown:
        breakdown(pages, args.repeat)

    if args.worst and "winnow" in outputs:
        rows = []
        for (pid, _raw, _t, url), (out, truth) in zip(pages, outputs["winnow"]):
            p, r = page_scores(out, truth)
            p = 0.0 if p is None else p
            f = 2 * p * r / (p + r) if p + r else 0.0
            rows.append((f, p, r, pid, url))
        rows.sort()
        print(f"\nworst {args.worst} winnow pages:")
        for f, p, r, pid, url in rows[: args.worst]:
            print(f"  F1 {f:.3f} P {p:.3f} R {r:.3f}  {pid[:12]}  {url}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
