"""Relevance in the pipeline: article.relevance is filled, off-topic sidebar runs
are dropped and counted, article paragraphs are never dropped, and several
profiles give a score per topic."""

from __future__ import annotations

import json
import os
import textwrap

import pytest

from service.article import Article, Block
from service.topic import apply_relevance, default_profile, drop_off_topic_runs, load_profile
from service.topic.apply import is_date_block

from conftest import SHARED
from test_topic_score import SEED_004_KPOP_HEADLINES

SEEDS = os.path.join(SHARED, "seeds")

KPOP_PROFILE = """
name = "kpop"
[groups.kpop]
role = "kpop"
weight = 1.0
terms = ["K pop", "idol*", "album", "Billboard", "music show", "comeback", "light stick"]
cased = ["BTS"]
[[rules]]
all = ["kpop"]
weight = 2.0
"""

PARAGRAPHS = [
    "South Korea offered on Tuesday to invest in American shipyards and buy more US liquefied natural gas, "
    "as Seoul tries to head off tariffs that Washington has threatened on Korean cars and steel.",
    "The trade minister told reporters after two days of talks in Washington that both sides wanted a "
    "package deal before the deadline, and that defense cost-sharing was not on the table.",
    # an ordinary paragraph that does not mention Korea, and even mentions a film: it stays
    "Analysts compared the talks to a long film whose ending everyone already knows: the question is only "
    "how much each side pays for a ticket, and who gets to sit in the front row at the premiere.",
    "Officials said the proposal also covers semiconductors and a fund for investment in US manufacturing.",
]


def seed_article(name: str) -> Article:
    with open(os.path.join(SEEDS, name), encoding="utf-8") as f:
        lines = [line.strip() for line in f.read().splitlines() if line.strip()]
    return Article(title=None, blocks=[Block("paragraph", line) for line in lines])


@pytest.mark.skipif(not os.path.isdir(SEEDS), reason=f"seeds not found in {SEEDS}")
@pytest.mark.parametrize("name", sorted(os.listdir(SEEDS)) if os.path.isdir(SEEDS) else [])
def test_every_seed_is_relevant_in_the_pipeline(name):
    article = seed_article(name)
    label, score = apply_relevance(article, None)
    assert label == "relevant" and score >= default_profile().threshold
    rel = article.relevance
    assert rel["label"] == "relevant" and rel["topic"] == "korea-us"
    assert rel["topics"] == {"korea-us": rel["score"]}
    assert rel["evidence"] and all("name" in e and "weight" in e for e in rel["evidence"])
    json.dumps(article.to_dict())


@pytest.mark.skipif(not os.path.isdir(SEEDS), reason=f"seeds not found in {SEEDS}")
def test_seed_004_kpop_sidebar_is_dropped_and_the_article_kept():
    article = seed_article("004_43c5490a137e59d5.txt")
    before = [b.text for b in article.blocks]
    apply_relevance(article, None)
    after = [b.text for b in article.blocks]
    dropped = len(before) - len(after)
    assert dropped >= 40
    assert article.stats.removed == {"off_topic": dropped}
    for h in SEED_004_KPOP_HEADLINES:
        if h.startswith("Lee Eun Saem"):
            continue  # no K-pop word in it: kept, and that is acceptable
        assert h not in after, h
    # the article's own paragraphs and its on-topic related headlines survive
    assert any(t.startswith("SEOUL – The world is bracing for another tariff storm") for t in after)
    assert sum(1 for t in after if len(t) > 300) == sum(1 for t in before if len(t) > 300)
    assert "US President Trump ramps up pressure on South Korea with defence spending" in after
    # a date that belongs to a kept headline is kept with it
    i = after.index("US President Trump ramps up pressure on South Korea with defence spending")
    assert is_date_block(after[i + 1])


def test_runs_need_two_headlines_or_a_headline_and_its_date():
    p = default_profile()
    lone = [Block("paragraph", t) for t in PARAGRAPHS[:2]] + [
        Block("paragraph", SEED_004_KPOP_HEADLINES[0])
    ] + [Block("paragraph", t) for t in PARAGRAPHS[2:]]
    kept, n = drop_off_topic_runs(lone, [p])
    assert n == 0 and kept == lone
    sidebar = [
        Block("list_item", SEED_004_KPOP_HEADLINES[0]),
        Block("list_item", "July 10, 2025"),
        Block("list_item", SEED_004_KPOP_HEADLINES[10]),
        Block("list_item", "July 10, 2025"),
    ]
    blocks = [Block("paragraph", t) for t in PARAGRAPHS] + sidebar
    kept, n = drop_off_topic_runs(blocks, [p])
    assert n == 4
    assert [b.text for b in kept] == PARAGRAPHS


def test_paragraphs_are_never_dropped_even_when_off_topic():
    long_kpop = (
        "The K-pop idol group released a new album and music video this week, and fans of the boy group "
        "filled the concert hall for the comeback show; the single topped the Billboard chart. "
    ) * 2
    blocks = [Block("paragraph", t) for t in PARAGRAPHS] + [Block("paragraph", long_kpop)] * 3
    kept, n = drop_off_topic_runs(blocks, [default_profile()])
    assert n == 0 and kept == blocks


def test_an_article_made_of_kpop_headlines_is_not_gutted():
    blocks = [Block("list_item", h) for h in SEED_004_KPOP_HEADLINES]
    kept, n = drop_off_topic_runs(blocks, [default_profile()])
    assert n == 0 and kept == blocks
    article = Article(title="Top K-pop headlines of the week", blocks=list(blocks))
    label, _ = apply_relevance(article, None)
    assert label == "off_topic"
    assert len(article.blocks) == len(blocks) and "off_topic" not in article.stats.removed


def test_several_profiles_give_a_score_per_topic(tmp_path):
    path = tmp_path / "kpop.toml"
    path.write_text(textwrap.dedent(KPOP_PROFILE), encoding="utf-8")
    kpop = load_profile(path)
    sidebar = [
        Block("list_item", "BTS announces comeback album and a new light stick"),
        Block("list_item", "July 10, 2025"),
        Block("list_item", "Idol group tops music show for the third week"),
        Block("list_item", "July 9, 2025"),
    ]
    blocks = [Block("paragraph", t) for t in PARAGRAPHS] + sidebar
    article = Article(title="Seoul offers shipyard investment to head off US tariffs", blocks=list(blocks))
    label, score = apply_relevance(article, [default_profile(), kpop])
    assert label == "relevant"
    topics = article.relevance["topics"]
    assert set(topics) == {"korea-us", "kpop"}
    assert topics["korea-us"] == round(score, 4) and topics["korea-us"] >= 0.5
    assert 0 < topics["kpop"]  # the sidebar is on-topic for the kpop profile...
    assert len(article.blocks) == len(blocks)  # ...so it is not dropped
    # with korea-us alone, the same sidebar goes
    article2 = Article(title=article.title, blocks=list(blocks))
    apply_relevance(article2, [default_profile()])
    assert len(article2.blocks) == len(PARAGRAPHS)
    assert article2.stats.removed == {"off_topic": 4}
    assert article2.stats.kept_chars == len(article2.text)
    # primary profile first: the kpop profile as primary labels the page off-topic
    article3 = Article(title=article.title, blocks=[Block("paragraph", t) for t in PARAGRAPHS])
    label3, _ = apply_relevance(article3, [kpop, default_profile()])
    assert label3 == "off_topic" and article3.relevance["topic"] == "kpop"


def test_empty_profile_list_means_no_relevance_filtering():
    article = Article(blocks=[Block("paragraph", "Nothing about any topic.")])
    assert apply_relevance(article, []) == ("relevant", 1.0)


@pytest.mark.parametrize(
    "text, is_date",
    [
        ("July 10, 2025", True),
        ("adminJuly 10, 2025", True),
        ("10 July 2025", True),
        ("2025-07-10", True),
        ("2025.07.10 14:30", True),
        ("3 hours ago", True),
        ("July: A defining month for Korea-US alliance", False),
        ("The talks resumed on July 10, 2025 in Washington after a pause of two weeks.", False),
    ],
)
def test_date_blocks(text, is_date):
    assert is_date_block(text) is is_date


def test_pipeline_process_fills_relevance():
    """Through service.pipeline.process, when the text extractor is available."""
    from service import pipeline
    from service.errors import UnprocessablePage

    page = "Seoul offers shipyard investment to head off US tariffs\n\n" + "\n\n".join(PARAGRAPHS)
    try:
        result = pipeline.process(page, kind="text")
    except ImportError as e:  # another part of winnow not written yet
        pytest.skip(f"text extraction not available: {e}")
    except UnprocessablePage as e:
        pytest.fail(f"page rejected: {e}")
    assert result.label == "relevant"
    assert result.article.relevance["label"] == "relevant"
    assert pipeline.process(page, kind="text", profiles=[]).score == 1.0


@pytest.mark.skipif(not os.path.isdir(SEEDS), reason=f"seeds not found in {SEEDS}")
@pytest.mark.parametrize("name", sorted(os.listdir(SEEDS)) if os.path.isdir(SEEDS) else [])
def test_every_seed_is_relevant_through_clean_and_process(name):
    from service import pipeline

    with open(os.path.join(SEEDS, name), "rb") as f:
        raw = f.read()
    try:
        result = pipeline.process(raw)
    except ImportError as e:  # another part of winnow not written yet
        pytest.skip(f"extraction not available: {e}")
    assert result.label == "relevant", (result.score, result.article.relevance["evidence"][:5])
    assert result.article.relevance["label"] == "relevant"


def test_an_off_topic_page_keeps_its_short_lines():
    # a meal plan: its short headings are lifestyle words, and they are its content
    blocks = [Block("paragraph", "This plan follows the same nutrition rules as the last one, so no need to recalculate anything.")]
    for _ in range(4):
        blocks += [
            Block("heading", "Pre-Workout Meal", level=3),
            Block("paragraph", "Eat 60–90 minutes before your workout"),
            Block("heading", "Post-Workout Meal", level=3),
            Block("paragraph", "Eat 1–2 hours after your workout"),
            Block("paragraph", "Two eggs, a cup of asparagus and half a sweet potato, with a teaspoon of olive oil for the pan."),
        ]
    article = Article(title="Meal prep for the second month", blocks=list(blocks))
    label, _ = apply_relevance(article, None)
    assert label == "off_topic"
    assert article.blocks == blocks and "off_topic" not in article.stats.removed
    assert drop_off_topic_runs(blocks, [default_profile()], title=article.title) == (blocks, 0)
