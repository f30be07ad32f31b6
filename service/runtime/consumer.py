"""One pipeline process = one consumer of the group: read, process, publish+ack.

Why each pool process talks to Redis itself instead of the asyncio parent
shipping pages to it: measured on the ScrapingHub pages (~170 KB each), an
asyncio parent spends ~1 ms of CPU per page just moving it (redis-py async
parse, pipe to the process, publish), a quarter of the pipeline's own time, and
on a 2-core machine that CPU comes out of the pipeline's share, so 2 processes
could not reach 1.8x one. A synchronous consumer per process moves each page
once, from its own socket, and N processes share nothing but Redis. The parent
only supervises (see supervisor.py).

The loop, per batch of at most `batch` entries:
  1. own pending list first (ID 0: entries this consumer name read before a
     crash/restart), every claim interval XAUTOCLAIM (entries idle longer than
     min-idle, from any consumer), otherwise XREADGROUP `>` with BLOCK;
  2. each entry: parse -> pipeline (in this process) -> result, dead letter,
     or (a crash below max deliveries) nothing, so it stays pending;
  3. one MULTI/EXEC publishes and acks the whole batch: per entry a Lua
     script XACKs it and XADDs the result only if that XACK removed it from
     the pending list, so publish and ack are atomic and a redo (lost EXEC
     reply, an entry finished twice after a reclaim) publishes nothing.
Redis errors: back off (0.1 s doubling to 5 s), keep the finished batch and
publish it when Redis is back. Stop: finish and publish the current batch,
then exit.

Metrics go to the parent as small event tuples over a pipe, once per batch.
"""

from __future__ import annotations

import logging
import os
import random
import signal
import threading
import time
import redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

from . import messages
from .pool import Rejected, _init, run_page

log = logging.getLogger("winnow.consumer")

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
OUTCOME = {"relevant": "relevant", "off_topic": "offtopic"}


def _s(v) -> str:
    return v.decode() if isinstance(v, bytes) else str(v)


class Publication:
    """A finished entry waiting for its atomic publish + ack."""

    __slots__ = ("entry_id", "stream", "outcome", "fields", "done", "reason")

    def __init__(self, entry_id, stream, outcome, fields, done=None, reason=None):
        self.entry_id, self.stream, self.outcome, self.fields, self.done, self.reason = (
            entry_id, stream, outcome, fields, done, reason,
        )


def publish(r: redis.Redis, cfg, batch: list[Publication]) -> list[bool]:
    """One MULTI/EXEC: per entry, ack and (only if the ack took) publish. Returns published flags."""
    pipe = r.pipeline(transaction=True)
    for p in batch:
        args = [cfg.group, p.entry_id, cfg.maxlen]
        for k, v in p.fields.items():
            args += (k, v)
        pipe.eval(PUBLISH_LUA, 2, cfg.input_stream, p.stream, *args)
    return [bool(int(x)) for x in pipe.execute()]


class Events:
    """Metric updates for the parent, sent once per batch (see supervisor.apply_events)."""

    def __init__(self, conn):
        self.conn = conn
        self.buf: list[tuple] = []
        self.lock = threading.Lock()  # the read and publish threads report too

    def inc(self, name, labels=(), v=1.0):
        self.buf.append(("inc", name, labels, v))

    def observe(self, name, labels, v):
        self.buf.append(("obs", name, labels, v))

    def state(self, **kw):
        self.buf.append(("state", kw))

    def flush(self):
        with self.lock:
            buf, self.buf = self.buf, []
            if buf and self.conn is not None:
                try:
                    self.conn.send(buf)
                except (OSError, EOFError):  # parent gone: nothing to report to
                    pass


class Consumer:
    def __init__(self, cfg, index: int, redis_url: str, stop, conn=None, batch: int | None = None):
        self.cfg = cfg
        self.name = f"{cfg.consumer}-{index}"
        self.stop = stop  # anything with is_set()
        self.ev = Events(conn)
        self.batch = batch or cfg.batch_size
        timeout = 5.0
        self.r = redis.Redis.from_url(
            redis_url, socket_timeout=cfg.block_ms / 1000 + timeout, socket_connect_timeout=2.0, socket_read_size=1 << 20
        )
        self.group_ok = False
        self.redis_ok = None
        self.own_cursor: str | None = "0"  # None once the own pending list is done
        self.claim_cursor = "0-0"
        self.next_claim = time.monotonic() + cfg.claim_interval_ms / 1000
        self.backoff = 0

    # ---- state ---------------------------------------------------------------

    def _redis(self, ok: bool, op: str | None = None, err: Exception | None = None) -> None:
        if not ok:
            self.ev.inc("redis_errors", (op or "unknown",))
            if self.redis_ok is not False:
                log.warning("redis unavailable", extra={"consumer": self.name, "op": op, "error": str(err)})
        if ok != self.redis_ok:
            self.redis_ok = ok
            self.ev.state(redis_ok=ok, group_ok=self.group_ok)
        self.ev.flush()

    def _sleep_backoff(self) -> None:
        d = min(5.0, 0.1 * (2**self.backoff)) * (0.5 + random.random() / 2)
        self.backoff += 1
        end = time.monotonic() + d
        while time.monotonic() < end and not self.stop.is_set():
            time.sleep(min(0.05, end - time.monotonic()) if end > time.monotonic() else 0)

    def ensure_group(self) -> None:
        try:
            self.r.xgroup_create(self.cfg.input_stream, self.cfg.group, id="0", mkstream=True)
        except ResponseError as e:
            if "BUSYGROUP" not in str(e):
                raise
        self.group_ok = True
        self.ev.state(redis_ok=True, group_ok=True)

    # ---- the loop --------------------------------------------------------------

    def run(self) -> None:
        """Read, process, publish until stopped. The next batch's XREADGROUP is sent before
        this batch is processed, so Redis prepares it meanwhile (no threads: a second
        thread fighting the pipeline for the GIL cost more than it saved)."""
        parent = os.getppid()
        handle = None
        while True:
            stopping = self.stop.is_set() or os.getppid() != parent
            if handle is None:
                if stopping:
                    break
                handle = self._guard(self.send_read)  # None after a Redis error (backed off)
                continue
            entries, redelivered = self._guard(self.collect, handle) or ([], False)
            handle = None if stopping else self._guard(self.send_read)
            if entries:  # entries read are processed and acked even when stopping
                self.handle(entries, redelivered)
        if os.getppid() != parent:
            log.error("supervisor gone; exiting", extra={"consumer": self.name})
        self.ev.flush()

    def _guard(self, fn, *args):
        """Run a Redis step; on errors report, back off and return None."""
        try:
            if not self.group_ok:
                self.ensure_group()
            out = fn(*args)
            self._redis(True)
            self.backoff = 0
            return out
        except TRANSIENT as e:
            self._redis(False, "read", e)
            self._sleep_backoff()
        except ResponseError as e:
            if "NOGROUP" in str(e):
                log.warning("consumer group missing; recreating", extra={"group": self.cfg.group})
                self.group_ok = False
                self.ev.state(redis_ok=True, group_ok=False)
            else:
                self._redis(False, "read", e)
                log.error("redis command failed", extra={"error": str(e)})
                self._sleep_backoff()
        return None

    def send_read(self):
        """Start the next read: own pending and claims are done at once (rare), a read of
        new entries is only sent; `collect` takes its reply."""
        entries, redelivered = self.fetch(new=False)
        if entries:
            return ("done", entries, redelivered)
        cfg = self.cfg
        pool = self.r.connection_pool
        conn = pool.get_connection()
        try:
            conn.send_command(
                "XREADGROUP", "GROUP", cfg.group, self.name, "COUNT", self.batch, "BLOCK", cfg.block_ms,
                "STREAMS", cfg.input_stream, ">",
            )
        except BaseException:
            conn.disconnect()
            pool.release(conn)
            raise
        return ("sent", conn)

    def collect(self, handle) -> tuple[list, bool]:
        if handle[0] == "done":
            return handle[1], handle[2]
        conn = handle[1]
        pool = self.r.connection_pool
        try:
            resp = self.r.parse_response(conn, "XREADGROUP")
        except BaseException:
            conn.disconnect()
            raise
        finally:
            pool.release(conn)
        if not resp:
            return [], False
        if isinstance(resp, dict):  # RESP3
            return next(iter(resp.values()))[0], False
        return resp[0][1], False

    def fetch(self, new: bool = True) -> tuple[list, bool]:
        """Own pending list first, then (when due) XAUTOCLAIM, then (if `new`) new entries."""
        cfg = self.cfg
        if self.own_cursor is not None:
            # One at a time: re-reading bumps the delivery count of every entry returned,
            # and only the one that killed us should move towards the dead stream.
            resp = self.r.xreadgroup(cfg.group, self.name, {cfg.input_stream: self.own_cursor}, count=1)
            entries = resp[0][1] if resp else []
            if not entries:
                self.own_cursor = None
                return [], False
            self.own_cursor = _s(entries[-1][0])
            return entries, True
        if cfg.claim_min_idle_ms > 0 and time.monotonic() >= self.next_claim:
            self.next_claim = time.monotonic() + cfg.claim_interval_ms / 1000
            resp = self.r.xautoclaim(
                cfg.input_stream, cfg.group, self.name, cfg.claim_min_idle_ms, start_id=self.claim_cursor, count=self.batch
            )
            self.claim_cursor = _s(resp[0])
            if resp[1]:
                log.info("claimed idle entries", extra={"consumer": self.name, "count": len(resp[1])})
                return resp[1], True
        if not new:
            return [], False
        resp = self.r.xreadgroup(cfg.group, self.name, {cfg.input_stream: ">"}, count=self.batch, block=cfg.block_ms)
        return (resp[0][1] if resp else []), False

    def deliveries(self, ids: list[str]) -> dict[str, int]:
        pipe = self.r.pipeline(transaction=False)
        for i in ids:
            pipe.xpending_range(self.cfg.input_stream, self.cfg.group, min=i, max=i, count=1)
        return {i: (int(rows[0]["times_delivered"]) if rows else 1) for i, rows in zip(ids, pipe.execute())}

    def handle(self, entries, redelivered: bool) -> None:
        cfg = self.cfg
        entries = [(_s(i), f) for i, f in entries]
        gone = [i for i, f in entries if not f]  # deleted (trimmed) while pending
        if gone:
            self.r.xack(cfg.input_stream, cfg.group, *gone)
            for i in gone:
                log.warning("pending entry no longer in the input stream; acked", extra={"entry_id": i})
        entries = [(i, f) for i, f in entries if f]
        if not entries:
            return
        counts = self.deliveries([i for i, _ in entries]) if redelivered else {}
        self.ev.inc("pages_read", (), len(entries))
        if redelivered:
            self.ev.inc("redeliveries", (), len(entries))
        self.ev.state(in_flight=len(entries))
        self.ev.flush()
        batch = []
        for entry_id, fields in entries:
            p = self.process(entry_id, fields, counts.get(entry_id, 1))
            if p is None:
                continue
            if redelivered:  # save progress entry by entry: one of them may be what kills us
                self.publish([p])
            else:
                batch.append(p)
        if batch:
            self.publish(batch)
        self.ev.state(in_flight=0)
        self.ev.flush()

    def process(self, entry_id: str, fields: dict, deliveries: int) -> Publication | None:
        cfg = self.cfg
        extra = {"entry_id": entry_id}
        if deliveries > cfg.max_deliveries:
            log.error("entry delivered too often; dead letter", extra={**extra, "deliveries": deliveries})
            return self.dead(entry_id, fields, "crash", f"delivered {deliveries} times without finishing", deliveries)
        try:
            entry = messages.parse_entry(entry_id, fields, max_page_bytes=cfg.max_page_bytes)
        except messages.InvalidEntry as e:
            log.warning("invalid entry", extra={**extra, "reason": e.reason, "error": e.message})
            return self.dead(entry_id, fields, e.reason, e.message, deliveries)
        try:
            res = run_page(entry.page, entry.url, entry.kind)
        except Exception as e:  # a crash: retried by redelivery, then dead
            self.ev.inc("crashes")
            err = f"{type(e).__name__}: {e}"
            if deliveries >= cfg.max_deliveries:
                log.error("pipeline crashed; dead letter", extra={**extra, "deliveries": deliveries, "error": err})
                return self.dead(entry_id, fields, "crash", err, deliveries)
            log.warning("pipeline crashed; will retry", extra={**extra, "deliveries": deliveries, "error": err})
            return None  # stays pending; reclaimed after min-idle
        self.ev.observe("stage_seconds", ("process",), res.seconds)
        if isinstance(res, Rejected):
            log.info("unprocessable page", extra={**extra, "reason": res.reason, "error": res.error})
            return self.dead(entry_id, fields, res.reason, res.error, deliveries)
        outcome = OUTCOME.get(res.label)
        if outcome is None:
            self.ev.inc("crashes")
            return self.dead(entry_id, fields, "crash", f"pipeline returned unknown label {res.label!r}", deliveries)
        out = messages.output_fields(
            entry_id, article_json=res.article_json, label=res.label, score=res.score, url=entry.url, meta=entry.meta
        )
        stream = cfg.articles_stream if outcome == "relevant" else cfg.offtopic_stream
        return Publication(entry_id, stream, outcome, out, done=res)

    def dead(self, entry_id, fields, reason, error, deliveries) -> Publication:
        out = messages.dead_fields(entry_id, fields, reason=reason, error=error, deliveries=deliveries)
        return Publication(entry_id, self.cfg.dead_stream, "dead", out, reason=reason)

    def publish(self, batch: list[Publication]) -> None:
        """Publish+ack the batch; on Redis errors retry (idempotent) until done or told to stop hard."""
        backoff = 0
        while True:
            t0 = time.perf_counter()
            try:
                flags = publish(self.r, self.cfg, batch)
                break
            except TRANSIENT as e:
                self._redis(False, "publish", e)
            except ResponseError as e:
                if "NOGROUP" in str(e):
                    # The group (or the stream) is gone, and with it these entries'
                    # pending state: nothing can be acked. Drop the results; if the
                    # entries still exist they are delivered again to the new group.
                    log.error("consumer group gone; batch not published", extra={"entries": len(batch)})
                    self.group_ok = False
                    self.ev.inc("redis_errors", ("publish",))
                    return
                self._redis(False, "publish", e)
                log.error("publish failed", extra={"error": str(e), "entries": len(batch)})
            if self.stop.is_set() and backoff >= 6:
                # Stopping and Redis still failing (~6 s): give up; the entries stay
                # pending and are re-read or claimed later, so nothing is lost.
                log.error("stopping with an unpublished batch; it stays pending", extra={"entries": len(batch)})
                return
            time.sleep(min(5.0, 0.1 * (2**backoff)) * (0.5 + random.random() / 2))
            backoff += 1
        self._redis(True)
        dt = time.perf_counter() - t0
        now = time.time()
        for p, published in zip(batch, flags):
            if not published:
                self.ev.inc("duplicates")
                log.info("already acked elsewhere; not published again", extra={"entry_id": p.entry_id})
                continue
            self.ev.inc("pages", (p.outcome,))
            self.ev.observe("stage_seconds", ("publish",), dt)
            self.ev.observe("latency_seconds", (), max(0.0, now - messages.entry_time_ms(p.entry_id) / 1000))
            if p.outcome == "dead":
                self.ev.inc("dead_letters", (p.reason or "unknown",))
                log.info("dead letter", extra={"entry_id": p.entry_id, "reason": p.reason})
            elif p.done is not None:
                d = p.done
                for stage, seconds in d.stages.items():
                    self.ev.observe("stage_seconds", (stage,), seconds)
                self.ev.observe("relevance_score", (), d.score)
                self.ev.observe("removed_chars", (), max(0, d.input_chars - d.kept_chars))
                for reason, n in d.removed.items():
                    self.ev.inc("removed_blocks", (reason,), n)
        self.ev.state(last_processed=now)


class _Stop:
    """Stop when the supervisor says so, or on SIGTERM."""

    def __init__(self, event):
        self.event = event
        self.flag = False

    def is_set(self) -> bool:
        return self.flag or self.event.is_set()


def consumer_main(cfg, index: int, redis_url: str, profiles, stop, conn, batch: int, log_level: str, rules=None) -> None:
    """Entry point of a pipeline process."""
    from . import logging as winnow_logging

    # Ctrl-C reaches the whole process group: the parent decides (via `stop`).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A SIGTERM sent to this process (or its group) drains it like `stop`; a second one ends it now.
    local = _Stop(stop)

    def on_term(_sig, _frame):
        if local.flag:
            os._exit(143)
        local.flag = True

    signal.signal(signal.SIGTERM, on_term)
    winnow_logging.setup(log_level)
    _init(cfg.pipeline, profiles, rules)
    c = Consumer(cfg, index, redis_url, local, conn, batch)
    c.ev.state(started=True)
    c.ev.flush()
    c.run()
    c.ev.state(stopped=True)
    c.ev.flush()

