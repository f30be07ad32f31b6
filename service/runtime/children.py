"""CPU time and memory of an instance's child processes, read at scrape time.

prometheus_client's process_* metrics describe only the process that serves
/metrics. winnow runs the pipeline in a pool of child processes, so almost all
of an instance's CPU is spent there: without these the per-instance CPU and
memory panels would show the idle parent. The children are the pool workers
(and, with REDIS_URL unset, the embedded redis-server). Linux /proc only;
elsewhere the collector exports zeros.

A child that dies takes its CPU time with it, so the CPU sum can drop;
Prometheus's rate() treats that as a counter reset, a small undercount.
"""

from __future__ import annotations

import glob
import os

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

_CLK_TCK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def child_pids(pid: int) -> list[int]:
    """Direct children of `pid`: from /proc/<pid>/task/*/children, or by
    scanning /proc for a matching parent when the kernel lacks that file."""
    files = glob.glob(f"/proc/{pid}/task/*/children")
    if files:
        out: list[int] = []
        for path in files:
            try:
                with open(path) as f:
                    out += [int(p) for p in f.read().split()]
            except OSError:
                continue
        return sorted(set(out))
    out = []
    for entry in glob.glob("/proc/[0-9]*/stat"):
        usage = _parse_stat(entry)
        if usage and usage[0] == pid:
            out.append(int(entry.split("/")[2]))
    return sorted(out)


def _parse_stat(path: str) -> tuple[int, float, int] | None:
    """(parent pid, CPU seconds user+system, resident bytes) from a /proc stat file."""
    try:
        with open(path) as f:
            stat = f.read()
    except OSError:
        return None
    # fields after "(comm)": state is field 3, so field n is rest[n - 3]
    rest = stat[stat.rindex(")") + 2 :].split()
    ppid, utime, stime, rss = int(rest[1]), int(rest[11]), int(rest[12]), int(rest[21])
    return ppid, (utime + stime) / _CLK_TCK, rss * _PAGE


def children_usage(pid: int | None = None) -> tuple[int, float, int]:
    """(number of children, their CPU seconds, their resident bytes)."""
    pid = os.getpid() if pid is None else pid
    count, cpu, rss = 0, 0.0, 0
    for child in child_pids(pid):
        usage = _parse_stat(f"/proc/{child}/stat")
        if usage is None:  # exited meanwhile
            continue
        count += 1
        cpu += usage[1]
        rss += usage[2]
    return count, cpu, rss


class ChildProcessCollector:
    """Exports winnow_child_processes{,_cpu_seconds_total,_resident_memory_bytes}
    for the process that collects (the one serving /metrics)."""

    def collect(self):
        count, cpu, rss = children_usage()
        yield GaugeMetricFamily("winnow_child_processes", "Live child processes (pool workers).", value=count)
        yield CounterMetricFamily(
            "winnow_child_processes_cpu_seconds", "User and system CPU seconds of the live child processes.", value=cpu
        )
        yield GaugeMetricFamily(
            "winnow_child_processes_resident_memory_bytes", "Resident memory of the live child processes.", value=rss
        )
