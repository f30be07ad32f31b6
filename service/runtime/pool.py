"""Running the pure pipeline in other processes: the per-page task and a small pool.

`run_page` is what every pipeline process runs per page (the stream consumers
in consumer.py call it directly): the pipeline, then the article serialised to
JSON bytes, so the result is a small picklable value. `UnprocessablePage` comes
back as `Rejected` (a verdict, not a crash); anything else raises.

`Pool` serves POST /v1/clean, so a large request never blocks the event loop:
processes fed over two plain pipes each (length-prefixed pickles), driven by
the event loop with no helper threads (concurrent.futures' feeder and manager
threads cost ~0.65 ms of parent CPU per page when it carried the stream
traffic). A dead process fails its requests with `BrokenProcessPool` and is
replaced; any other pipeline exception comes back as `PipelineCrash`.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import orjson
import multiprocessing
import time
import os
import pickle
import struct
from collections import deque
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from ..errors import UnprocessablePage

# Set once per pool process by _init (never in the parent).
_FN = None
_PROFILES = None
_EXTRA_KW: dict = {}  # clock (stage timings) and rules (user site rules), when the pipeline takes them


@dataclass(frozen=True, slots=True)
class Done:
    """A page the pipeline turned into an article."""

    article_json: bytes  # UTF-8 JSON
    label: str
    score: float
    seconds: float  # pure pipeline time, measured inside the pool process
    input_chars: int
    kept_chars: int
    removed: dict
    stages: dict  # stage -> seconds, as the pipeline reported them (may be empty)


@dataclass(frozen=True, slots=True)
class Rejected:
    """A page the pipeline declared unprocessable (UnprocessablePage)."""

    reason: str
    error: str
    seconds: float


def load_callable(spec: str):
    """'package.module:function' -> the function."""
    mod, _, name = spec.partition(":")
    fn = getattr(importlib.import_module(mod), name, None)
    if not callable(fn):
        raise ImportError(f"{spec!r} is not a callable")
    return fn


def load_profiles(paths: list[str] | None):
    """Topic profiles for the pipeline, loaded once in the parent and pickled to each pool process.

    None -> [the default profile], [] -> [] (clean only), paths -> those profiles.
    """
    if paths is not None and len(paths) == 0:
        return []
    from .. import topic

    if paths is None:
        return [topic.default_profile()]
    return [topic.load_profile(p) for p in paths]


class PipelineCrash(Exception):
    """The pipeline raised something other than UnprocessablePage (message: type and text)."""


def load_rules(paths: list[str] | None):
    """User site rules on top of the shipped ones (a RuleSet), or None for the shipped set alone."""
    if not paths:
        return None
    from ..rules import load_rules as load

    return load(paths)


def _init(spec: str, profiles, rules=None) -> None:
    global _FN, _PROFILES, _EXTRA_KW
    _FN = load_callable(spec)
    _PROFILES = profiles
    try:
        params = inspect.signature(_FN).parameters
    except (TypeError, ValueError):
        params = {}
    _EXTRA_KW = {}
    if "clock" in params:
        _EXTRA_KW["clock"] = time.perf_counter
    if rules is not None and "rules" in params:
        _EXTRA_KW["rules"] = rules


HEADER = struct.Struct("!Q")


def _read_exact(fd: int, n: int) -> bytes | None:
    chunks, got = [], 0
    while got < n:
        b = os.read(fd, min(n - got, 1 << 20))
        if not b:
            return None
        chunks.append(b)
        got += len(b)
    return b"".join(chunks)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _grow_pipe(fd: int, size: int = 1 << 20) -> None:
    """Let a whole typical page fit in the pipe, so one write() hands it over."""
    try:
        import fcntl

        fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), size)
    except OSError:  # above /proc/sys/fs/pipe-max-size, or not Linux: keep the default
        pass


def _detach(conn) -> int:
    fd = conn.fileno()
    conn._handle = None  # the fd is ours now; the Connection must not close it
    return fd


def _child_main(task_conn, result_conn, spec: str, profiles, rules=None) -> None:
    """A pool process: read (page, url, kind), write Done | Rejected | PipelineCrash, until EOF."""
    import signal

    task_fd, result_fd = task_conn.fileno(), result_conn.fileno()

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when we stop
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _init(spec, profiles, rules)
    _write_all(result_fd, HEADER.pack(0))  # ready
    while True:
        hdr = _read_exact(task_fd, HEADER.size)
        if hdr is None:
            return
        body = _read_exact(task_fd, HEADER.unpack(hdr)[0])
        if body is None:
            return
        page, url, kind = pickle.loads(body)
        try:
            out = run_page(page, url, kind)
        except Exception as e:
            out = PipelineCrash(f"{type(e).__name__}: {e}")
        data = pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL)
        _write_all(result_fd, HEADER.pack(len(data)) + data)


def run_page(page, url, kind):
    """Pool task: one page through the pipeline. Runs in a pool process."""
    t0 = time.perf_counter()
    try:
        result = _FN(page, url=url, kind=kind, profiles=_PROFILES, **_EXTRA_KW)
    except UnprocessablePage as e:
        return Rejected(e.reason, e.message, time.perf_counter() - t0)
    seconds = time.perf_counter() - t0
    art = result.article
    stats = art.stats
    return Done(
        orjson.dumps(art.to_dict()),  # UTF-8 JSON bytes, what the stream stores
        result.label,
        float(result.score),
        seconds,
        stats.input_chars,
        stats.kept_chars,
        dict(stats.removed),
        dict(getattr(result, "timings", None) or {}),
    )


class _Child:
    """One pool process and the event-loop ends of its two pipes."""

    def __init__(self, proc, writer: asyncio.WriteTransport, reader: asyncio.StreamReader):
        self.proc = proc
        self.writer = writer
        self.reader = reader
        self.waiting: deque[asyncio.Future] = deque()  # FIFO: the process works in order
        self.task: asyncio.Task | None = None
        self.alive = True


class Pool:
    """`size` pipeline processes fed over pipes by the event loop; a dead one is replaced."""

    def __init__(self, size: int, pipeline: str, profiles, rules=None):
        self.size = size
        self.pipeline = pipeline
        self.profiles = profiles
        self.rules = rules
        self._ctx = multiprocessing.get_context("spawn")
        self._children: list[_Child] = []
        self._closed = False
        self._start_lock = asyncio.Lock()
        self.restarts = 0

    async def _spawn(self) -> _Child:
        loop = asyncio.get_running_loop()
        # multiprocessing Connections survive the spawn (plain fds would be closed);
        # we only use them as pipe fds with our own framing.
        task_r, task_w = self._ctx.Pipe(duplex=False)
        res_r, res_w = self._ctx.Pipe(duplex=False)
        proc = self._ctx.Process(
            target=_child_main, args=(task_r, res_w, self.pipeline, self.profiles, self.rules), daemon=True, name="winnow-pipeline"
        )
        proc.start()
        task_r.close()
        res_w.close()
        res_r = _detach(res_r)
        task_w = _detach(task_w)
        reader = asyncio.StreamReader(limit=1 << 30)
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(res_r, "rb", buffering=0))
        _grow_pipe(task_w)
        _grow_pipe(res_r)
        writer, _ = await loop.connect_write_pipe(asyncio.Protocol, os.fdopen(task_w, "wb", buffering=0))
        child = _Child(proc, writer, reader)
        hdr = await reader.readexactly(HEADER.size)  # the child's "ready" (pipeline imported)
        assert HEADER.unpack(hdr)[0] == 0
        child.task = asyncio.create_task(self._read_results(child))
        return child

    async def start(self) -> None:
        """Start every process and load the pipeline in each before the first page."""
        self._children = list(await asyncio.gather(*(self._spawn() for _ in range(self.size))))

    async def _read_results(self, child: _Child) -> None:
        try:
            while True:
                n = HEADER.unpack(await child.reader.readexactly(HEADER.size))[0]
                out = pickle.loads(await child.reader.readexactly(n))
                fut = child.waiting.popleft()
                if not fut.done():
                    if isinstance(out, PipelineCrash):
                        fut.set_exception(out)
                    else:
                        fut.set_result(out)
        except (asyncio.IncompleteReadError, ConnectionError, OSError):
            pass
        except asyncio.CancelledError:
            self._fail(child)
            raise
        self._fail(child)
        if not self._closed:  # a pool process died: replace it
            self.restarts += 1
            try:
                replacement = await self._spawn()
            except Exception:  # pragma: no cover - e.g. shutting down
                return
            self._children = [replacement if c is child else c for c in self._children]

    def _fail(self, child: _Child) -> None:
        child.alive = False
        child.writer.close()
        while child.waiting:
            fut = child.waiting.popleft()
            if not fut.done():
                fut.set_exception(BrokenProcessPool("pool process died"))

    async def run(self, page, url, kind) -> Done | Rejected:
        """Process one page (starting the pool on first use). Raises PipelineCrash or BrokenProcessPool."""
        if not self._children and not self._closed:
            async with self._start_lock:
                if not self._children:
                    await self.start()
        live = [c for c in self._children if c.alive]
        if not live:
            if not self._children:
                raise RuntimeError("pool not started")
            raise BrokenProcessPool("no live pool process")
        child = min(live, key=lambda c: len(c.waiting))
        fut = asyncio.get_running_loop().create_future()
        child.waiting.append(fut)
        data = pickle.dumps((page, url, kind), protocol=pickle.HIGHEST_PROTOCOL)
        child.writer.writelines((HEADER.pack(len(data)), data))
        return await fut

    def close(self, kill: bool = False) -> None:
        """Stop the processes (call once the pages you care about are done; `kill` if they may still run)."""
        self._closed = True
        for c in self._children:
            if c.task is not None:
                c.task.cancel()
            c.writer.close()
            if c.proc.is_alive():
                c.proc.kill() if kill else c.proc.terminate()
        for c in self._children:
            c.proc.join(5)
        self._children = []
