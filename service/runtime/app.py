"""Wiring for `winnow run`: Redis (given or embedded), pool, worker, HTTP, signals.

The one place with process-level concerns: SIGTERM/SIGINT start a drain
(readiness false, no more reads, in-flight entries finish and are acked) and
the process exits 0 once drained, or 1 if WINNOW_GRACE_SECONDS ran out first
(what was not acked stays pending and is reclaimed by the next consumer).
"""

from __future__ import annotations

import asyncio
import logging
import signal

from aiohttp import web

from .. import native
from . import embedded as embedded_mod
from .config import Config
from .http import make_app
from .metrics import Metrics
from .pool import Pool, load_profiles, load_rules
from .supervisor import Supervisor

log = logging.getLogger("winnow.app")


async def serve(cfg: Config, profiles=None, rules=None) -> int:
    """Run the service until SIGTERM/SIGINT; return the process exit code.

    `profiles` and `rules` are loaded from `cfg` unless the caller already did."""
    emb = None
    url = cfg.redis_url
    if not url:
        emb = await asyncio.to_thread(embedded_mod.start, cfg.data_dir)
        url = emb.url
    metrics = Metrics()
    if profiles is None:
        profiles = load_profiles(cfg.topic_paths)
    if rules is None:
        rules = load_rules(cfg.rule_paths)  # still None without WINNOW_RULES: the shipped rules
    worker = Supervisor(cfg, metrics, url, profiles, rules)
    pool = Pool(1, cfg.pipeline, profiles, rules)  # for POST /v1/clean only; started on first use
    runner = None
    loop = asyncio.get_running_loop()
    stop_requested = asyncio.Event()

    def on_signal(signame: str) -> None:
        log.info("signal received", extra={"signal": signame})
        worker.stop()
        stop_requested.set()

    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, on_signal, sig.name)
    code = 0
    try:
        if cfg.http_port:
            runner = web.AppRunner(make_app(cfg, metrics, pool, worker), access_log=None, handle_signals=False)
            await runner.setup()
            await web.TCPSite(runner, cfg.http_host, cfg.http_port).start()
            log.info("http listening", extra={"host": cfg.http_host, "port": cfg.http_port})
        log.info(
            "consuming",
            extra={
                "redis": "embedded" if emb else "external",
                "stream": cfg.input_stream,
                "group": cfg.group,
                "consumer": cfg.consumer,
                "pool_size": cfg.pool_size,
                "batch_per_process": worker.batch,
                "native": native.STATUS,
            },
        )
        if not native.ACTIVE:
            log.warning("compiled fast paths not in use: extraction runs the slower Python code", extra={"native": native.STATUS})
        run = asyncio.create_task(worker.run())
        await stop_requested.wait()
        try:
            await asyncio.wait_for(asyncio.shield(run), cfg.grace_seconds)
            log.info("stopped cleanly", extra={"published": worker.published})
        except asyncio.TimeoutError:
            code = 1
            log.error("grace period over before the drain finished", extra={"in_flight": worker.inflight})
            run.cancel()
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
        if runner is not None:
            await runner.cleanup()
        await worker.close(kill=code != 0)
        pool.close(code != 0)
        if emb is not None:
            await asyncio.to_thread(emb.stop)
    return code


def main(cfg: Config, profiles=None, rules=None) -> int:
    from . import logging as winnow_logging

    winnow_logging.setup(cfg.log_level)
    return asyncio.run(serve(cfg, profiles, rules))
