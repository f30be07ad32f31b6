"""The parent side of `winnow run`: start, watch and stop the consumer processes.

Each of WINNOW_POOL_SIZE processes is a consumer of the group (consumer.py)
named `<WINNOW_CONSUMER>-<index>`; a process that dies is started again under
the same name, so it re-reads its own pending entries first (and an entry that
keeps killing it is dead-lettered once delivered more than
WINNOW_MAX_DELIVERIES times). The supervisor never touches pages: it turns
the processes' metric events into Prometheus metrics, checks Redis and the
group for readiness, refreshes the lag/pending gauges, and on stop() sets the
shared stop event and waits for every process to finish its batch.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import time

import redis.asyncio as aioredis
from redis.exceptions import RedisError, ResponseError

from . import messages
from .config import Config
from .consumer import consumer_main
from .metrics import Metrics

log = logging.getLogger("winnow.supervisor")

# event metric name -> Metrics attribute
METRIC_ATTRS = {
    "pages_read": "pages_read",
    "pages": "pages",
    "stage_seconds": "stage_seconds",
    "latency_seconds": "latency_seconds",
    "redeliveries": "redeliveries",
    "dead_letters": "dead_letters",
    "redis_errors": "redis_errors",
    "relevance_score": "relevance_score",
    "removed_chars": "removed_chars",
    "removed_blocks": "removed_blocks",
    "crashes": "crashes",
    "duplicates": "duplicates",
}


class _Child:
    def __init__(self, index: int, proc, conn):
        self.index = index
        self.proc = proc
        self.conn = conn
        self.started = False
        self.stopped = False
        self.redis_ok: bool | None = None
        self.in_flight = 0


class Supervisor:
    """Runs the consumer processes of one instance. `run()` until `stop()`."""

    def __init__(self, cfg: Config, metrics: Metrics, redis_url: str, profiles, rules=None):
        self.cfg = cfg
        self.m = metrics
        self.redis_url = redis_url
        self.profiles = profiles
        self.rules = rules  # a RuleSet with the user's site rules, or None for the shipped ones
        self.ctx = multiprocessing.get_context("spawn")
        self.stop_event = self.ctx.Event()
        # Each process holds up to 2 batches: the one it processes and the next, read ahead.
        self.batch = max(1, min(cfg.batch_size, cfg.in_flight_limit // (2 * cfg.pool_size)))
        self.children: dict[int, _Child] = {}
        self.restarts = 0
        self.published = 0
        self.redis_ok = False
        self.group_ok = False
        self.draining = False
        self._started = False
        self._stop = asyncio.Event()
        self._closed = False
        self._loops: list[asyncio.Task] = []
        self.r = aioredis.from_url(redis_url, socket_timeout=5.0, socket_connect_timeout=2.0)

    # ---- state ---------------------------------------------------------------

    @property
    def started(self) -> bool:
        return self._started and bool(self.children) and all(
            c.started and c.proc.is_alive() for c in self.children.values()
        )

    @property
    def inflight(self) -> int:
        return sum(c.in_flight for c in self.children.values())

    @property
    def ready(self) -> bool:
        children_ok = all(c.redis_ok is not False for c in self.children.values())
        return self.started and self.redis_ok and children_ok and self.group_ok and not self.draining

    def _update_ready(self) -> None:
        self.m.ready.set(1 if self.ready else 0)
        self.m.in_flight.set(self.inflight)

    # ---- processes -------------------------------------------------------------

    def _spawn(self, index: int) -> _Child:
        recv, send = self.ctx.Pipe(duplex=False)
        proc = self.ctx.Process(
            target=consumer_main,
            args=(self.cfg, index, self.redis_url, self.profiles, self.stop_event, send, self.batch, self.cfg.log_level),
            kwargs={"rules": self.rules},
            name=f"winnow-consumer-{index}",
            daemon=True,
        )
        proc.start()
        send.close()
        child = _Child(index, proc, recv)
        asyncio.get_running_loop().add_reader(recv.fileno(), self._on_events, child)
        return child

    def _on_events(self, child: _Child) -> None:
        try:
            events = child.conn.recv()
        except (EOFError, OSError):
            asyncio.get_running_loop().remove_reader(child.conn.fileno())
            return
        self.apply_events(child, events)

    def apply_events(self, child: _Child, events: list[tuple]) -> None:
        m = self.m
        for ev in events:
            kind = ev[0]
            if kind == "state":
                st = ev[1]
                if "started" in st:
                    child.started = True
                if "stopped" in st:
                    child.stopped = True
                if "redis_ok" in st:
                    child.redis_ok = st["redis_ok"]
                if "in_flight" in st:
                    child.in_flight = st["in_flight"]
                if "last_processed" in st:
                    m.last_processed.set(st["last_processed"])
                continue
            _kind, name, labels, value = ev
            metric = getattr(m, METRIC_ATTRS[name])
            if labels:
                metric = metric.labels(*labels)
            if kind == "inc":
                metric.inc(value)
                if name == "pages":
                    self.published += int(value)
            else:
                metric.observe(value)
        self._update_ready()

    async def _monitor_loop(self) -> None:
        """Start a dead consumer process again (same name: it re-reads its own pending list)."""
        while not self._closed:
            await asyncio.sleep(0.2)
            if self.draining:
                continue
            for i, c in list(self.children.items()):
                if c.proc.is_alive():
                    continue
                code = c.proc.exitcode
                self._drop(c)
                self.restarts += 1
                self.m.crashes.inc()
                log.error("consumer process died; starting it again", extra={"index": i, "exitcode": code})
                self.children[i] = self._spawn(i)
            self._update_ready()

    def _drop(self, c: _Child) -> None:
        try:
            asyncio.get_running_loop().remove_reader(c.conn.fileno())
        except (ValueError, OSError):
            pass
        # drain what it sent before dying
        try:
            while c.conn.poll():
                self.apply_events(c, c.conn.recv())
        except (EOFError, OSError):
            pass
        c.conn.close()

    # ---- lifecycle ---------------------------------------------------------------

    async def run(self) -> None:
        """Start the processes; after stop(), wait for them to finish their batches."""
        for i in range(self.cfg.pool_size):
            self.children[i] = self._spawn(i)
        self._started = True
        self._loops = [asyncio.create_task(c) for c in (self._monitor_loop(), self._health_loop(), self._gauge_loop())]
        await self._stop.wait()
        while any(c.proc.is_alive() for c in self.children.values()):
            await asyncio.sleep(0.05)
        for c in self.children.values():
            self._drop(c)
        self._update_ready()
        log.info("drained", extra={"published": self.published})

    async def wait_started(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not self.started:
            if time.monotonic() > deadline:
                raise TimeoutError("consumer processes did not start")
            await asyncio.sleep(0.02)

    def stop(self) -> None:
        """Begin draining: readiness false; each process finishes and acks its batch, then exits."""
        if not self.draining:
            log.info("draining", extra={"in_flight": self.inflight})
        self.draining = True
        self.stop_event.set()
        self.m.ready.set(0)
        self._stop.set()

    async def close(self, kill: bool = False) -> None:
        self._closed = True
        for t in self._loops:
            t.cancel()
        if self._loops:
            await asyncio.wait(self._loops, timeout=2.0)
        for c in self.children.values():
            if c.proc.is_alive():
                c.proc.kill() if kill else c.proc.terminate()
            c.proc.join(5)
        try:
            await self.r.aclose()
        except Exception:  # pragma: no cover
            pass

    # ---- health and gauges ---------------------------------------------------------

    async def _health_loop(self) -> None:
        while not self._closed:
            try:
                await self.r.ping()
                try:
                    groups = await self.r.xinfo_groups(self.cfg.input_stream)
                    self.group_ok = any(messages._s(g.get("name")) == self.cfg.group for g in groups)
                except ResponseError:  # no such key yet: the consumers create it with the group
                    self.group_ok = False
                if not self.redis_ok:
                    log.info("redis available")
                self.redis_ok = True
            except (RedisError, OSError) as e:
                if self.redis_ok:
                    log.warning("redis unavailable", extra={"error": str(e)})
                self.m.redis_errors.labels("ping").inc()
                self.redis_ok = False
            self._update_ready()
            await asyncio.sleep(0.5)

    async def _gauge_loop(self) -> None:
        cfg = self.cfg
        while not self._closed:
            try:
                for g in await self.r.xinfo_groups(cfg.input_stream):
                    if messages._s(g.get("name")) == cfg.group:
                        self.m.input_pending.set(int(g.get("pending") or 0))
                        if g.get("lag") is not None:
                            self.m.input_lag.set(int(g["lag"]))
                summary = await self.r.xpending(cfg.input_stream, cfg.group)
                oldest = summary.get("min") if summary else None
                age = time.time() - messages.entry_time_ms(messages._s(oldest)) / 1000 if oldest else 0.0
                self.m.oldest_pending_age.set(max(0.0, age))
            except asyncio.CancelledError:
                raise
            except Exception as e:
                log.debug("gauge refresh failed", extra={"error": str(e)})
            await asyncio.sleep(cfg.metrics_interval_ms / 1000)
