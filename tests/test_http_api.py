"""The HTTP app: /healthz, /readyz, /metrics and POST /v1/clean (limit, token, errors)."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from aiohttp.test_utils import TestClient, TestServer

from conftest import FAKE_PIPELINE
from service.runtime.config import Config
from service.runtime.http import make_app
from service.runtime.metrics import Metrics
from service.runtime.pool import Pool


@dataclass
class State:
    started: bool = True
    redis_ok: bool = True
    group_ok: bool = True
    draining: bool = False


@pytest.fixture
async def pool():
    p = Pool(1, FAKE_PIPELINE, [])
    await p.start()
    yield p
    p.close()


async def client_for(pool, state=None, **cfg):
    c = Config(**{"pipeline": FAKE_PIPELINE, "topics": "none", "max_page_bytes": 1000, **cfg})
    client = TestClient(TestServer(make_app(c, Metrics(), pool, state or State())))
    await client.start_server()
    return client


async def test_healthz_is_always_ok_even_when_not_ready(pool):
    client = await client_for(pool, State(redis_ok=False))
    try:
        resp = await client.get("/healthz")
        assert resp.status == 200 and (await resp.json())["alive"] is True
    finally:
        await client.close()


@pytest.mark.parametrize(
    "state,failing",
    [
        (State(), None),
        (State(redis_ok=False), "redis"),
        (State(group_ok=False), "group"),
        (State(draining=True), "not_draining"),
        (State(started=False), "started"),
    ],
)
async def test_readyz_reflects_redis_group_and_draining(pool, state, failing):
    client = await client_for(pool, state)
    try:
        resp = await client.get("/readyz")
        body = await resp.json()
        if failing is None:
            assert resp.status == 200 and body["ready"] is True
        else:
            assert resp.status == 503 and body["ready"] is False and body["checks"][failing] is False
    finally:
        await client.close()


async def test_metrics_exposes_winnow_metrics_in_prometheus_format(pool):
    client = await client_for(pool)
    try:
        resp = await client.get("/metrics")
        text = await resp.text()
        assert resp.status == 200 and resp.headers["Content-Type"].startswith("text/plain")
        for name in ("winnow_pages_total", "winnow_in_flight", "winnow_build_info", "winnow_end_to_end_latency_seconds_bucket"):
            assert name in text
    finally:
        await client.close()


async def test_clean_raw_text_returns_the_article_json(pool):
    client = await client_for(pool)
    try:
        resp = await client.post("/v1/clean?url=https://ex.com/x", data="Head line\nthe body", headers={"Content-Type": "text/plain"})
        art = await resp.json()
        assert resp.status == 200
        assert art["schema"] == "winnow.article" and art["title"] == "Head line" and art["text"] == "the body"
        assert art["url"] == "https://ex.com/x" and art["kind"] == "text"
        assert resp.headers["X-Winnow-Label"] == "relevant"
    finally:
        await client.close()


async def test_clean_json_body_and_off_topic_label(pool):
    client = await client_for(pool)
    try:
        resp = await client.post("/v1/clean", json={"text": "T\n!offtopic\nbody", "url": "https://ex.com/y"})
        assert resp.status == 200 and (await resp.json())["url"] == "https://ex.com/y"
        assert resp.headers["X-Winnow-Label"] == "off_topic"
        bad = await client.post("/v1/clean", data="{nope", headers={"Content-Type": "application/json"})
        assert bad.status == 400 and (await bad.json())["reason"] == "invalid_entry"
    finally:
        await client.close()


async def test_clean_unprocessable_is_422_and_crash_is_500(pool):
    client = await client_for(pool)
    try:
        resp = await client.post("/v1/clean", data="!unprocessable", headers={"Content-Type": "text/plain"})
        assert resp.status == 422 and (await resp.json())["reason"] == "no_content"
        resp = await client.post("/v1/clean", data="x\n!crash", headers={"Content-Type": "text/plain"})
        assert resp.status == 500 and (await resp.json())["reason"] == "crash"
    finally:
        await client.close()


async def test_clean_enforces_the_size_limit(pool):
    client = await client_for(pool)
    try:
        ok = await client.post("/v1/clean", data="T\n" + "a" * 900, headers={"Content-Type": "text/plain"})
        assert ok.status == 200
        big = await client.post("/v1/clean", data="T\n" + "a" * 1200, headers={"Content-Type": "text/plain"})
        assert big.status == 413 and (await big.json())["reason"] == "too_large"
        huge = await client.post("/v1/clean", data=b"a" * 200_000, headers={"Content-Type": "text/plain"})
        assert huge.status == 413
    finally:
        await client.close()


async def test_clean_requires_the_bearer_token_when_configured(pool):
    client = await client_for(pool, api_token="s3cret")
    try:
        h = {"Content-Type": "text/plain"}
        assert (await client.post("/v1/clean", data="T\nbody", headers=h)).status == 401
        wrong = await client.post("/v1/clean", data="T\nbody", headers={**h, "Authorization": "Bearer nope"})
        assert wrong.status == 401 and wrong.headers["WWW-Authenticate"].startswith("Bearer")
        right = await client.post("/v1/clean", data="T\nbody", headers={**h, "Authorization": "Bearer s3cret"})
        assert right.status == 200 and json.loads(await right.text())["title"] == "T"
        # the probes stay open
        assert (await client.get("/healthz")).status == 200
    finally:
        await client.close()


async def test_clean_with_the_real_pipeline_and_default_profile():
    import glob
    import os

    from conftest import SHARED
    from service.runtime.pool import load_profiles

    seeds = sorted(glob.glob(os.path.join(SHARED, "seeds", "*.txt")))
    if not seeds:
        pytest.skip("shared seeds not present")
    p = Pool(1, "service.pipeline:process", load_profiles(None))
    c = Config(max_page_bytes=5_000_000)
    client = TestClient(TestServer(make_app(c, Metrics(), p, State())))
    await client.start_server()
    try:
        with open(seeds[0], "rb") as f:
            resp = await client.post("/v1/clean?kind=text&url=https://news.example/a", data=f.read())
        art = await resp.json()
        assert resp.status == 200 and resp.headers["X-Winnow-Label"] == "relevant"
        assert art["schema"] == "winnow.article" and len(art["text"]) > 500 and art["relevance"]["label"] == "relevant"
    finally:
        await client.close()
        p.close()
