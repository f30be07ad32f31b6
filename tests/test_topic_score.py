"""Relevance scoring with the shipped korea-us profile: the five seeds, the K-pop
sidebar of seed 004, hand-written new stories, evidence, and properties that
hold for any input."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import service
from service.topic import OFF_TOPIC, RELEVANT, Relevance, default_profile, score

# Short lines from seed 004's "What's Hot", "Don't Miss" and "Most Popular" lists.
SEED_004_KPOP_HEADLINES = [
    "Watch: aespa Takes 2nd Win For “Dirty Work” On “M Countdown”; Performances By SUPER JUNIOR, BABYMONSTER, And More",
    "Lim YoonA Unleashes Her Dark Side As She Transforms Into A Devil At Night In New Film “Pretty Crazy”",
    "Choi Yu Ri’s Zombie Transformation Turns The Worlds Of Jo Jung Suk, Lee Jung Eun, And More Upside Down In New Film “My Daughter Is A Zombie”",
    "4 Jaw-Dropping Moments From Episode 9 Of “Spring Of Youth”",
    "“Head Over Heels” Remains No. 1 In Ratings + “Salon De Holmes” Sets New Ratings High",
    "“Spring Of Youth” Stars’ Off-Camera Bond Shines In New Behind-The-Scenes Photos Ahead Of Finale",
    "“Our Unwritten Seoul” Ends On Highest Ratings Of Its Entire Run",
    "13 K-Dramas Confirmed For A New Season",
    "Lee Eun Saem And Kim Ye Rim (Yeri) Exchange Cold Stares In “BITCH X RICH 2”",
    "BIGHIT MUSIC Releases Statement Regarding BTS’ Suga’s Discharge Plans",
    "THE BOYZ Reveals New Version Of Official Light Stick",
    "7 Ways K-Pop Idols Are Layering To Beat The Summer Heat",
    "Watch: SEVENTEEN Snags 7th Win For “THUNDER” On “Music Core”; Performances By ATEEZ, ITZY, ENHYPEN, Doyoung, And More",
]
# The same page's own story and its on-topic related post.
SEED_004_RELEVANT_HEADLINES = [
    "July: A defining month for Korea-US alliance",
    "US President Trump ramps up pressure on South Korea with defence spending",
]

# Hand-written headlines of stories that are not in the dev sets.
NEW_RELEVANT = [
    "Seoul and Washington agree to extend nuclear consultative talks",
    "South Korea pledges to buy more American LNG to ease tariff pressure",
    "U.S. Treasury keeps South Korea on currency monitoring list",
    "USFK commander says troop levels in Korea will not change",
    "Korean shipbuilders eye U.S. Navy repair contracts as Washington seeks allies' help",
    "US envoy visits Seoul to coordinate North Korea policy",
    "South Korea, US hold talks on semiconductor export controls",
    "Washington presses Seoul on defense cost-sharing ahead of new SMA round",
    "Pentagon weighs moving Patriot batteries from South Korea to the Middle East",
    "S. Korea's trade minister flies to Washington as auto tariff deadline looms",
    "US, South Korea and Japan stage trilateral air drills with B-52 bomber",
    "Seoul caught between Washington and Beijing over chip export curbs",
    "North Korea rejects US offer of talks, fires ballistic missile",
]
NEW_OFF_TOPIC = [
    "BLACKPINK's Lisa tops Billboard Hot 100 with new solo single",
    "K-drama 'Moonlit Court' tops Netflix charts in the US",
    "Seoul's best street food: 10 dishes to try this summer",
    "South Korea's birth rate rises for the first time in nine years",
    "US and China agree to extend tariff truce for another 90 days",
    "Japan and the US sign a new shipbuilding pact",
    "Korean actor and singer announce wedding date",
    "US Open: South Korean golfer takes lead after second round",
    "Samsung unveils foldable phone with bigger battery",
    "South Korean court sentences former minister over martial law",
    "Stray Kids announce North American stadium tour",
    "Fed holds rates steady as inflation cools",
    "North Korea and Russia sign pact on military cooperation",
]

ARTICLE_TITLE = "Seoul offers shipyard investment to head off US tariffs"
ARTICLE = """South Korea offered on Tuesday to invest in American shipyards and buy more US liquefied natural gas, \
as Seoul tries to head off tariffs of 25 percent that Washington has threatened on Korean cars and steel.

The trade minister told reporters after two days of talks in Washington that both sides wanted a package \
deal before the deadline, and that defense cost-sharing was not on the table.

Officials said the proposal also covers cooperation on semiconductors and a fund for investment in US \
manufacturing, subject to approval by the National Assembly."""

UNRELATED_ARTICLE = """The city council voted on Monday to extend the opening hours of public libraries \
during the exam season, after a petition signed by more than 4,000 students.

Libraries in the centre will stay open until midnight from next week. The council said the cost would be \
covered by savings on street lighting, and that a review would follow in the autumn."""


@pytest.mark.parametrize("headline", SEED_004_KPOP_HEADLINES)
def test_seed_004_kpop_sidebar_headlines_are_off_topic(headline):
    r = score(headline)
    assert r.label == OFF_TOPIC
    assert r.score < 0.2


@pytest.mark.parametrize("headline", SEED_004_RELEVANT_HEADLINES + NEW_RELEVANT)
def test_relevant_headlines(headline):
    r = score(headline)
    assert r.label == RELEVANT, (r.score, r.evidence[:6])


@pytest.mark.parametrize("headline", NEW_OFF_TOPIC)
def test_off_topic_headlines(headline):
    r = score(headline)
    assert r.label == OFF_TOPIC, (r.score, r.evidence[:6])


def test_whole_article_title_and_lead_weigh_more():
    r = score(ARTICLE, title=ARTICLE_TITLE)
    assert r.label == RELEVANT
    assert score(UNRELATED_ARTICLE, title="Libraries to stay open late").label == OFF_TOPIC
    # the same single mention of Korea and the US counts more in the title than deep in a long body
    filler = " ".join(["The council met again and discussed the budget for parks and roads."] * 40)
    buried = score(filler + " Officials from South Korea and the US discussed tariffs.", title="Council budget")
    upfront = score(filler, title="South Korea and the US discuss tariffs")
    assert upfront.score > buried.score
    assert buried.label == OFF_TOPIC


def test_kpop_with_us_mentions_stays_off_topic():
    text = (
        "BTS became the first South Korean act to top the Billboard Hot 100 in the United States, "
        "and the group's US tour sold out in minutes, fans said. The album also topped charts in America."
    )
    r = score(text, title="BTS tops the US charts again")
    assert r.label == OFF_TOPIC
    assert r.role("negative") > 0.9
    assert any(e.kind == "rule" and e.name == "negative" and e.weight < 0 for e in r.evidence)


def test_evidence_names_terms_groups_roles_and_rules():
    r = score("Trump threatens new tariffs on South Korean steel")
    terms = {e.name: e for e in r.evidence if e.kind == "term"}
    assert terms["tariff*"].group == "trade" and terms["tariff*"].role == "theme" and terms["tariff*"].count == 1
    assert terms["South Korean"].role == "korea"
    assert terms["Trump"].role == "us"
    assert terms["steel"].group == "trade"
    rules = [e for e in r.evidence if e.kind == "rule"]
    assert rules[0].name == "korea+us+theme" and rules[0].weight > 0
    groups = {e.name: e for e in r.evidence if e.kind == "group"}
    assert groups["trade"].role == "theme"
    # trade = tariff* + steel (each 0.8 x title weight 3 = 2.4), capped at the group's cap of 3
    assert terms["tariff*"].weight == pytest.approx(2.4) and terms["steel"].weight == pytest.approx(2.4)
    assert groups["trade"].weight == pytest.approx(3.0)
    # rules first (largest effect first), then groups, then terms by weight
    assert [e.kind for e in r.evidence] == sorted((e.kind for e in r.evidence), key=["rule", "group", "term"].index)
    weights = [e.weight for e in r.evidence if e.kind == "term"]
    assert weights == sorted(weights, reverse=True)
    d = r.to_dict()
    assert set(d) >= {"label", "score", "topic", "evidence"}
    json.dumps(d)  # JSON-ready
    assert d["topic"] == "korea-us"


def test_north_korea_needs_the_us_as_an_actor():
    assert score("North Korea fires ballistic missile into the sea").label == OFF_TOPIC
    assert score("US condemns North Korea ballistic missile launch").label == RELEVANT


def test_repeated_counts_saturate():
    once = score("South Korea US tariffs")
    many = score(" ".join(["South Korea US tariffs"] * 30))
    assert many.score <= 1.0 and many.score >= once.score


def test_public_function_is_the_same_scorer():
    a = service.relevance("Trump threatens new tariffs on South Korean steel")
    b = score("Trump threatens new tariffs on South Korean steel", profile=default_profile())
    assert isinstance(a, Relevance) and a == b


def test_relevance_is_frozen():
    r = score("Seoul")
    with pytest.raises(Exception):
        r.score = 1.0  # type: ignore[misc]


def test_empty_and_non_text():
    assert score("").label == OFF_TOPIC and score("").score == 0.0
    assert score("", title="").evidence == ()
    with pytest.raises(TypeError):
        score(b"bytes")  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=600), st.one_of(st.none(), st.text(max_size=80)))
def test_any_text_scores_in_range_and_deterministically(text, title):
    a = score(text, title=title)
    b = score(text, title=title)
    assert a == b
    assert 0.0 <= a.score <= 1.0
    assert a.label in (RELEVANT, OFF_TOPIC)
    assert (a.label == RELEVANT) == (a.score >= default_profile().threshold)


def test_korean_text_with_particles():
    # Hangul terms are prefixes, so particles glued to words still match (미국은, 한국산)
    assert score("미국 정부는 한국산 반도체에 관세를 부과했다").label == RELEVANT
    assert score("한미 관세 협상 타결").label == RELEVANT
    assert score("서울 날씨 맑음").label == OFF_TOPIC
