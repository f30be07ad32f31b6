"""The deploy artefacts against the real thing, outside containers (Docker
cannot run here): the image's command (ENTRYPOINT + CMD parsed from
deploy/Dockerfile) runs as two instances sharing one consumer group on a real
Redis, the compose stack's demo feed command pushes the sample pages, the
Debian redis_exporter checks the streams, and a real Prometheus scrapes them
every second with the repository's alert rules loaded. Then every PromQL
expression of the dashboard and of the rules is evaluated through the HTTP
API: each must parse, and every dashboard query must return a finite value.
The image's HEALTHCHECK command is run against the live service too.

Streams, group and exporter checks use a unique prefix per run; the keys are
deleted afterwards.
"""

from __future__ import annotations

import json
import math
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
import yaml

try:
    from test_deploy_static import (
        COMPOSE, DASHBOARD, RULES, container_command, dashboard_exprs, dockerfile_env,
        dockerfile_instructions, exported_names, healthcheck_command, require_tool, rule_exprs,
        winnow_names_used,
    )
except ImportError:  # pragma: no cover - tests/ imported as a package
    from tests.test_deploy_static import (  # type: ignore[no-redef]
        COMPOSE, DASHBOARD, RULES, container_command, dashboard_exprs, dockerfile_env,
        dockerfile_instructions, exported_names, healthcheck_command, require_tool, rule_exprs,
        winnow_names_used,
    )

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = "redis://127.0.0.1:6379/0"
# Grafana's variables as a dashboard user would have them
GRAFANA_VARS = {
    "$__rate_interval": "1m",
    "${__rate_interval}": "1m",
    "$__interval": "15s",
    "${__interval}": "15s",
    "$__range": "5m",
    "${instance}": ".*",
    "$instance": ".*",
}
DEADLINE_SECONDS = 90


# ---------------------------------------------------------------- helpers

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(url: str, timeout: float = 5.0) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def wait_for(predicate, timeout: float, what: str, interval: float = 0.3):
    end = time.monotonic() + timeout
    last = None
    while time.monotonic() < end:
        try:
            last = predicate()
            if last:
                return last
        except (OSError, ValueError) as e:  # not up yet
            last = e
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what} (last: {last!r})")


def substitute(expr: str) -> str:
    for var, value in sorted(GRAFANA_VARS.items(), key=lambda kv: -len(kv[0])):
        expr = expr.replace(var, value)
    assert "$" not in expr, f"unsubstituted Grafana variable in {expr!r}"
    return expr


def promql(base: str, expr: str) -> dict:
    url = f"{base}/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    _status, body = http_get(url)
    return json.loads(body)


def finite_values(result: dict) -> list[float]:
    data = result.get("data", {})
    rows = data.get("result", [])
    if data.get("resultType") == "scalar":
        rows = [{"value": rows}]
    values = []
    for row in rows:
        v = float(row["value"][1])
        if math.isfinite(v):
            values.append(v)
    return values


def winnow_executable(name: str) -> str:
    """The console script the image's ENTRYPOINT names, from this Python's environment."""
    candidate = Path(sys.executable).parent / name
    if candidate.exists():
        return str(candidate)
    import shutil

    found = shutil.which(name)
    assert found, f"{name} is not installed in this environment (make setup installs it)"
    return found


def require_redis():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        msg = "no Redis at 127.0.0.1:6379"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(msg)
        pytest.skip(msg)
    return client


def stop(proc: subprocess.Popen, sig=signal.SIGTERM, timeout: float = 30) -> int | None:
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
    return proc.returncode


class Stack:
    """The processes of one run and how to reach them."""

    def __init__(self, tmp: Path, prefix: str):
        self.tmp = tmp
        self.prefix = prefix
        self.procs: list[tuple[str, subprocess.Popen]] = []
        self.logs: dict[str, Path] = {}
        self.instance_ports: list[int] = []
        self.prometheus = ""
        self.exporter_port = 0

    def start(self, name: str, cmd: list[str], env: dict | None = None) -> subprocess.Popen:
        log = self.tmp / f"{name}.log"
        self.logs[name] = log
        proc = subprocess.Popen(
            cmd, env=env, cwd=self.tmp, stdout=log.open("wb"), stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
        self.procs.append((name, proc))
        return proc

    def log_tail(self, name: str, lines: int = 20) -> str:
        path = self.logs.get(name)
        if not path or not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def winnow_env(prefix: str, port: int) -> dict[str, str]:
    """The container's environment (Dockerfile ENV, then the compose winnow
    service's) on this machine, with the local Redis, a free port and this
    run's streams and group."""
    env = dict(os.environ)
    env.update(dockerfile_env(dockerfile_instructions()))
    compose = yaml.safe_load(COMPOSE.read_text())
    env.update({k: str(v) for k, v in compose["services"]["winnow"]["environment"].items()})
    env.update(
        REDIS_URL=REDIS_URL,
        WINNOW_HTTP_HOST="127.0.0.1",
        WINNOW_HTTP_PORT=str(port),
        WINNOW_INPUT_STREAM=f"{prefix}:pages",
        WINNOW_ARTICLES_STREAM=f"{prefix}:articles",
        WINNOW_OFFTOPIC_STREAM=f"{prefix}:offtopic",
        WINNOW_DEAD_STREAM=f"{prefix}:dead",
        WINNOW_GROUP=f"{prefix}:group",
        WINNOW_POOL_SIZE="1",
        WINNOW_METRICS_INTERVAL_MS="500",
        WINNOW_GRACE_SECONDS="10",
    )
    return env


def run_healthcheck(env: dict) -> subprocess.CompletedProcess:
    """The image's HEALTHCHECK command, with this environment's Python as `python`."""
    cmd = healthcheck_command()
    if cmd[0] == "python":
        cmd = [sys.executable] + cmd[1:]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=20)


def start_winnow(stack: Stack, name: str) -> tuple[subprocess.Popen, dict]:
    cmd = container_command()
    port = free_port()
    env = winnow_env(stack.prefix, port)
    proc = stack.start(name, [winnow_executable(cmd[0])] + cmd[1:], env)
    stack.instance_ports.append(port)

    def healthy():
        if proc.poll() is not None:
            raise AssertionError(f"{name} exited with {proc.returncode}:\n{stack.log_tail(name)}")
        return run_healthcheck(env).returncode == 0

    wait_for(healthy, 60, f"{name} to pass the image's HEALTHCHECK")
    return proc, env


def feed_command(samples: Path) -> list[str]:
    """The compose stack's feed command, with its container path mapped to the repository."""
    compose = yaml.safe_load(COMPOSE.read_text())
    feed = compose["services"]["feed"]
    mounts = {}
    for v in feed["volumes"]:
        source, target = v.split(":")[:2]
        mounts[target] = str((COMPOSE.parent / source).resolve())
    cmd = [mounts.get(arg, arg) for arg in feed["command"]]
    assert str(samples) in cmd
    return cmd


def cleanup_keys(client, prefix: str) -> None:
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)


# ---------------------------------------------------------------- the stack

@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    prometheus = require_tool("prometheus")
    exporter = require_tool("prometheus-redis-exporter")
    client = require_redis()
    tmp = tmp_path_factory.mktemp("deploy-live")
    prefix = f"test-deploy-{uuid.uuid4().hex[:10]}"
    s = Stack(tmp, prefix)
    try:
        # two replicas sharing the consumer group, as in docker-compose.yml
        _, env = start_winnow(s, "winnow-1")
        start_winnow(s, "winnow-2")

        # the compose feed, pushing the sample pages in a loop
        cmd = feed_command(ROOT / "deploy" / "samples")
        s.start("feed", [winnow_executable("winnow")] + cmd, env)
        # entries that cannot be processed, for the dead-letter panel
        for i in range(3):
            client.xadd(f"{prefix}:pages", {"note": f"no url and no page {i}"})

        # redis_exporter with stream checks, configured like the compose service
        s.exporter_port = free_port()
        exporter_env = dict(os.environ, REDIS_ADDR=REDIS_URL, REDIS_EXPORTER_CHECK_STREAMS=f"{prefix}:*")
        s.start("redis-exporter", [exporter, "-web.listen-address", f"127.0.0.1:{s.exporter_port}"], exporter_env)

        # Prometheus scraping both instances and the exporter every second, with the rules loaded
        port = free_port()
        config = {
            "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
            "rule_files": [str(RULES)],
            "scrape_configs": [
                {"job_name": "winnow", "static_configs": [{"targets": [f"127.0.0.1:{p}" for p in s.instance_ports]}]},
                {"job_name": "redis", "static_configs": [{"targets": [f"127.0.0.1:{s.exporter_port}"]}]},
            ],
        }
        (tmp / "prometheus.yml").write_text(yaml.safe_dump(config))
        s.start(
            "prometheus",
            [
                prometheus,
                f"--config.file={tmp / 'prometheus.yml'}",
                f"--storage.tsdb.path={tmp / 'data'}",
                f"--web.listen-address=127.0.0.1:{port}",
            ],
        )
        s.prometheus = f"http://127.0.0.1:{port}"
        wait_for(lambda: http_get(f"{s.prometheus}/-/ready")[0] == 200, 60, "Prometheus to be ready")

        def all_up():
            values = finite_values(promql(s.prometheus, 'up{job=~"winnow|redis"}'))
            return len(values) == 3 and all(v == 1 for v in values)

        wait_for(all_up, 30, "both winnow instances and the exporter to be scraped")
        yield s
    finally:
        for name, proc in reversed(s.procs):
            stop(proc)
        cleanup_keys(client, prefix)


# per-instance panels must show both replicas
PER_INSTANCE_PANELS = {"CPU per instance", "Memory per instance", "Ready", "Versions"}


def _panel_failures(stack: Stack) -> dict[str, str]:
    failures = {}
    for title, expr in dashboard_exprs():
        query = substitute(expr)
        res = promql(stack.prometheus, query)
        want = len(stack.instance_ports) if title in PER_INSTANCE_PANELS else 1
        if res.get("status") != "success":
            failures[f"{title}: {query}"] = f"{res.get('errorType')}: {res.get('error')}"
        elif len(finite_values(res)) < want:
            failures[f"{title}: {query}"] = f"fewer than {want} finite series ({res['data']['result'][:3]})"
    return failures


def test_every_dashboard_query_parses_and_returns_data(stack):
    failures = {"not evaluated yet": ""}
    end = time.monotonic() + DEADLINE_SECONDS
    while failures and time.monotonic() < end:
        failures = _panel_failures(stack)
        if failures:
            time.sleep(2)
    logs = "\n".join(f"--- {n}\n{stack.log_tail(n, 8)}" for n in ("winnow-1", "winnow-2", "feed"))
    assert not failures, "dashboard queries without data after {}s:\n{}\n{}".format(
        DEADLINE_SECONDS, "\n".join(f"{k}\n    -> {v}" for k, v in failures.items()), logs
    )


def test_dashboard_instance_variable_lists_both_instances(stack):
    dash = json.loads(DASHBOARD.read_text())
    var = {v["name"]: v for v in dash["templating"]["list"]}["instance"]
    m = re.fullmatch(r"label_values\((\w+), (\w+)\)", var["query"]["query"])
    url = f"{stack.prometheus}/api/v1/label/{m.group(2)}/values?" + urllib.parse.urlencode({"match[]": m.group(1)})
    values = json.loads(http_get(url)[1])["data"]
    assert sorted(values) == sorted(f"127.0.0.1:{p}" for p in stack.instance_ports)
    # choosing one instance narrows a panel to it (Grafana escapes regex
    # metacharacters of the value, doubled inside a PromQL string)
    one = values[0]
    escaped = re.sub(r"([.+*?()|\[\]{}^$])", r"\\\\\1", one)
    expr = [e for t, e in dashboard_exprs() if t == "Memory per instance"][0].replace("$instance", escaped)
    res = promql(stack.prometheus, expr)
    assert res.get("status") == "success", (expr, res)
    rows = res["data"]["result"]
    assert [r["metric"]["instance"] for r in rows] == [one]


def test_every_alert_rule_expression_parses_and_loads(stack):
    for name, expr in rule_exprs():
        res = promql(stack.prometheus, expr)
        assert res.get("status") == "success", f"{name}: {res.get('error')}"

    def evaluated():
        groups = json.loads(http_get(f"{stack.prometheus}/api/v1/rules")[1])["data"]["groups"]
        rules = [r for g in groups for r in g["rules"]]
        return rules if rules and all(r.get("lastEvaluation", "").startswith("20") for r in rules) else None

    rules = wait_for(evaluated, 30, "Prometheus to evaluate the loaded rules")
    assert {r["name"] for r in rules} == {n for n, _ in rule_exprs()}
    bad = {r["name"]: r.get("lastError") for r in rules if r["health"] != "ok"}
    assert not bad, bad


def test_dead_letter_alert_fires_on_the_live_stack(stack):
    """The invalid entries pushed at start reach the dead stream: the live
    dead-letter alert must be firing for this job and reason."""

    def firing():
        alerts = json.loads(http_get(f"{stack.prometheus}/api/v1/alerts")[1])["data"]["alerts"]
        return [a for a in alerts if a["labels"]["alertname"] == "WinnowDeadLetters" and a["state"] == "firing"]

    alerts = wait_for(firing, 30, "WinnowDeadLetters to fire")
    assert alerts[0]["labels"]["job"] == "winnow" and alerts[0]["labels"]["reason"]


def test_no_metric_name_in_dashboard_or_rules_is_missing_from_live_metrics(stack):
    for port in stack.instance_ports:
        status, text = http_get(f"http://127.0.0.1:{port}/metrics")
        assert status == 200
        exported = exported_names(text)
        missing = {n: sorted(w) for n, w in winnow_names_used().items() if n not in exported}
        assert not missing, f"used but not exported at /metrics: {missing}"


def test_exporter_sees_this_runs_streams_and_both_consumers(stack):
    query = f'redis_stream_group_consumers{{stream="{stack.prefix}:pages"}}'
    wait_for(lambda: max(finite_values(promql(stack.prometheus, query)), default=0) >= 2, 30,
             "redis_exporter to report both consumers of the group")


def test_container_command_drains_and_exits_0_on_sigterm(tmp_path):
    """The image's command, run outside the container, stops cleanly on the
    SIGTERM that `docker stop` / the kubelet sends (exec form: winnow is PID 1)."""
    client = require_redis()
    s = Stack(tmp_path, f"test-deploy-{uuid.uuid4().hex[:10]}")
    try:
        proc, env = start_winnow(s, "winnow")
        for i in range(5):
            client.xadd(f"{s.prefix}:pages", {"url": f"https://example.com/{i}", "text": f"Line {i}.\nAnother line."})
        t0 = time.monotonic()
        rc = stop(proc, signal.SIGTERM, timeout=float(env["WINNOW_GRACE_SECONDS"]) + 10)
        elapsed = time.monotonic() - t0
        assert rc == 0, s.log_tail("winnow")
        assert elapsed < float(env["WINNOW_GRACE_SECONDS"]) + 5
        # after a clean stop, readiness and liveness are gone with the process
        hc = run_healthcheck(env)
        assert hc.returncode != 0
    finally:
        for _name, p in s.procs:
            stop(p, signal.SIGKILL)
        cleanup_keys(client, s.prefix)
