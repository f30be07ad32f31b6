"""extract_metadata: source precedence, tolerance of broken input, field normalization."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from service.article import Image
from service.html.metadata import Metadata, extract_metadata


def meta_of(html: str, url: str | None = "https://www.example.com/news/2025/07/story.html", **kw) -> Metadata:
    return extract_metadata(LexborHTMLParser(html), url=url, **kw)


def ld(obj) -> str:
    return f'<script type="application/ld+json">{json.dumps(obj)}</script>'


FULL_HEAD = """
<html lang="en-US"><head>
<title>Seoul and Washington sign chips pact - Example News</title>
<meta property="og:title" content="OG: chips pact signed">
<meta property="og:site_name" content="Example News">
<meta property="og:description" content="OG description">
<meta property="og:image" content="/img/og.jpg">
<meta property="og:locale" content="ko_KR">
<meta property="article:published_time" content="2025-07-01T09:00:00+09:00">
<meta property="article:tag" content="Semiconductors">
<meta property="article:tag" content="Alliance">
<meta name="keywords" content="chips, trade, alliance">
<meta name="author" content="Meta Author">
<link rel="canonical" href="/news/2025/07/story.html?ref=canon">
%s
</head><body><p class="byline">By Visible Byline</p><p>Body.</p></body></html>
"""

ARTICLE_LD = {
    "@context": "https://schema.org",
    "@type": "NewsArticle",
    "headline": "Seoul and Washington sign chips pact",
    "description": "LD description",
    "datePublished": "2025-07-02T10:30:00Z",
    "author": [{"@type": "Person", "name": "Kim Min-ji"}, {"@type": "Person", "name": "John Smith"}],
    "publisher": {"@type": "Organization", "name": "Example News"},
    "image": {"@type": "ImageObject", "url": "https://cdn.example.com/lead.jpg", "caption": "Leaders shake hands", "creditText": "Pool photo"},
    "keywords": ["South Korea", "United States", "Semiconductors"],
    "articleBody": "  The two governments signed the pact on Wednesday.  ",
    "inLanguage": "en",
}


def test_json_ld_beats_meta_and_title():
    m = meta_of(FULL_HEAD % ld(ARTICLE_LD))
    assert m.title == "Seoul and Washington sign chips pact"
    assert m.description == "LD description"
    assert m.authors == ["Kim Min-ji", "John Smith"]
    assert m.published_at == "2025-07-02T10:30:00+00:00"
    assert m.site_name == "Example News"
    assert m.lead_image == Image("https://cdn.example.com/lead.jpg", "Leaders shake hands", "Pool photo")
    assert m.json_ld_body == "The two governments signed the pact on Wednesday."
    assert m.json_ld_type == "NewsArticle"
    # tags merge the sources in order of trust, without case duplicates
    assert m.tags == ["South Korea", "United States", "Semiconductors", "Alliance", "chips", "trade"]


def test_meta_when_no_json_ld():
    m = meta_of(FULL_HEAD % "")
    assert m.title == "OG: chips pact signed"
    assert m.description == "OG description"
    assert m.authors == ["Meta Author"]
    assert m.published_at == "2025-07-01T09:00:00+09:00"
    assert m.lead_image == Image("https://www.example.com/img/og.jpg")
    assert m.canonical_url == "https://www.example.com/news/2025/07/story.html?ref=canon"
    assert m.lang == "en"  # <html lang> beats og:locale
    assert m.json_ld_body is None and m.json_ld_type is None


def test_title_element_without_site_suffix_and_visible_byline_as_last_resort():
    html = """<html><head><title>Trade talks resume in Seoul | Example News</title></head>
    <body><div class="byline">By Jane Roe and Lee Ji-ho, Example News | Updated July 3, 2025</div><p>x</p></body></html>"""
    m = meta_of(html)
    assert m.title == "Trade talks resume in Seoul"
    assert m.authors == ["Jane Roe", "Lee Ji-ho"]


def test_graph_with_id_references_and_yoast_layout():
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "@id": "https://ex.com/#website", "name": "Ex Site"},
            {"@type": "ImageObject", "@id": "https://ex.com/a/#primaryimage", "url": "https://ex.com/a.jpg", "caption": "Cap"},
            {
                "@type": ["Article", "NewsArticle"],
                "@id": "https://ex.com/a/#article",
                "headline": "Graph headline",
                "author": {"@id": "https://ex.com/#/schema/person/1"},
                "image": {"@id": "https://ex.com/a/#primaryimage"},
                "datePublished": "2025-07-03T08:00:00+00:00",
                "mainEntityOfPage": {"@id": "https://ex.com/a/"},
            },
            {"@type": "Person", "@id": "https://ex.com/#/schema/person/1", "name": "Graph Author"},
        ],
    }
    m = meta_of(f"<html><head>{ld(graph)}</head><body></body></html>", url="https://ex.com/a/")
    assert m.title == "Graph headline"
    assert m.authors == ["Graph Author"]
    assert m.lead_image == Image("https://ex.com/a.jpg", "Cap", None)
    assert m.site_name == "Ex Site"
    assert m.canonical_url == "https://ex.com/a/"
    assert m.json_ld_type == "NewsArticle"


def test_article_inside_a_list_and_reportage_type():
    items = [{"@type": "BreadcrumbList", "itemListElement": []}, {"@type": "ReportageNewsArticle", "headline": "In a list"}]
    m = meta_of(f"<html><head>{ld(items)}</head></html>")
    assert m.title == "In a list" and m.json_ld_type == "ReportageNewsArticle"


@pytest.mark.parametrize(
    "raw",
    [
        '{"@type": "NewsArticle", "headline": "Trailing comma",}',
        '<!-- {"@type": "NewsArticle", "headline": "Trailing comma"} -->',
        '{"@type": "NewsArticle", "headline": "Trailing comma"} {"@type": "WebSite", "name": "x"}',
        '{"@type": "NewsArticle", "headline": "Trailing comma", "articleBody": "unterminated',
    ],
)
def test_broken_json_ld_is_tolerated(raw):
    m = meta_of(f'<html><head><script type="application/ld+json">{raw}</script></head></html>')
    assert m.title == "Trailing comma"


def test_raw_control_characters_inside_json_strings():
    raw = '{"@type": "NewsArticle", "headline": "Line one\nline two", "articleBody": "Para one.\n\nPara two."}'
    m = meta_of(f'<html><head><script type="application/ld+json">{raw}</script></head></html>')
    assert m.title == "Line one line two"
    assert m.json_ld_body == "Para one.\n\nPara two."


def test_truncated_json_ld_headline_yields_to_the_full_one():
    head = "South Korea and the United States agree on a framework for shipbuilding"
    html = f"""<html><head>{ld({"@type": "NewsArticle", "headline": head[:40] + "…"})}
    <meta property="og:title" content="{head}"></head></html>"""
    assert meta_of(html).title == head
    html = f"""<html><head>{ld({"@type": "NewsArticle", "headline": head[:52]})}
    <meta property="og:title" content="{head}"></head></html>"""
    assert meta_of(html).title == head


def test_entities_and_tags_in_json_ld_text_are_cleaned():
    m = meta_of(f"<html><head>{ld({'@type': 'Article', 'headline': 'Kim &amp; Lee&#039;s <b>deal</b>'})}</head></html>")
    assert m.title == "Kim & Lee's deal"


@pytest.mark.parametrize(
    "head, lang",
    [
        ('<html lang="ko-KR">', "ko"),
        ('<html lang="EN_us">', "en"),
        ('<html><meta property="og:locale" content="ko_KR">', "ko"),
        ('<html><meta http-equiv="content-language" content="en-GB, en">', "en"),
        ('<html lang="x-default">', None),
        ('<html lang="123">', None),
    ],
)
def test_language_normalized(head, lang):
    assert meta_of(head + "<title>t</title></html>").lang == lang


def test_authors_drop_urls_emails_handles_and_site_name():
    html = """<html><head>
    <meta property="og:site_name" content="Example News">
    <meta property="article:author" content="https://www.facebook.com/examplenews">
    </head></html>"""
    assert meta_of(html).authors == []
    html = f"""<html><head><meta property="og:site_name" content="Example News">
    {ld({"@type": "NewsArticle", "author": [{"@type": "Organization", "name": "Example News"}, {"name": "By Park Ji-sung, Staff Writer"}, "jane@example.com"]})}
    </head></html>"""
    assert meta_of(html).authors == ["Park Ji-sung"]


def test_canonical_is_absolute_or_absent():
    html = '<html><head><link rel="canonical" href="/a/b"></head></html>'
    assert meta_of(html, url="https://news.example.com/x/y").canonical_url == "https://news.example.com/a/b"
    assert meta_of(html, url=None).canonical_url is None
    html = '<html><head><link rel="canonical" href="javascript:void(0)"><meta property="og:url" content="https://ex.com/og"></head></html>'
    assert meta_of(html).canonical_url == "https://ex.com/og"


def test_rule_title_and_date_selectors_win():
    from service.rules import SiteRule

    rule = SiteRule(name="t", domains=("example.com",), title=("h1.real",), date=(".stamp",))
    html = f"""<html><head>{ld({"@type": "NewsArticle", "headline": "LD headline", "datePublished": "2025-07-01T09:00:00Z"})}</head>
    <body><h1 class="real">Rule headline</h1><span class="stamp" data-date-time="2025-07-02 10:00:00">x</span></body></html>"""
    m = meta_of(html, rule=rule)
    assert m.title == "Rule headline"
    assert m.published_at == "2025-07-02T10:00:00"


def test_rule_date_without_time_does_not_hide_a_precise_meta_time():
    from service.rules import SiteRule

    rule = SiteRule(name="t", domains=("example.com",), date=(".d",))
    html = f"""<html><head>{ld({"@type": "NewsArticle", "datePublished": "2025-07-02T10:00:00Z"})}</head>
    <body><span class="d">July 2, 2025</span></body></html>"""
    assert meta_of(html, rule=rule).published_at == "2025-07-02T10:00:00+00:00"
    html = html.replace("July 2, 2025", "July 1, 2025")
    assert meta_of(html, rule=rule).published_at == "2025-07-01"


def test_a_bad_selector_in_a_rule_does_not_break_extraction():
    from service.rules import SiteRule

    rule = SiteRule(name="t", domains=("example.com",), title=("h1[[",))
    assert meta_of("<html><head><title>Fine title here</title></head></html>", rule=rule).title == "Fine title here"


def test_fallback_date_from_time_element():
    html = '<html><body><article><time datetime="2025-07-04T12:00:00+09:00">4 July</time></article></body></html>'
    assert meta_of(html).published_at == "2025-07-04T12:00:00+09:00"


@pytest.mark.parametrize(
    "html",
    [
        "",
        "   ",
        "<html>",
        "no markup at all, just words",
        "\x00\x01\x02\xff\xfe binary-ish",
        "<head><title></title></head>",
        '<script type="application/ld+json"></script>',
        '<script type="application/ld+json">null</script>',
        '<script type="application/ld+json">[[[[[[[[[[[[[[</script>',
        '<script type="application/ld+json">' + "[" * 100_000 + "</script>",
        '<script type="application/ld+json">{"@type": "NewsArticle", "author": {"@id": "loop"}, "@id": "loop"}</script>',
        '<script type="application/ld+json">{"@type": 5, "headline": ["a", "b"], "image": [[]], "author": 7}</script>',
        '<meta property="og:title" content="' + "A" * 2_000_000 + '">',
        '<html lang="' + "e" * 100_000 + '"><link rel="canonical" href="http://[::1"></html>',
        "<div>" * 5_000,
    ],
)
def test_never_raises_on_odd_pages(html):
    m = meta_of(html)
    assert isinstance(m, Metadata)
    assert m.title is None or len(m.title) <= 4000


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=3000), st.one_of(st.none(), st.text(max_size=100)))
def test_any_text_gives_metadata(html, url):
    m = extract_metadata(LexborHTMLParser(html), url=url)
    assert isinstance(m, Metadata)
    assert isinstance(m.authors, list) and isinstance(m.tags, list)


@settings(max_examples=150, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
        lambda children: st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(["@type", "@graph", "@id", "headline", "author", "image", "name", "datePublished", "keywords", "publisher", "url"]), children, max_size=5),
        max_leaves=25,
    )
)
def test_any_json_ld_shape_gives_metadata(obj):
    doc = {"@type": "NewsArticle", "headline": "H", "author": obj, "image": obj, "keywords": obj, "@graph": [obj]}
    m = meta_of(f"<html><head>{ld(doc)}{ld(obj)}</head></html>")
    assert isinstance(m, Metadata)


def test_date_from_a_non_article_json_ld_node_and_visible_publish_date():
    page = {"@type": "WebPage", "datePublished": "2025-07-05T08:00:00Z", "name": "x"}
    assert meta_of(f"<html><head>{ld(page)}</head></html>").published_at == "2025-07-05T08:00:00+00:00"
    html = """<html><head><script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "0001-01-01T00:00:00Z"}</script></head>
    <body><div class="publish-date">Published 11:11 PM EST Nov 19, 2019</div></body></html>"""
    assert meta_of(html).published_at == "2019-11-19T23:11:00-05:00"


@pytest.mark.parametrize(
    "text",
    [
        '{"headline": "H", "wordCount": 123456789012345678901234567890}',  # orjson would give a float
        '{"headline": "H", "n": -9223372036854775809, "m": 18446744073709551616}',
        '{"headline": "H", "rating": NaN, "x": Infinity}',  # orjson refuses: json's turn
        '{"headline": "H\tI", "name": "\\ud800"}',  # raw control character, lone surrogate
        '{"headline": "H", "a": 1.5, "b": 9.3e18, "c": 18446744073709551615}',
        '[' * 150 + '{"headline": "deep"}' + ']' * 150,
        '{"headline": "H",}',
        '{"@type": "NewsArticle"} {"@type": "Person"}',
    ],
)
def test_json_ld_parsed_as_json_would(text):
    """`_loads` tries orjson first; where orjson and json disagree, json's reading stands."""
    from service.html import metadata

    try:
        expected = [json.JSONDecoder(strict=False).decode(text)]
    except (ValueError, RecursionError):
        expected = None
    got = metadata._loads(text)
    if expected is not None:
        assert repr(got) == repr(expected)
    assert all(type(a) is type(b) for a, b in zip(got, expected or got))
