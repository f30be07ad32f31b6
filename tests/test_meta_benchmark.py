"""Metadata on the 181 real pages of the ScrapingHub benchmark (../shared/datasets)."""

from __future__ import annotations

import gzip
import json
import re
from functools import lru_cache
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from service.html.metadata import extract_metadata

DATASET = Path(__file__).resolve().parents[1].parent / "shared" / "datasets" / "scrapinghub"
pytestmark = pytest.mark.skipif(not (DATASET / "ground-truth.json").is_file(), reason="benchmark dataset not present")


@lru_cache(maxsize=1)
def _all():
    truth = json.loads((DATASET / "ground-truth.json").read_text(encoding="utf-8"))
    out = {}
    for pid, entry in sorted(truth.items()):
        html = gzip.decompress((DATASET / "html" / f"{pid}.html.gz").read_bytes()).decode("utf-8", "replace")
        out[entry["url"]] = extract_metadata(LexborHTMLParser(html), url=entry["url"])
    return out


def _key(s: str) -> str:
    return re.sub(r"[\W_]+", "", s.casefold())


def test_every_page_has_a_title_without_the_site_suffix():
    metas = _all()
    assert len(metas) == 181
    for url, m in metas.items():
        assert m.title, url
        parts = re.split(r"\s+[|\-–—·•»]\s+|\s*\|\s*", m.title)
        if len(parts) > 1 and m.site_name:
            assert _key(parts[-1]) != _key(m.site_name), (url, m.title)
            assert _key(parts[0]) != _key(m.site_name), (url, m.title)


def test_most_pages_have_dates_authors_and_languages():
    metas = list(_all().values())
    assert sum(bool(m.published_at) for m in metas) >= 150
    assert sum(bool(m.authors) for m in metas) >= 120
    assert sum(bool(m.lang) for m in metas) >= 150
    assert sum(bool(m.canonical_url) for m in metas) >= 170
    for m in metas:
        if m.published_at:
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}([+-]\d{2}:\d{2})?)?", m.published_at), m.published_at
        if m.canonical_url:
            assert m.canonical_url.startswith(("http://", "https://"))
        for a in m.authors:
            assert "http" not in a and "@" not in a and not any(ch.isdigit() for ch in a), a


@pytest.mark.parametrize(
    "url, title, authors, published_at",
    [
        (
            "https://www.reuters.com/article/us-global-markets/asian-shares-soft-as-trade-doubts-creep-back-in-idUSKBN1XT00W",
            "Oversupply angst drags oil lower, stocks drift near highs",
            ["Rodrigo Campos"],
            "2019-11-19T21:57:01+00:00",
        ),
        (
            "https://www.nytimes.com/2019/11/18/business/trump-trade-war-china.html",
            "Trump’s Made-for-TV Trade War Keeps World Guessing",
            ["Ana Swanson"],
            "2019-11-18T17:56:27+00:00",
        ),
        (
            "https://www.theguardian.com/commentisfree/2019/nov/18/the-guardian-view-on-hong-kong-a-city-on-the-brink",
            "The Guardian view on Hong Kong: a city on the brink",
            [],
            "2019-11-18T18:54:53+00:00",
        ),
        (
            "http://entermedia.co.kr/news/news_view.html?idx=8723&page=1&bc=&mc=&find=&sch_date=",
            "악녀의 덫에 걸린 이유리, 의외로 막장극 어울리는 남상미",
            [],
            None,
        ),
        (
            "https://www.ctpost.com/news/us/article/New-SUVs-and-electric-vehicles-highlight-L-A-14848164.php",
            "New SUVs and electric vehicles highlight L.A. Auto Show",
            ["TOM KRISHER"],
            "2019-11-20T06:35:39+00:00",
        ),
    ],
)
def test_golden_pages(url, title, authors, published_at):
    metas = _all()
    if url not in metas:
        pytest.skip("page not in this copy of the dataset")
    m = metas[url]
    assert (m.title, m.authors, m.published_at) == (title, authors, published_at)
