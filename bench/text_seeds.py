"""Time page-text extraction on the five seeds: `python bench/text_seeds.py [--runs 200]`.

Prints, for `extract_text` and for the whole `clean(kind="text")` (decode,
fingerprint and stats included), the median of all seeds x runs timings, the
per-seed medians and, as a peer measured in the same run, `str.splitlines()`
plus one regex pass over every line (the floor for any line-based cleaner in
Python). Timings on a shared machine are noisy: compare ratios within a run.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from service import clean  # noqa: E402
from service.text.extract import extract_text  # noqa: E402

SEEDS = ROOT / ".." / "shared" / "seeds"
_FLOOR_RE = re.compile(r"^(?:share|related|by)\b", re.I)


def floor(text: str) -> int:
    return sum(1 for line in text.splitlines() if _FLOOR_RE.match(line.strip()))


def measure(fn, pages: list, runs: int) -> tuple[list[float], list[float]]:
    every: list[float] = []
    per_seed: list[float] = []
    for page in pages:
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            fn(page)
            times.append(time.perf_counter() - t0)
        every += times
        per_seed.append(statistics.median(times))
    return every, per_seed


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=200)
    args = ap.parse_args(argv)
    paths = sorted(SEEDS.glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in paths]
    raws = [p.read_bytes() for p in paths]
    for name, fn, pages in (
        ("line-scan floor", floor, texts),
        ("extract_text", lambda t: extract_text(t, url=None), texts),
        ('clean(bytes, kind="text")', lambda b: clean(b, kind="text"), raws),
    ):
        warm_until = time.perf_counter() + 0.5  # warm up imports, caches and the CPU clock
        while time.perf_counter() < warm_until:
            for page in pages:
                fn(page)
        every, per_seed = measure(fn, pages, args.runs)
        print(
            f"{name:28s} median {statistics.median(every) * 1e3:7.3f} ms over {len(every)} runs;"
            f" per seed {' '.join(f'{m * 1e3:.3f}' for m in per_seed)} ms"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
