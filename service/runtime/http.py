"""The HTTP side of the service, one aiohttp app on one port.

GET /metrics  Prometheus text format from the worker's own registry.
GET /healthz  the process is alive (never touches Redis: a Redis blip must not
              get the pod restarted).
GET /readyz   200 only when Redis is reachable, the group exists and the
              worker is not draining; 503 with the failing checks otherwise.
POST /v1/clean  one page in, the same article JSON the streams carry out. The
              body is the raw page (Content-Type text/html or text/plain, or
              ?kind=) with ?url=, or a JSON object with the input entry's keys
              (html|text, url, kind). Bounded by WINNOW_MAX_PAGE_BYTES (413),
              optional bearer token (401), UnprocessablePage -> 422.
"""

from __future__ import annotations

import hmac
import logging
from typing import Protocol

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from . import messages
from .config import Config
from .metrics import Metrics
from .pool import Done, Pool

log = logging.getLogger("winnow.http")

JSON_OVERHEAD = 64 * 1024  # room for JSON escaping and the other keys


class Readiness(Protocol):
    redis_ok: bool
    group_ok: bool
    draining: bool
    started: bool


def _error(status: int, reason: str, message: str) -> web.Response:
    return web.json_response({"reason": reason, "error": message}, status=status)


def make_app(cfg: Config, metrics: Metrics, pool: Pool, state: Readiness) -> web.Application:
    limit = cfg.max_page_bytes
    app = web.Application(client_max_size=limit + JSON_OVERHEAD)

    async def healthz(_request: web.Request) -> web.Response:
        return web.json_response({"alive": True})

    async def readyz(_request: web.Request) -> web.Response:
        checks = {
            "started": state.started,
            "redis": state.redis_ok,
            "group": state.group_ok,
            "not_draining": not state.draining,
        }
        ok = all(checks.values())
        return web.json_response({"ready": ok, "checks": checks}, status=200 if ok else 503)

    async def metrics_handler(_request: web.Request) -> web.Response:
        body = generate_latest(metrics.registry)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    async def clean(request: web.Request) -> web.Response:
        if cfg.api_token:
            auth = request.headers.get("Authorization", "")
            scheme, _, token = auth.partition(" ")
            if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode(), cfg.api_token.encode()):
                return web.json_response(
                    {"reason": "unauthorized", "error": "missing or wrong bearer token"},
                    status=401,
                    headers={"WWW-Authenticate": 'Bearer realm="winnow"'},
                )
        if request.content_length is not None and request.content_length > limit + JSON_OVERHEAD:
            return _error(413, "too_large", f"request is {request.content_length} bytes, limit {limit}")
        try:
            body = await request.read()
        except web.HTTPRequestEntityTooLarge:
            return _error(413, "too_large", f"request larger than the limit of {limit} bytes")
        ctype = request.content_type
        try:
            if ctype == "application/json":
                entry = messages.parse_entry("0-0", {"page": body}, max_page_bytes=limit)
            else:
                kind = request.query.get("kind") or {"text/html": "html", "application/xhtml+xml": "html", "text/plain": "text"}.get(ctype, "auto")
                fields = {"html" if kind != "text" else "text": body, "kind": kind}
                if "url" in request.query:
                    fields["url"] = request.query["url"]
                entry = messages.parse_entry("0-0", fields, max_page_bytes=limit)
        except messages.InvalidEntry as e:
            status = 413 if e.reason == "too_large" else 400
            return _error(status, e.reason, e.message)
        try:
            res = await pool.run(entry.page, entry.url, entry.kind)
        except Exception as e:
            log.exception("pipeline crashed on /v1/clean")
            return _error(500, "crash", f"{type(e).__name__}: {e}")
        if not isinstance(res, Done):
            return _error(422, res.reason, res.error)
        return web.Response(
            body=res.article_json,
            content_type="application/json",
            charset="utf-8",
            headers={"X-Winnow-Label": res.label, "X-Winnow-Score": f"{res.score:.6g}"},
        )

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics_handler)
    app.router.add_post("/v1/clean", clean)
    return app


