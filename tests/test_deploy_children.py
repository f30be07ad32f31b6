"""service/runtime/children.py: the pool processes' CPU and memory, which the
dashboard's per-instance panels add to the main process's process_* metrics."""

from __future__ import annotations

import glob
import os
import subprocess
import sys
import time

import pytest
from prometheus_client import generate_latest

from service.runtime import children
from service.runtime.metrics import Metrics

pytestmark = pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="reads Linux /proc")

BURN = """
import sys, time
t = time.process_time()
while time.process_time() - t < 0.6:
    pass
block = bytearray(64 * 2**20)
for i in range(0, len(block), 4096):
    block[i] = 1
sys.stdout.write("ready\\n"); sys.stdout.flush()
sys.stdin.read()
"""


def _start_child():
    child = subprocess.Popen([sys.executable, "-c", BURN], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline() == "ready\n"
    return child


def _stop(child):
    child.stdin.close()
    child.wait(10)


def test_usage_counts_a_busy_child_and_forgets_it_when_it_exits():
    before = children.children_usage()
    child = _start_child()
    try:
        count, cpu, rss = children.children_usage()
        assert child.pid in children.child_pids(os.getpid())
        assert count == before[0] + 1
        assert cpu - before[1] >= 0.5
        assert rss - before[2] >= 64 * 2**20
    finally:
        _stop(child)
    assert child.pid not in children.child_pids(os.getpid())
    assert children.children_usage()[0] == before[0]


def test_finds_children_by_scanning_proc_without_the_children_file(monkeypatch):
    real_glob = glob.glob
    monkeypatch.setattr(children.glob, "glob", lambda p: [] if "/task/" in p else real_glob(p))
    child = _start_child()
    try:
        assert child.pid in children.child_pids(os.getpid())
        assert children.children_usage()[1] >= 0.5
    finally:
        _stop(child)


def test_metrics_registry_exports_the_children_and_process_metrics():
    m = Metrics()
    child = _start_child()
    try:
        lines = dict(
            line.rsplit(" ", 1) for line in generate_latest(m.registry).decode().splitlines() if line and not line.startswith("#")
        )
    finally:
        _stop(child)
    assert float(lines["winnow_child_processes"]) >= 1
    assert float(lines["winnow_child_processes_cpu_seconds_total"]) >= 0.5
    assert float(lines["winnow_child_processes_resident_memory_bytes"]) >= 64 * 2**20
    assert float(lines["process_resident_memory_bytes"]) > 0
    assert "process_cpu_seconds_total" in lines
