"""`winnow run` as a real process: SIGKILL mid-batch, SIGTERM drain, Redis restart, embedded Redis.

Each test starts the service as a subprocess (fake pipeline, so only the
runtime is under test) and checks the one promise that matters: every input
entry ID appears exactly once across the three output streams.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

import pytest
import redis

from conftest import ROOT, free_port, runtime_env, winnow_cmd

pytestmark = pytest.mark.slow


class Service:
    def __init__(self, env: dict, cwd: str = ROOT):
        self.port = int(env["WINNOW_HTTP_PORT"])
        self.log = tempfile.TemporaryFile("w+")
        self.proc = subprocess.Popen(winnow_cmd("run"), env=env, cwd=cwd, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)

    def get(self, path: str) -> tuple[int, dict | str]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=2) as resp:
                body = resp.read().decode()
                return resp.status, json.loads(body) if path != "/metrics" else body
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read().decode())
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return 0, {}

    def ready(self) -> bool:
        return self.get("/readyz")[0] == 200

    def kill(self) -> None:
        """SIGKILL the service and its pool processes (the whole process group)."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read()

    def close(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
        self.log.close()


def wait_until(cond, timeout=30.0, interval=0.05, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = cond()
        if v:
            return v
        time.sleep(interval)
    raise AssertionError(f"{what} not met within {timeout}s")


def all_outputs(r, names) -> list[str]:
    ids = []
    for key in ("WINNOW_ARTICLES_STREAM", "WINNOW_OFFTOPIC_STREAM", "WINNOW_DEAD_STREAM"):
        ids += [f[b"source_id"].decode() for _i, f in r.xrange(names[key])]
    return ids


def n_outputs(r, names) -> int:
    return sum(r.xlen(names[k]) for k in ("WINNOW_ARTICLES_STREAM", "WINNOW_OFFTOPIC_STREAM", "WINNOW_DEAD_STREAM"))


def push(r, names, n, body="!sleep 0.05\nbody", prefix="p"):
    pipe = r.pipeline()
    for i in range(n):
        text = f"{prefix}{i}\n{body}"
        if i % 7 == 3:
            text += "\n!offtopic"
        if i % 11 == 5:
            text = "!unprocessable"
        pipe.xadd(names["WINNOW_INPUT_STREAM"], {"url": f"https://ex.com/{prefix}{i}", "text": text})
    return [i.decode() for i in pipe.execute()]


def test_exactly_once_through_sigkill_mid_batch_and_restarts(r, names, redis_url):
    base = dict(names, REDIS_URL=redis_url, WINNOW_POOL_SIZE=2, WINNOW_BATCH_SIZE=8, WINNOW_BLOCK_MS=200,
                WINNOW_CLAIM_MIN_IDLE_MS=1000, WINNOW_CLAIM_INTERVAL_MS=300)
    ids = push(r, names, 120)
    # 1: consumer "a" is killed with entries in flight.
    svc = Service(runtime_env(**base, WINNOW_CONSUMER="a", WINNOW_HTTP_PORT=free_port()))
    try:
        wait_until(lambda: n_outputs(r, names) >= 20, what="first outputs")
        assert r.xpending(names["WINNOW_INPUT_STREAM"], names["WINNOW_GROUP"])["pending"] > 0
        svc.kill()
    finally:
        svc.close()
    pending_a = r.xpending(names["WINNOW_INPUT_STREAM"], names["WINNOW_GROUP"])["pending"]
    assert pending_a > 0, "the kill should leave read-but-unacked entries"
    done1 = n_outputs(r, names)
    assert done1 < 120
    # 2: "a" restarts (re-reads its own pending list first) and is killed again.
    svc = Service(runtime_env(**base, WINNOW_CONSUMER="a", WINNOW_HTTP_PORT=free_port()))
    try:
        wait_until(lambda: n_outputs(r, names) >= done1 + 20, what="progress after restart")
        svc.kill()
    finally:
        svc.close()
    assert n_outputs(r, names) < 120
    # 3: a different consumer "b" claims what dead "a" left pending (XAUTOCLAIM) and finishes.
    svc = Service(runtime_env(**base, WINNOW_CONSUMER="b", WINNOW_HTTP_PORT=free_port()))
    try:
        wait_until(lambda: n_outputs(r, names) >= 120, timeout=60, what="all outputs")
        time.sleep(1.5)  # would expose late duplicates
        status, metrics = svc.get("/metrics")
    finally:
        svc.close()
    got = all_outputs(r, names)
    assert sorted(got) == sorted(ids), "every input entry exactly once across the output streams"
    assert r.xpending(names["WINNOW_INPUT_STREAM"], names["WINNOW_GROUP"])["pending"] == 0
    assert status == 200 and "winnow_redeliveries_total" in metrics


def test_sigterm_drains_in_flight_readiness_false_and_exits_0(r, names, redis_url, tmp_path):
    env = runtime_env(**names, REDIS_URL=redis_url, WINNOW_POOL_SIZE=2, WINNOW_MAX_IN_FLIGHT=4, WINNOW_BLOCK_MS=200,
                      WINNOW_GRACE_SECONDS=10, WINNOW_HTTP_PORT=free_port())
    ids = push(r, names, 30, body="!sleep 1.0\nbody")
    svc = Service(env)
    try:
        wait_until(lambda: r.xpending(names["WINNOW_INPUT_STREAM"], names["WINNOW_GROUP"])["pending"] >= 4
                   if r.exists(names["WINNOW_INPUT_STREAM"]) and svc.ready() else False, what="4 in flight")
        t0 = time.monotonic()
        svc.proc.send_signal(signal.SIGTERM)
        saw_not_ready = wait_until(lambda: svc.get("/readyz")[0] == 503, timeout=5, interval=0.02, what="not ready")
        assert saw_not_ready
        code = svc.proc.wait(15)
        elapsed = time.monotonic() - t0
        log = svc.output()
    finally:
        svc.close()
    assert code == 0, log[-2000:]
    assert elapsed < 10
    got = all_outputs(r, names)
    assert 4 <= len(got) < 30 and len(set(got)) == len(got) and set(got) <= set(ids)
    assert r.xpending(names["WINNOW_INPUT_STREAM"], names["WINNOW_GROUP"])["pending"] == 0, "in-flight work acked"
    lines = [json.loads(ln) for ln in log.splitlines() if ln.startswith("{")]
    assert any(ln["msg"] == "draining" for ln in lines) and any(ln["msg"] == "stopped cleanly" for ln in lines)


def test_redis_restart_readiness_false_then_resumes_exactly_once(r, names, redis_server):
    srv = redis_server()
    rs = redis.Redis.from_url(srv.url)
    env = runtime_env(**names, REDIS_URL=srv.url, WINNOW_POOL_SIZE=2, WINNOW_BLOCK_MS=200,
                      WINNOW_CLAIM_MIN_IDLE_MS=1000, WINNOW_CLAIM_INTERVAL_MS=300, WINNOW_HTTP_PORT=free_port())
    ids = push(rs, names, 60, body="!sleep 0.05\nbody")
    svc = Service(env)
    try:
        wait_until(lambda: n_outputs(rs, names) >= 10, what="first outputs")
        srv.stop()  # with entries in flight; AOF keeps the stream and the group
        wait_until(lambda: svc.get("/readyz")[0] == 503, timeout=10, what="not ready while Redis is down")
        time.sleep(2)
        assert svc.proc.poll() is None, "no crash while Redis is down"
        assert svc.get("/healthz")[0] == 200, "liveness does not depend on Redis"
        srv.start()
        wait_until(svc.ready, timeout=20, what="ready again")
        rs = redis.Redis.from_url(srv.url)
        ids += push(rs, names, 20, prefix="q")
        wait_until(lambda: n_outputs(rs, names) >= 80, timeout=60, what="all outputs")
        time.sleep(1.5)
        status, metrics = svc.get("/metrics")
    finally:
        svc.close()
    assert sorted(all_outputs(rs, names)) == sorted(ids)
    assert 'winnow_redis_errors_total{op=' in metrics


def test_embedded_redis_when_redis_url_is_unset(tmp_path):
    data = tmp_path / "d"
    env = runtime_env(WINNOW_HTTP_PORT=free_port(), WINNOW_DATA_DIR=str(data), WINNOW_POOL_SIZE=1, WINNOW_BLOCK_MS=200)
    page = tmp_path / "one.txt"
    page.write_text("Embedded title\nembedded body\n")
    svc = Service(env, cwd=str(tmp_path))
    try:
        wait_until(svc.ready, timeout=30, what="ready on embedded redis")
        sock = data / "redis.sock"
        assert sock.exists()
        enq = subprocess.run(winnow_cmd("enqueue", str(page)), env=env, cwd=str(tmp_path), capture_output=True, text=True, timeout=30)
        assert enq.returncode == 0, enq.stderr
        tail = subprocess.run(winnow_cmd("tail", "--from-start", "--count", "1", "--timeout", "20"), env=env,
                              cwd=str(tmp_path), capture_output=True, text=True, timeout=30)
        assert tail.returncode == 0, tail.stderr
        out = json.loads(tail.stdout.splitlines()[0])
        assert out["title"] == "Embedded title" and out["label"] == "relevant"
        svc.proc.send_signal(signal.SIGTERM)
        assert svc.proc.wait(20) == 0
    finally:
        svc.close()
    # the embedded server was stopped with the service, and its data persisted
    assert not redis_alive(str(data / "redis.sock"))
    assert (data / "appendonly.aof").exists() or any(data.glob("appendonly*"))


def redis_alive(sock: str) -> bool:
    try:
        return redis.Redis(unix_socket_path=sock, socket_connect_timeout=0.3).ping()
    except (redis.RedisError, OSError):
        return False
