"""The consumer loop: input stream -> process pool -> output streams, exactly once.

Why it is shaped this way:

* Exactly once. An entry is acked and its result published in one atomic step:
  a MULTI/EXEC holding, per entry, a tiny Lua script that XACKs the entry and
  XADDs the result only if that XACK removed it from the pending list. Either
  both happen or neither (a SIGKILL before EXEC leaves the entry pending, and it
  is processed again; after EXEC it is done). The condition makes publishing
  idempotent too: retrying a transaction whose reply was lost, or a slow
  consumer finishing an entry someone else already reclaimed and published,
  acks nothing and therefore publishes nothing.
* Nothing stranded. On start the worker re-reads its own pending list (ID 0),
  then reads new entries (`>`); every WINNOW_CLAIM_INTERVAL_MS it XAUTOCLAIMs
  entries idle longer than WINNOW_CLAIM_MIN_IDLE_MS from any consumer (dead
  ones included, and itself after a lost read reply).
* Poison. A crash (an exception other than UnprocessablePage, or a pool
  process dying) leaves the entry pending so it is retried by redelivery; on
  its WINNOW_MAX_DELIVERIES-th crash, or when it is delivered more often than
  that (it killed the whole worker each time), it goes to the dead stream.
* Bounded. At most `in_flight_limit` entries are read and not yet acked;
  reads ask only for free slots. Output streams are trimmed with MAXLEN ~.
* Redis down. Every loop catches connection errors, marks itself not ready
  and retries with capped exponential backoff; finished results wait in
  memory and are published when Redis returns (idempotently, see above).
* Drain. `stop()` stops reading; in-flight entries finish and are acked.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

import redis.asyncio as aioredis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError, ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

from . import messages
from .config import Config
from .metrics import Metrics
from .pool import Done, PipelineCrash, Pool, Rejected

log = logging.getLogger("winnow.worker")

# KEYS[1] input stream, KEYS[2] output stream; ARGV[1] group, ARGV[2] entry ID,
# ARGV[3] maxlen (0 = none), ARGV[4..] field, value, ... Returns 1 if published.
PUBLISH_LUA = """
if redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
local maxlen = tonumber(ARGV[3])
if maxlen > 0 then
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', maxlen, '*', unpack(ARGV, 4))
else
  redis.call('XADD', KEYS[2], '*', unpack(ARGV, 4))
end
return 1
"""

TRANSIENT = (RedisConnectionError, RedisTimeoutError, ConnectionError, OSError)
OUTCOME = {"relevant": "relevant", "off_topic": "offtopic", "dead": "dead"}


@dataclass(slots=True)
class Publication:
    """A finished entry waiting for its atomic publish + ack."""

    entry_id: str
    stream: str
    outcome: str  # relevant | offtopic | dead
    fields: dict
    done: Done | None = None
    reason: str | None = None


class Backoff:
    """Capped exponential backoff with jitter: 0.1 s doubling to 5 s."""

    def __init__(self, first: float = 0.1, cap: float = 5.0):
        self.first, self.cap, self.n = first, cap, 0

    def next(self) -> float:
        d = min(self.cap, self.first * (2**self.n))
        self.n += 1
        return d * (0.5 + random.random() / 2)

    def reset(self) -> None:
        self.n = 0


def _is_nogroup(e: Exception) -> bool:
    return isinstance(e, ResponseError) and "NOGROUP" in str(e)


def _s(v) -> str:
    return v.decode() if isinstance(v, bytes) else str(v)


class Worker:
    """One consumer of the group. `run()` until `stop()`; then it drains."""

    def __init__(self, cfg: Config, pool: Pool, metrics: Metrics, redis_url: str):
        self.cfg = cfg
        self.pool = pool
        self.m = metrics
        self.redis_url = redis_url
        self.limit = cfg.in_flight_limit
        self._refill = max(1, min(cfg.batch_size, self.limit - 2 * cfg.pool_size))
        self.inflight: set[str] = set()
        self.redis_ok = False
        self.group_ok = False
        self.draining = False
        self.started = False
        self._stop = asyncio.Event()
        self._slot_freed = asyncio.Event()
        self._queue: asyncio.Queue[Publication] = asyncio.Queue()
        self._tasks: set[asyncio.Task] = set()
        self._closed = False
        self._own_pending_done = False
        self._own_cursor = "0"
        self._claim_cursor = "0-0"
        self.published = 0
        timeout = 5.0
        self.r = aioredis.from_url(redis_url, socket_timeout=timeout, socket_connect_timeout=2.0)
        # A blocking XREADGROUP needs its own connection.
        self.rb = aioredis.from_url(redis_url, socket_timeout=cfg.block_ms / 1000 + timeout, socket_connect_timeout=2.0)

    # ---- state -------------------------------------------------------------

    @property
    def ready(self) -> bool:
        return self.started and self.redis_ok and self.group_ok and not self.draining

    def _set_redis(self, ok: bool, op: str | None = None, err: Exception | None = None) -> None:
        if not ok:
            self.m.redis_errors.labels(op or "unknown").inc()
            if self.redis_ok:
                log.warning("redis unavailable", extra={"op": op, "error": str(err)})
        elif not self.redis_ok and self.started:
            log.info("redis available")
        self.redis_ok = ok
        self.m.ready.set(1 if self.ready else 0)

    def _free(self) -> int:
        return self.limit - len(self.inflight)

    def _release(self, entry_id: str) -> None:
        self.inflight.discard(entry_id)
        self.m.in_flight.set(len(self.inflight))
        self._slot_freed.set()

    # ---- lifecycle ---------------------------------------------------------

    async def run(self) -> None:
        """Consume until stop(); return once in-flight work is published and acked."""
        self.started = True
        loops = [self._read_loop(), self._publish_loop(), self._claim_loop(), self._gauge_loop(), self._health_loop()]
        self._loops = [asyncio.create_task(c) for c in loops]
        await self._stop.wait()
        await self._drain()

    def stop(self) -> None:
        """Begin draining: readiness false, no more reads. Idempotent."""
        if not self.draining:
            log.info("draining", extra={"in_flight": len(self.inflight)})
        self.draining = True
        self.m.ready.set(0)
        self._stop.set()
        self._slot_freed.set()

    async def _drain(self) -> None:
        reader = self._loops[0]
        try:
            await reader  # returns after its current read (at most block_ms)
        except Exception:  # pragma: no cover - the reader logs its own errors
            pass
        while self.inflight:
            self._slot_freed.clear()
            await self._slot_freed.wait()
        await self._stop_loops()
        log.info("drained", extra={"published": self.published})

    async def _stop_loops(self) -> None:
        # A cancel that lands inside a redis-py call can be absorbed by it, so
        # the loops also watch `_closed`, and we do not wait forever for them.
        self._closed = True
        loops = [t for t in getattr(self, "_loops", []) if not t.done()]
        for t in loops:
            t.cancel()
        if loops:
            _done, pending = await asyncio.wait(loops, timeout=2.0)
            for t in pending:
                t.cancel()

    async def close(self) -> None:
        for t in list(self._tasks):
            t.cancel()
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=2.0)
        await self._stop_loops()
        for c in (self.r, self.rb):
            try:
                await c.aclose()
            except Exception:  # pragma: no cover
                pass

    # ---- reading -----------------------------------------------------------

    async def ensure_group(self) -> None:
        try:
            await self.r.xgroup_create(self.cfg.input_stream, self.cfg.group, id="0", mkstream=True)
            log.info("created consumer group", extra={"stream": self.cfg.input_stream, "group": self.cfg.group})
        except ResponseError as e:
            if "BUSYGROUP" not in str(e):
                raise
        self.group_ok = True

    async def _read_loop(self) -> None:
        cfg = self.cfg
        backoff = Backoff()
        while not self._stop.is_set():
            try:
                if not self.group_ok:
                    await self.ensure_group()
                    self._set_redis(True)
                free = self._free()
                # Refill in batches, not one entry per freed slot: fewer round trips,
                # and the pool still has enough queued work to stay busy.
                if free <= 0 or (free < self._refill and self.inflight):
                    self._slot_freed.clear()
                    await self._slot_freed.wait()
                    continue
                count = min(free, cfg.batch_size)
                if not self._own_pending_done:
                    # Our own pending list first (entries we read before a restart).
                    resp = await self.rb.xreadgroup(
                        cfg.group, cfg.consumer, {cfg.input_stream: self._own_cursor}, count=count
                    )
                    entries = resp[0][1] if resp else []
                    if not entries:
                        self._own_pending_done = True
                        continue
                    self._own_cursor = _s(entries[-1][0])
                    await self._accept(entries, redelivered=True)
                    continue
                resp = await self.rb.xreadgroup(
                    cfg.group, cfg.consumer, {cfg.input_stream: ">"}, count=count, block=cfg.block_ms
                )
                self._set_redis(True)
                backoff.reset()
                if resp:
                    await self._accept(resp[0][1], redelivered=False)
            except TRANSIENT as e:
                self._set_redis(False, "xreadgroup", e)
                await self._sleep(backoff.next())
            except ResponseError as e:
                if _is_nogroup(e):
                    log.warning("consumer group missing; recreating", extra={"group": cfg.group})
                    self.group_ok = False
                    self.m.ready.set(0)
                    continue
                self.m.redis_errors.labels("xreadgroup").inc()
                log.error("xreadgroup failed", extra={"error": str(e)})
                await self._sleep(backoff.next())

    async def _sleep(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self._stop.wait(), seconds)
        except asyncio.TimeoutError:
            pass

    async def _deliveries(self, ids: list[str]) -> dict[str, int]:
        """Delivery counts of pending entries (XPENDING extended form)."""
        pipe = self.r.pipeline(transaction=False)
        for i in ids:
            pipe.xpending_range(self.cfg.input_stream, self.cfg.group, min=i, max=i, count=1)
        out = {}
        for i, rows in zip(ids, await pipe.execute()):
            out[i] = int(rows[0]["times_delivered"]) if rows else 1
        return out

    async def _accept(self, entries, *, redelivered: bool) -> None:
        """Take ownership of read or claimed entries and start processing them."""
        entries = [(_s(i), f) for i, f in entries]
        gone = [i for i, f in entries if not f]  # deleted (trimmed) while pending
        entries = [(i, f) for i, f in entries if f and i not in self.inflight]
        if gone:
            await self.r.xack(self.cfg.input_stream, self.cfg.group, *gone)
            for i in gone:
                log.warning("pending entry no longer in the input stream; acked", extra={"entry_id": i})
        if not entries:
            return
        deliveries = await self._deliveries([i for i, _ in entries]) if redelivered else {}
        self.m.pages_read.inc(len(entries))
        if redelivered:
            self.m.redeliveries.inc(len(entries))
        for entry_id, fields in entries:
            self.inflight.add(entry_id)
            t = asyncio.create_task(self._process(entry_id, fields, deliveries.get(entry_id, 1)))
            self._tasks.add(t)
            t.add_done_callback(self._tasks.discard)
        self.m.in_flight.set(len(self.inflight))

    async def _claim_loop(self) -> None:
        cfg = self.cfg
        if cfg.claim_min_idle_ms <= 0:
            return
        backoff = Backoff()
        while not self._stop.is_set():
            await self._sleep(cfg.claim_interval_ms / 1000)
            if self._stop.is_set() or not self.group_ok:
                continue
            try:
                free = self._free()
                if free <= 0:
                    continue
                resp = await self.r.xautoclaim(
                    cfg.input_stream, cfg.group, cfg.consumer, cfg.claim_min_idle_ms,
                    start_id=self._claim_cursor, count=min(free, cfg.batch_size),
                )
                self._claim_cursor = _s(resp[0])
                claimed = resp[1]
                if claimed:
                    log.info("claimed idle entries", extra={"count": len(claimed)})
                    await self._accept(claimed, redelivered=True)
                backoff.reset()
            except TRANSIENT as e:
                self._set_redis(False, "xautoclaim", e)
                await self._sleep(backoff.next())
            except ResponseError as e:
                if not _is_nogroup(e):
                    self.m.redis_errors.labels("xautoclaim").inc()
                    log.error("xautoclaim failed", extra={"error": str(e)})

    # ---- processing --------------------------------------------------------

    async def _process(self, entry_id: str, fields: dict, deliveries: int) -> None:
        cfg = self.cfg
        extra = {"entry_id": entry_id}
        try:
            if deliveries > cfg.max_deliveries:
                log.error("entry delivered too often; dead letter", extra={**extra, "deliveries": deliveries})
                self._dead(entry_id, fields, "crash", f"delivered {deliveries} times without finishing", deliveries)
                return
            try:
                entry = messages.parse_entry(entry_id, fields, max_page_bytes=cfg.max_page_bytes)
            except messages.InvalidEntry as e:
                log.warning("invalid entry", extra={**extra, "reason": e.reason, "error": e.message})
                self._dead(entry_id, fields, e.reason, e.message, deliveries)
                return
            try:
                res = await self.pool.run(entry.page, entry.url, entry.kind)
            except asyncio.CancelledError:
                raise
            except BaseException as e:  # a crash: retry by redelivery, then dead
                self.m.crashes.inc()
                if isinstance(e, BrokenProcessPool):
                    err = "pool process died"
                elif isinstance(e, PipelineCrash):
                    err = str(e)
                else:
                    err = f"{type(e).__name__}: {e}"
                if deliveries >= cfg.max_deliveries:
                    log.error("pipeline crashed; dead letter", extra={**extra, "deliveries": deliveries, "error": err})
                    self._dead(entry_id, fields, "crash", err, deliveries)
                else:
                    log.warning("pipeline crashed; will retry", extra={**extra, "deliveries": deliveries, "error": err})
                    self._release(entry_id)  # stays pending; reclaimed after min-idle
                return
            if isinstance(res, Rejected):
                self.m.stage_seconds.labels("process").observe(res.seconds)
                log.info("unprocessable page", extra={**extra, "reason": res.reason, "error": res.error})
                self._dead(entry_id, fields, res.reason, res.error, deliveries)
                return
            self.m.stage_seconds.labels("process").observe(res.seconds)
            outcome = OUTCOME.get(res.label)
            if outcome not in ("relevant", "offtopic"):
                self.m.crashes.inc()
                self._dead(entry_id, fields, "crash", f"pipeline returned unknown label {res.label!r}", deliveries)
                return
            out = messages.output_fields(
                entry_id, article_json=res.article_json, label=res.label, score=res.score, url=entry.url, meta=entry.meta
            )
            stream = cfg.articles_stream if outcome == "relevant" else cfg.offtopic_stream
            self._queue.put_nowait(Publication(entry_id, stream, outcome, out, done=res))
        except asyncio.CancelledError:
            self._release(entry_id)
            raise
        except Exception:  # a bug here must not strand the slot
            log.exception("unexpected error handling entry", extra=extra)
            self._release(entry_id)

    def _dead(self, entry_id: str, fields: dict, reason: str, error: str, deliveries: int) -> None:
        out = messages.dead_fields(entry_id, fields, reason=reason, error=error, deliveries=deliveries)
        self._queue.put_nowait(Publication(entry_id, self.cfg.dead_stream, "dead", out, reason=reason))

    # ---- publishing --------------------------------------------------------

    async def _publish_loop(self) -> None:
        backoff = Backoff()
        while not self._closed:
            batch = [await self._queue.get()]
            while len(batch) < 256 and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            while not self._closed:
                try:
                    await self._publish(batch)
                    self._set_redis(True)
                    backoff.reset()
                    break
                except TRANSIENT as e:
                    self._set_redis(False, "publish", e)
                    await asyncio.sleep(backoff.next())
                except ResponseError as e:
                    self.m.redis_errors.labels("publish").inc()
                    log.error("publish failed", extra={"error": str(e), "entries": len(batch)})
                    await asyncio.sleep(backoff.next())

    async def _publish(self, batch: list[Publication]) -> None:
        cfg = self.cfg
        t0 = time.perf_counter()
        pipe = self.r.pipeline(transaction=True)
        for p in batch:
            args = [cfg.group, p.entry_id, cfg.maxlen]
            for k, v in p.fields.items():
                args += (k, v)
            pipe.eval(PUBLISH_LUA, 2, cfg.input_stream, p.stream, *args)
        results = await pipe.execute()
        now = time.time()
        dt = time.perf_counter() - t0
        for p, published in zip(batch, results):
            extra = {"entry_id": p.entry_id}
            if int(published):
                self.published += 1
                self.m.pages.labels(p.outcome).inc()
                self.m.stage_seconds.labels("publish").observe(dt)
                self.m.latency_seconds.observe(max(0.0, now - messages.entry_time_ms(p.entry_id) / 1000))
                if p.outcome == "dead":
                    self.m.dead_letters.labels(p.reason or "unknown").inc()
                    log.info("dead letter", extra={**extra, "reason": p.reason})
                elif p.done is not None:
                    d = p.done
                    self.m.relevance_score.observe(d.score)
                    self.m.removed_chars.observe(max(0, d.input_chars - d.kept_chars))
                    for reason, n in d.removed.items():
                        self.m.removed_blocks.labels(reason).inc(n)
                    log.debug("published", extra={**extra, "outcome": p.outcome})
            else:
                self.m.duplicates.inc()
                log.info("already acked elsewhere; not published again", extra=extra)
            self._release(p.entry_id)
        self.m.last_processed.set(now)

    # ---- health and gauges ---------------------------------------------------

    async def _health_loop(self) -> None:
        while not self._closed:
            try:
                await self.r.ping()
                if not self.group_ok:
                    await self.ensure_group()
                self._set_redis(True)
            except TRANSIENT as e:
                self._set_redis(False, "ping", e)
            except RedisError as e:
                self._set_redis(False, "ping", e)
            await asyncio.sleep(1.0)

    async def _gauge_loop(self) -> None:
        cfg = self.cfg
        while not self._closed:
            try:
                groups = await self.r.xinfo_groups(cfg.input_stream)
                for g in groups:
                    if _s(g.get("name")) == cfg.group:
                        self.m.input_pending.set(int(g.get("pending") or 0))
                        lag = g.get("lag")
                        if lag is not None:
                            self.m.input_lag.set(int(lag))
                summary = await self.r.xpending(cfg.input_stream, cfg.group)
                oldest = summary.get("min") if summary else None
                if oldest:
                    self.m.oldest_pending_age.set(max(0.0, time.time() - messages.entry_time_ms(_s(oldest)) / 1000))
                else:
                    self.m.oldest_pending_age.set(0)
            except asyncio.CancelledError:
                raise
            except Exception as e:
                if not isinstance(e, ResponseError) or not _is_nogroup(e):
                    log.debug("gauge refresh failed", extra={"error": str(e)})
            await asyncio.sleep(cfg.metrics_interval_ms / 1000)
