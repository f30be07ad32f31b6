"""The process pool that runs the pure pipeline, so one instance uses every core.

The parent (asyncio) process only moves bytes; each pool process imports the
pipeline once, receives the topic profiles once through the initializer, and
per page returns a small picklable tuple: the article already serialised to
JSON (so the parent does no per-page CPU work beyond Redis I/O), the label and
score, and the time the pipeline took. `UnprocessablePage` comes back as a
value (it is a verdict, not a crash); any other exception propagates and the
worker treats it as a crash. A pool process that dies takes the pool with it
(BrokenProcessPool); `Pool` then builds a new one and the entries in flight
count as crashed deliveries.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from ..errors import UnprocessablePage

# Set once per pool process by _init (never in the parent).
_FN = None
_PROFILES = None


@dataclass(frozen=True, slots=True)
class Done:
    """A page the pipeline turned into an article."""

    article_json: str
    label: str
    score: float
    seconds: float  # pure pipeline time, measured inside the pool process
    input_chars: int
    kept_chars: int
    removed: dict


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
    """Topic profiles for the pipeline, loaded once in the parent.

    None -> None (the pipeline's default profile), [] -> [] (clean only),
    paths -> the profiles from service.topic.
    """
    if not paths:
        return paths
    from .. import topic

    loader = getattr(topic, "load_profile", None)
    if loader is None:
        raise ImportError("service.topic has no load_profile(); cannot load WINNOW_TOPICS")
    return [loader(p) for p in paths]


def _init(spec: str, profiles) -> None:
    global _FN, _PROFILES
    _FN = load_callable(spec)
    _PROFILES = profiles


def _ping() -> int:
    import os

    return os.getpid()


def run_page(page, url, kind):
    """Pool task: one page through the pipeline. Runs in a pool process."""
    t0 = time.perf_counter()
    try:
        result = _FN(page, url=url, kind=kind, profiles=_PROFILES)
    except UnprocessablePage as e:
        return Rejected(e.reason, e.message, time.perf_counter() - t0)
    seconds = time.perf_counter() - t0
    art = result.article
    stats = art.stats
    return Done(
        json.dumps(art.to_dict(), ensure_ascii=False, separators=(",", ":")),
        result.label,
        float(result.score),
        seconds,
        stats.input_chars,
        stats.kept_chars,
        dict(stats.removed),
    )


class Pool:
    """A ProcessPoolExecutor that rebuilds itself when a process dies."""

    def __init__(self, size: int, pipeline: str, profiles):
        self.size = size
        self.pipeline = pipeline
        self.profiles = profiles
        self._ctx = multiprocessing.get_context("spawn")
        self._executor: ProcessPoolExecutor | None = None
        self.restarts = 0

    def _new(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            self.size, mp_context=self._ctx, initializer=_init, initargs=(self.pipeline, self.profiles)
        )

    async def start(self) -> None:
        """Start every process and load the pipeline in each before the first page."""
        self._executor = self._new()
        loop = asyncio.get_running_loop()
        await asyncio.gather(*(loop.run_in_executor(self._executor, _ping) for _ in range(self.size)))

    async def run(self, page, url, kind) -> Done | Rejected:
        """Process one page. Raises whatever the pipeline raised (a crash)."""
        ex = self._executor
        if ex is None:
            raise RuntimeError("pool not started")
        try:
            return await asyncio.get_running_loop().run_in_executor(ex, run_page, page, url, kind)
        except BrokenProcessPool:
            if self._executor is ex:  # first to notice: replace it
                self.restarts += 1
                self._executor = self._new()
                ex.shutdown(wait=False, cancel_futures=True)
            raise

    def close(self, kill: bool = False) -> None:
        """Shut the pool down; `kill` terminates pages still running (grace expired)."""
        ex, self._executor = self._executor, None
        if ex is None:
            return
        if kill:
            for p in list((getattr(ex, "_processes", None) or {}).values()):
                p.kill()
        ex.shutdown(wait=True, cancel_futures=True)
