"""Golden tests on real pages of the ScrapingHub benchmark.

Each page: the article's first and last sentences are in the extracted text,
known chrome of that page is not, and the page's shingle F1 (the benchmark's
own metric) stays above a floor. The pages were picked for the trap each one
sets: a paywall container holding the second half (Barron's), a body whose class
says "read-more" (NY Post), a body split in two by an ad (Wired), a cookie box
and embedded tweets (SB Nation), nested declared containers (Hearst), an
unclosed listing of other posts around the real one (Portuguese blog).
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from functools import lru_cache
from pathlib import Path

import pytest

from service.html.extract import extract_html

ROOT = Path(__file__).resolve().parent.parent
DATASET = ROOT.parent / "shared" / "datasets" / "scrapinghub"
sys.path.insert(0, str(ROOT / "bench"))
from shingle_f1 import page_scores  # noqa: E402

pytestmark = pytest.mark.skipif(not DATASET.is_dir(), reason="../shared/datasets/scrapinghub not available")


@lru_cache(maxsize=1)
def _truth() -> dict:
    return json.loads((DATASET / "ground-truth.json").read_text(encoding="utf-8"))


def _page(prefix: str) -> tuple[str, str, str]:
    truth = _truth()
    [pid] = [k for k in truth if k.startswith(prefix)]
    html = gzip.decompress((DATASET / "html" / f"{pid}.html.gz").read_bytes()).decode("utf-8")
    return html, truth[pid]["articleBody"], truth[pid]["url"]


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def _tokens(s: str) -> str:
    """Word tokens joined by one space: compares text regardless of spacing around punctuation."""
    return " ".join(re.findall(r"\w+", s))


# prefix, F1 floor, chrome strings that must not appear
PAGES = [
    ("f8ff621a0b9b", 0.95, ["We've detected you are on Internet Explorer", "Text size", "Photograph by Robyn Beck"]),
    ("432362af0be4", 0.95, ["Thanks for contacting us", "120-year-old photo sparks Greta Thunberg", "Two patients diagnosed with plague in China as officials scramble"]),
    ("2f42ef1d3ea0", 0.90, ["Photograph: Tim Robberts/Getty Images", "is an Ideas contributor at WIRED"]),
    ("6a72de37e8f9", 0.90, ["We use cookies and other tracking technologies", "By choosing I Accept"]),
    ("ef2b3f268a67", 0.95, ["San Antonio Stock Show & Rodeo Champion wines", "Texas seeks to stamp out distracted driving"]),
    ("b3c19dd5f061", 0.90, ["traçando um plano paralelo para", "pelo início da sua jornada"]),
    ("5caf91b8a442", 0.95, ["Contact SFGATE Customer Support", "South Hayward Station reopens after rider killed"]),
]


@pytest.mark.parametrize("prefix,floor,chrome", PAGES, ids=[p[0] for p in PAGES])
def test_benchmark_page(prefix, floor, chrome):
    html, truth, url = _page(prefix)
    article = extract_html(html, url=url)
    text = _norm(article.text)

    paragraphs = [_norm(p) for p in truth.split("\n") if len(p.strip()) > 40]
    first, last = paragraphs[0], paragraphs[-1]
    words = _tokens(article.text)
    assert _tokens(first[:100]).rsplit(" ", 1)[0] in words, "the article's first paragraph is missing"
    assert _tokens(last[-100:]).split(" ", 1)[1] in words, "the article's last paragraph is missing"
    for junk in chrome:
        assert junk not in text, f"chrome kept: {junk!r}"

    precision, recall = page_scores(article.text, truth)
    f1 = 2 * precision * recall / (precision + recall)
    assert f1 >= floor, f"F1 {f1:.3f} below {floor} (P {precision:.3f} R {recall:.3f})"

    # the title is metadata, never the first block of the body
    if article.title:
        assert article.blocks[0].text != article.title


def test_benchmark_page_through_clean_bytes():
    """The same page through the public front door, as bytes."""
    import service

    html, truth, url = _page("f8ff621a0b9b")
    article = service.clean(html.encode("utf-8"), url=url)
    assert article.kind == "html"
    assert "Home Depot shares are up about 40% year to date" in article.text
    assert article.stats.kept_chars == len(article.text)
    assert article.images and article.images[0].src.startswith("http")
