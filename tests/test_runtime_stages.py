"""Stage timings reach the metrics, and known dead-letter reasons start at zero."""

from __future__ import annotations

import time

from prometheus_client import generate_latest

from service.pipeline import process
from service.runtime import pool
from service.runtime.metrics import DEAD_REASONS, Metrics

PAGE = "Seoul and Washington agree on tariffs\n\n" + (
    "South Korea and the United States agreed on tariffs, chips and shipbuilding investment in Washington. " * 5
)


def test_clock_gives_stage_timings_and_changes_nothing_else():
    plain = process(PAGE, kind="text")
    timed = process(PAGE, kind="text", clock=time.perf_counter)
    assert plain.timings == {}
    assert set(timed.timings) == {"extract", "relevance"}
    assert all(0 <= s < 5 for s in timed.timings.values())
    assert timed.article.to_dict() == plain.article.to_dict()
    assert (timed.label, timed.score) == (plain.label, plain.score)


def test_clean_only_pipeline_reports_extract_stage():
    res = process(PAGE, kind="text", profiles=[], clock=time.perf_counter)
    assert res.label == "relevant" and set(res.timings) == {"extract"}


def test_pool_task_carries_stages_from_the_real_pipeline():
    pool._init("service.pipeline:process", pool.load_profiles(None))
    done = pool.run_page(PAGE.encode(), None, "text")
    assert isinstance(done, pool.Done)
    assert set(done.stages) == {"extract", "relevance"}
    assert done.seconds >= max(done.stages.values())


def test_pool_task_works_with_a_pipeline_that_takes_no_clock():
    pool._init("tests.runtime_fake_pipeline:process", [])
    done = pool.run_page(b"ok page", None, "text")
    assert isinstance(done, pool.Done) and done.stages == {}


def test_known_dead_letter_reasons_and_redis_ops_are_exported_at_zero():
    text = generate_latest(Metrics().registry).decode()
    for reason in DEAD_REASONS:
        assert f'winnow_dead_letters_total{{reason="{reason}"}} 0.0' in text
    assert 'winnow_redis_errors_total{op="publish"} 0.0' in text
