"""The field normalizers of service.html.metadata: dates, titles, authors."""

from __future__ import annotations

import pytest

from service.html.metadata import normalize_lang, parse_date, split_authors, strip_site_suffix


@pytest.mark.parametrize(
    "raw, iso",
    [
        ("2025-07-10", "2025-07-10"),
        ("2025-07-10T14:35:00Z", "2025-07-10T14:35:00+00:00"),
        ("2025-07-10T14:35:00.123+09:00", "2025-07-10T14:35:00+09:00"),
        ("2025-07-10T14:35:00+0900", "2025-07-10T14:35:00+09:00"),
        ("2025-07-10T14:35:00", "2025-07-10T14:35:00"),
        ("2025-07-10 14:35", "2025-07-10T14:35:00"),
        ("2025-7-1 9:05", "2025-07-01T09:05:00"),
        ("2025/07/10", "2025-07-10"),
        ("2025.07.10 14:35", "2025-07-10T14:35:00"),
        ("2025.07.10. 오후 2:35", "2025-07-10T14:35:00"),
        ("2025. 7. 10. 09:54", "2025-07-10T09:54:00"),
        ("2025년 7월 10일 오전 12:05", "2025-07-10T00:05:00"),
        ("입력 2025-07-10 14:35 수정 2025-07-11 08:00", "2025-07-10T14:35:00"),
        ("20250710", "2025-07-10"),
        ("20250710T143500Z", "2025-07-10T14:35:00+00:00"),
        ("Thu, 10 Jul 2025 14:35:00 GMT", "2025-07-10T14:35:00+00:00"),
        ("Thu, 10 Jul 2025 14:35:00 +0900", "2025-07-10T14:35:00+09:00"),
        ("July 10, 2025", "2025-07-10"),
        ("Jul. 10, 2025 2:35 p.m. EDT", "2025-07-10T14:35:00-04:00"),
        ("Updated 0339 GMT (1139 HKT) November 19, 2019", "2019-11-19"),
        ("10 July 2025", "2025-07-10"),
        ("10th July 2025 at 14:35", "2025-07-10T14:35:00"),
        ("1752158100", "2025-07-10T14:35:00+00:00"),
        ("1752158100000", "2025-07-10T14:35:00+00:00"),
        (1752158100, "2025-07-10T14:35:00+00:00"),
    ],
)
def test_parse_date(raw, iso):
    assert parse_date(raw) == iso


@pytest.mark.parametrize(
    "raw",
    ["", "   ", "yesterday", "2 hours ago", "2025-13-45", "Feb 30, 2025", "1850-01-01", "12345", None, [], {}, True, "9" * 300],
)
def test_parse_date_rejects_non_dates(raw):
    assert parse_date(raw) is None


@pytest.mark.parametrize(
    "title, site, url, want",
    [
        # seeds: the page-text titles carry the site suffix
        (
            "Between giants: South Korean moment for a balanced foreign policy – Asia Times",
            None,
            None,
            "Between giants: South Korean moment for a balanced foreign policy",
        ),
        (
            "Between giants: South Korean moment for a balanced foreign policy – Asia Times",
            None,
            "https://asiatimes.com/2025/04/between-giants/",
            "Between giants: South Korean moment for a balanced foreign policy",
        ),
        ("US Pushes South Korea to Strengthen Self-Reliance – The Diplomat", "The Diplomat", None, "US Pushes South Korea to Strengthen Self-Reliance"),
        ("Trade talks resume | Reuters", None, "https://www.reuters.com/x", "Trade talks resume"),
        ("US-Korea talks - what to expect | Reuters", None, "https://www.reuters.com/x", "US-Korea talks - what to expect"),
        ("Title here | Politics | CNN Politics", "CNN", None, "Title here"),
        ("The Guardian view on Hong Kong | Editorial | Opinion | The Guardian", "the Guardian", None, "The Guardian view on Hong Kong"),
        ("Yonhap News Agency - Seoul, Washington agree on tariffs", "Yonhap News Agency", None, "Seoul, Washington agree on tariffs"),
        ("Allies meet in Seoul - Korea JoongAng Daily", None, "https://koreajoongangdaily.joins.com/x", "Allies meet in Seoul"),
        ("Chips deal signed — NYTimes.com", None, "https://www.nytimes.com/x", "Chips deal signed"),
        ("한미 관세 협상 타결 - 연합뉴스", "연합뉴스", None, "한미 관세 협상 타결"),
        ("Home Depot sales miss, shares plunge | Fox Business", "Fox Business", "https://www.foxbusiness.com/x", "Home Depot sales miss, shares plunge"),
        # nothing to strip
        ("Between giants: South Korean moment", "Asia Times", None, "Between giants: South Korean moment"),
        ("Kim - Trump summit ends without a deal", None, None, "Kim - Trump summit ends without a deal"),
        ("Asia Times", "Asia Times", None, "Asia Times"),
        ("CNN's ratings fall - analysis of the quarter", "CNN", None, "CNN's ratings fall - analysis of the quarter"),
        ("  spaced   out  ", None, None, "spaced out"),
        ("", None, None, ""),
    ],
)
def test_strip_site_suffix(title, site, url, want):
    assert strip_site_suffix(title, site_name=site, url=url) == want


@pytest.mark.parametrize(
    "raw, kw, want",
    [
        ("By Jane Roe and John Doe", {}, ["Jane Roe", "John Doe"]),
        ("Jane Roe, John Doe & Kim Min-ji", {}, ["Jane Roe", "John Doe", "Kim Min-ji"]),
        ("MEG KINNARD AND ERRIN HAINES, Associated Press", {}, ["MEG KINNARD", "ERRIN HAINES", "Associated Press"]),
        ("TOM KRISHER, AP Auto Writer", {}, ["TOM KRISHER"]),
        ("Analysis by Chris Example, CNN Editor-at-large", {"site_keys": ("cnn",)}, ["Chris Example"]),
        ("Jill Example, CNN Business", {"site_keys": ("cnn",)}, ["Jill Example"]),
        ("Bruce Y. Lee", {}, ["Bruce Y. Lee"]),
        ("Ilana Example, MS, RDN", {}, ["Ilana Example"]),
        ("https://www.facebook.com/someone", {}, []),
        ("/autoren/some-one", {}, []),
        ("jane.roe@example.com", {}, []),
        ("madeline-fry", {}, []),
        ("Staff Reports", {}, []),
        ("Bryan Example @BryanExample Nov 19, 2019 at 2:24 am ET", {"byline": True}, ["Bryan Example"]),
        ("By Jane Roe | Updated July 3, 2025", {"byline": True}, ["Jane Roe"]),
        ("Mike Example and Malcolm Other Monday, November 18, 2019", {"byline": True}, ["Mike Example", "Malcolm Other"]),
        ("홍길동 기자", {}, ["홍길동"]),
        ("김서연 기자(seoyeon@example.co.kr)", {"byline": True}, ["김서연"]),
        ("입력 2025. 7. 10. 14:35", {"byline": True}, []),
        ("Текст: Венера Example", {}, ["Венера Example"]),
        (None, {}, []),
        (42, {}, []),
    ],
)
def test_split_authors(raw, kw, want):
    assert split_authors(raw, **kw) == want


@pytest.mark.parametrize(
    "raw, want",
    [("en-US", "en"), ("ko_KR", "ko"), ("KO", "ko"), ("en-us,en;q=0.9", "en"), ("fil", "fil"), ("", None), ("x-default", None), ("english", None), (None, None)],
)
def test_normalize_lang(raw, want):
    assert normalize_lang(raw) == want


@pytest.mark.parametrize(
    "raw, iso",
    [
        ("Published 11:11 PM EST Nov 19, 2019", "2019-11-19T23:11:00-05:00"),
        ("Published 10:02 AM EST Nov 19, 2019", "2019-11-19T10:02:00-05:00"),
    ],
)
def test_parse_date_time_before_day(raw, iso):
    assert parse_date(raw) == iso


import re  # noqa: E402
from datetime import date, datetime  # noqa: E402

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_titles = st.lists(
    st.sampled_from(["Seoul", "talks", "Asia Times", "|", "-", "–", "CNN", "US-Korea", "  ", "News", "·", "Reuters", "가"]),
    max_size=12,
).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(_titles, st.text(max_size=200)), st.one_of(st.none(), st.text(max_size=30), st.just("Asia Times")), st.one_of(st.none(), st.text(max_size=60), st.just("https://www.cnn.com/x")))
def test_strip_site_suffix_keeps_a_part_of_the_title(title, site, url):
    out = strip_site_suffix(title, site_name=site, url=url)
    norm = " ".join(title.split())
    assert isinstance(out, str)
    assert out in norm
    assert bool(out) == bool(norm)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=80), st.integers(), st.floats(allow_nan=True), st.none()))
def test_parse_date_gives_iso_or_none(raw):
    out = parse_date(raw)
    if out is not None:
        (date.fromisoformat if len(out) == 10 else datetime.fromisoformat)(out)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200), st.booleans())
def test_split_authors_gives_short_names(raw, byline):
    for name in split_authors(raw, byline=byline):
        assert name and len(name) <= 60 and name == name.strip()
        assert not re.search(r"\d", name) and any(ch.isalpha() for ch in name)
