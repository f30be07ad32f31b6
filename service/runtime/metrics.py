"""Every Prometheus metric winnow exports, in one place.

Names follow Prometheus conventions: prefix `winnow_`, base units, `_total` on
counters, no URLs or IDs in labels. The Grafana dashboard and alert rules in
deploy/ use exactly these names (a test checks that). Each `Metrics` owns its
own registry, so tests can run several workers in one process.
"""

from __future__ import annotations

import platform

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, Info, PlatformCollector, ProcessCollector

from ..errors import REASONS
from .children import ChildProcessCollector

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300)
STAGE_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5)
SCORE_BUCKETS = tuple(round(i / 10, 1) for i in range(1, 11))
CHAR_BUCKETS = (0, 100, 300, 1000, 3000, 10000, 30000, 100000, 300000, 1000000)

OUTCOMES = ("relevant", "offtopic", "dead")
DEAD_REASONS = tuple(REASONS) + ("invalid_entry", "crash")  # clean()'s reasons, then the runtime's
REDIS_OPS = ("read", "publish", "ping")
# extract and relevance come from the pipeline; process is both (in the pool process); publish is the MULTI/EXEC
STAGES = ("extract", "relevance", "process", "publish")


class Metrics:
    def __init__(self, registry: CollectorRegistry | None = None):
        r = self.registry = registry or CollectorRegistry()
        # process_* (CPU seconds, resident memory, fds) and python_info, as the
        # default registry would export them: the dashboard's per-instance panels use them
        ProcessCollector(registry=r)
        PlatformCollector(registry=r)
        # the same for the pool processes, where the pipeline's CPU goes
        r.register(ChildProcessCollector())
        self.pages_read = Counter(
            "winnow_pages_read_total", "Input stream entries read (first deliveries and redeliveries).", registry=r
        )
        self.pages = Counter(
            "winnow_pages_total", "Input entries finished, by the stream they were published to.", ["outcome"], registry=r
        )
        self.stage_seconds = Histogram(
            "winnow_stage_seconds", "Time spent per page in each stage.", ["stage"], buckets=STAGE_BUCKETS, registry=r
        )
        self.latency_seconds = Histogram(
            "winnow_end_to_end_latency_seconds",
            "From the input entry's ID time (when the scraper added it) to its publication.",
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.in_flight = Gauge("winnow_in_flight", "Entries read and not yet published and acked.", registry=r)
        self.input_lag = Gauge(
            "winnow_input_lag", "Entries in the input stream not yet delivered to the consumer group.", registry=r
        )
        self.input_pending = Gauge(
            "winnow_input_pending", "Entries delivered to the consumer group and not yet acked.", registry=r
        )
        self.oldest_pending_age = Gauge(
            "winnow_oldest_pending_age_seconds", "Age of the oldest pending (unacked) entry of the group.", registry=r
        )
        self.redeliveries = Counter(
            "winnow_redeliveries_total", "Entries delivered again (own pending after restart, or claimed).", registry=r
        )
        self.dead_letters = Counter(
            "winnow_dead_letters_total", "Entries sent to the dead-letter stream, by reason.", ["reason"], registry=r
        )
        self.redis_errors = Counter(
            "winnow_redis_errors_total", "Failed Redis operations, by operation.", ["op"], registry=r
        )
        # Known label values start at 0, so the first dead letter or Redis error is an
        # increase() that dashboards and alerts can see (a series born at 1 is not).
        for reason in DEAD_REASONS:
            self.dead_letters.labels(reason)
        for op in REDIS_OPS:
            self.redis_errors.labels(op)
        self.relevance_score = Histogram(
            "winnow_relevance_score", "Relevance score of processed articles.", buckets=SCORE_BUCKETS, registry=r
        )
        self.removed_chars = Histogram(
            "winnow_removed_characters", "Characters removed from a page (input minus kept).", buckets=CHAR_BUCKETS, registry=r
        )
        self.removed_blocks = Counter(
            "winnow_removed_blocks_total", "Blocks removed from pages, by reason.", ["reason"], registry=r
        )
        self.crashes = Counter(
            "winnow_pipeline_crashes_total",
            "Pipeline runs that raised (other than UnprocessablePage) or lost their pool process; retried by redelivery.",
            registry=r,
        )
        self.duplicates = Counter(
            "winnow_duplicates_skipped_total",
            "Results not published because the entry was already acked (processed twice after a reclaim).",
            registry=r,
        )
        self.last_processed = Gauge(
            "winnow_last_processed_timestamp_seconds", "Unix time of the last entry published and acked.", registry=r
        )
        self.ready = Gauge("winnow_ready", "1 when the worker is ready (Redis reachable, group present, not draining).", registry=r)
        self.build_info = Info(
            "winnow_build", "Version of winnow and Python, and whether the compiled fast paths are in use.", registry=r
        )
        from .. import __version__, native

        self.build_info.info(
            {"version": __version__, "python": platform.python_version(), "native": "compiled" if native.ACTIVE else "python"}
        )
