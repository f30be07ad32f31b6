"""Every shipped site rule against its hand-written fixture in tests/fixtures/rules/.

The fixtures are modelled on each site's real markup (with our own text). Each
rule's `test_url` says where the fixture pretends to come from; its
`test_contains` / `test_absent` strings must / must not be in the body.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from service import clean
from service.html.metadata import extract_metadata
from service.rules import load_rules, rule_for

FIXTURES = Path(__file__).parent / "fixtures" / "rules"
RULES = {r.name: r for r in load_rules()}

# what the page's own title/date/author selectors must give
EXPECTED = {
    "naver": dict(title="한미 관세 협상 타결 임박…반도체 투자 확대 합의", published_at="2025-07-10T14:35:00", authors=["김서연"]),
    "daum": dict(title="반도체 수출 석 달째 증가…대미 수출 역대 최대", published_at="2025-07-10T14:35:00", authors=["박지훈"]),
    "ndsoft": dict(title="주한미군 방위비 분담금 협상 재개", published_at="2025-07-10T09:10:00+09:00", authors=[]),
    "bbc": dict(
        title="South Korea and US agree new defence cost deal",
        published_at="2025-07-10T08:55:00+00:00",
        authors=["Jane Doe"],
    ),
    "guardian": dict(
        title="US and South Korea reaffirm alliance amid tariff dispute",
        published_at="2025-07-10T06:00:00+00:00",
        authors=["Sam Example"],
    ),
    "reuters": dict(
        title="South Korea offers shipbuilding deal to ease US tariff threat",
        published_at="2025-07-10T03:15:00+00:00",
        authors=["Joyce Example"],
    ),
}


def _fixture(name: str) -> str:
    return (FIXTURES / f"{name}.html").read_text(encoding="utf-8")


def test_shipped_rules_all_have_fixtures_and_expectations():
    assert 4 <= len(RULES) <= 8
    assert set(RULES) == set(EXPECTED)
    for name, rule in RULES.items():
        assert (FIXTURES / f"{name}.html").is_file(), name
        assert rule.test_url and rule.test_contains and rule.test_absent, name
        assert rule.body, name


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_rule_is_found_for_its_test_url(name):
    rule = RULES[name]
    assert rule_for(rule.test_url[0]) is rule


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_body_and_strip_selectors_on_fixture(name):
    """Pure selector check: strip the chrome, take the body, look at its text."""
    rule = RULES[name]
    tree = LexborHTMLParser(_fixture(name))
    page_text = tree.body.text()
    # the chrome really is on the page, so this test can fail
    assert any(s in page_text for s in rule.test_absent)
    stripped = 0
    for sel in rule.strip:
        for node in tree.css(sel):
            node.decompose()
            stripped += 1
    assert stripped >= 1, "no strip selector matched the fixture"
    body = next((found for sel in rule.body if (found := tree.css(sel))), [])
    assert body, "no body selector matched the fixture"
    text = " ".join(n.text(separator=" ") for n in body)
    for s in rule.test_contains:
        assert s in text
    for s in rule.test_absent:
        assert s not in text


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_title_date_author_selectors_on_fixture(name):
    rule = RULES[name]
    meta = extract_metadata(LexborHTMLParser(_fixture(name)), url=rule.test_url[0], rule=rule)
    want = EXPECTED[name]
    assert meta.title == want["title"]
    assert meta.published_at == want["published_at"]
    assert meta.authors == want["authors"]


def test_rule_title_beats_social_headline():
    """BBC's og:title is a social-media headline; the rule's h1 is the page's own."""
    rule = RULES["bbc"]
    html = _fixture("bbc")
    without = extract_metadata(LexborHTMLParser(html), url=rule.test_url[0])
    with_rule = extract_metadata(LexborHTMLParser(html), url=rule.test_url[0], rule=rule)
    assert without.title == "Seoul and Washington settle troop cost row"
    assert with_rule.title == "South Korea and US agree new defence cost deal"


def test_rule_date_from_attribute_beats_missing_meta():
    rule = RULES["bbc"]
    html = _fixture("bbc")
    assert extract_metadata(LexborHTMLParser(html), url=rule.test_url[0]).published_at is None
    assert extract_metadata(LexborHTMLParser(html), url=rule.test_url[0], rule=rule).published_at.startswith("2025-07-10T")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_clean_end_to_end_with_rule(name):
    """Through the public front door: the rule is picked by URL and shapes the article."""
    rule = RULES[name]
    article = clean(_fixture(name).encode("utf-8"), url=rule.test_url[0], kind="html")
    for s in rule.test_contains:
        assert s in article.text
    for s in rule.test_absent:
        assert s not in article.text
    assert article.title == EXPECTED[name]["title"]
    assert article.published_at == EXPECTED[name]["published_at"]
