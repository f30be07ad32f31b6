"""Page-text extraction beyond the seeds: the 181 ScrapingHub pages as scraper text.

bench/text_pages.py turns every benchmark page into innerText-like page text
and scores extract_text with the benchmark's shingle F1. Measured 0.905 when
this test was written (0.672 for the uncleaned text); the floor here catches
real regressions without failing on small, deliberate trade-offs.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATASET = ROOT / ".." / "shared" / "datasets" / "scrapinghub"


@pytest.mark.slow
def test_page_text_f1_on_simulated_benchmark_pages(capsys):
    if not (DATASET / "ground-truth.json").exists():
        pytest.skip("shared dataset not available")
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import text_pages
    finally:
        sys.path.remove(str(ROOT / "bench"))
    assert text_pages.main(["--dataset", str(DATASET)]) == 0
    out = capsys.readouterr().out
    ours = next(line for line in out.splitlines() if line.startswith("extract_text "))
    whole = next(line for line in out.splitlines() if line.startswith("no cleaning"))
    f1 = float(ours.split("F1 ")[1].split()[0])
    empty = int(ours.split("empty ")[1].split("/")[0])
    assert f1 >= 0.89, ours
    assert f1 > float(whole.split("F1 ")[1].split()[0]) + 0.2
    assert empty <= 3
