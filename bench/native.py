"""Compiled fast paths against the Python code they replace, interleaved in one process.

For every page of the ScrapingHub set and every seed, `service.clean` runs
with the compiled modules (service/native) and with each integration point's
`_native` set to None (the Python reference), alternately, `--repeat` times
each; the fastest of each is kept. Prints the median per-page times, their
ratio, and how many pages gave a different `to_dict()` (must be 0).

    .venv/bin/python bench/native.py [--repeat R] [--limit N]
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

SHARED = HERE.parent.parent / "shared"


def integration_points() -> list:
    """Every loaded service module with a compiled counterpart (a non-None `_native`)."""
    import service  # noqa: F401  (loads the modules clean() uses)
    import service.clean  # noqa: F401

    found = []
    for name, module in sorted(sys.modules.items()):
        if name.startswith("service.") and getattr(module, "_native", None) is not None:
            found.append(module)
    return found


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--limit", type=int, default=None)
    args = ap.parse_args()

    import service
    from service import native

    dataset = SHARED / "datasets" / "scrapinghub"
    truth = json.loads((dataset / "ground-truth.json").read_text(encoding="utf-8"))
    pages = [gzip.decompress((dataset / "html" / f"{pid}.html.gz").read_bytes()) for pid in sorted(truth)]
    pages += [p.read_bytes() for p in sorted((SHARED / "seeds").iterdir())]
    if args.limit:
        pages = pages[: args.limit]
    # warm up once with each: imports, regex caches, the Python modules' lazy state
    for raw in pages[:5]:
        service.clean(raw)
    modules = integration_points()
    compiled = {m: m._native for m in modules}
    print(f"compiled fast paths: {native.STATUS}; integration points: {', '.join(m.__name__ for m in modules) or 'none'}")

    def use(on: bool) -> None:
        for m, impl in compiled.items():
            m._native = impl if on else None

    def run(raw):
        try:
            return service.clean(raw).to_dict()
        except service.UnprocessablePage as e:
            return {"error": e.reason}

    fast, slow, differ = [], [], 0
    for raw in pages:
        best = {True: float("inf"), False: float("inf")}
        out = {}
        for _ in range(args.repeat):
            for on in (True, False):
                use(on)
                t0 = time.perf_counter()
                out[on] = run(raw)
                best[on] = min(best[on], time.perf_counter() - t0)
        use(True)
        fast.append(best[True])
        slow.append(best[False])
        differ += out[True] != out[False]
    f, s = statistics.median(fast) * 1000, statistics.median(slow) * 1000
    print(f"pages: {len(pages)}, best of {args.repeat} each")
    print(f"service.clean median ms: compiled {f:.3f}, Python {s:.3f}, ratio {f / s:.3f}")
    print(f"pages with different output: {differ}")


if __name__ == "__main__":
    main()
