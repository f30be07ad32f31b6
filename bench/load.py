"""Load benchmark of the streaming runtime: real Redis, real `winnow run`, real pipeline.

Pushes N pages (the ScrapingHub set, cycled) through a Redis stream and the
running service, and prints, all measured in this one run:

* pure pipeline time per page: `service.pipeline.process` (and `service.clean`
  alone) called in this process on the same page sequence, before and after
  the service phases (the machine is shared; both are shown);
* saturation: the backlog of N pages is in the stream before `winnow run`
  starts, with 1 and with 2 pool processes; throughput counts from the first to
  the last publication;
* a fixed arrival rate (a fraction of the 2-process saturation throughput),
  pages pushed on a schedule, end-to-end latency p50/p99;
* runtime overhead at saturation: (wall time per page with 1 pool process -
  pure pipeline time per page) / pure pipeline time per page. With one pool
  process the pipeline runs on one core, so whatever else the service does per
  page (moving the page to the process, JSON, Redis, acking) shows up here;
* scaling: throughput with 2 pool processes / throughput with 1.

End-to-end latency is the output entry's ID time minus the input entry's ID
time: both come from the Redis server clock, so no clock skew. Under a
saturation backlog it is mostly queueing, by construction.

    .venv/bin/python bench/load.py                 # N=600, Redis at REDIS_URL or 127.0.0.1:6379
    .venv/bin/python bench/load.py -n 1000 --rate-fraction 0.5
"""

from __future__ import annotations

import argparse
import glob
import gzip
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
import uuid

import redis

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(ROOT), "shared")
sys.path.insert(0, ROOT)


def load_pages(d: str) -> list[tuple[str, bytes]]:
    gt_path = os.path.join(os.path.dirname(d), "ground-truth.json")
    urls = {}
    if os.path.exists(gt_path):
        with open(gt_path, encoding="utf-8") as f:
            urls = {k: v.get("url") for k, v in json.load(f).items()}
    out = []
    for path in sorted(glob.glob(os.path.join(d, "*.html.gz"))):
        pid = os.path.basename(path).split(".", 1)[0]
        with gzip.open(path, "rb") as f:
            out.append((urls.get(pid) or f"https://bench.invalid/{pid}", f.read()))
    return out


def pure_times(pages, profiles) -> tuple[list[float], list[float]]:
    """Per-page seconds of service.pipeline.process and of service.clean, in this process."""
    from service.clean import clean
    from service.errors import UnprocessablePage
    from service.pipeline import process

    for url, page in pages[:10]:  # warm imports and caches
        try:
            process(page, url=url, profiles=profiles)
        except UnprocessablePage:
            pass
    proc, cl = [], []
    cpu0 = time.process_time()
    for url, page in pages:
        t0 = time.perf_counter()
        try:
            process(page, url=url, profiles=profiles)
        except UnprocessablePage:
            pass
        t1 = time.perf_counter()
        try:
            clean(page, url=url)
        except UnprocessablePage:
            pass
        t2 = time.perf_counter()
        proc.append(t1 - t0)
        cl.append(t2 - t1)
    pure_times.cpu_per_page = (time.process_time() - cpu0) / len(pages)  # process + clean, see below
    return proc, cl


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Names:
    def __init__(self):
        tag = uuid.uuid4().hex[:8]
        self.input, self.articles, self.offtopic, self.dead = (f"bench:{tag}:{x}" for x in ("pages", "articles", "offtopic", "dead"))
        self.group = f"bench-{tag}"

    def outputs(self):
        return (self.articles, self.offtopic, self.dead)

    def env(self) -> dict[str, str]:
        return {
            "WINNOW_INPUT_STREAM": self.input,
            "WINNOW_ARTICLES_STREAM": self.articles,
            "WINNOW_OFFTOPIC_STREAM": self.offtopic,
            "WINNOW_DEAD_STREAM": self.dead,
            "WINNOW_GROUP": self.group,
        }


class Service:
    def __init__(self, redis_url: str, names: Names, pool: int, extra: dict | None = None):
        self.port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("WINNOW_")}
        env.update(names.env())
        env.update(
            REDIS_URL=redis_url,
            WINNOW_POOL_SIZE=str(pool),
            WINNOW_HTTP_PORT=str(self.port),
            WINNOW_HTTP_HOST="127.0.0.1",
            WINNOW_MAXLEN="0",
            WINNOW_LOG_LEVEL="WARNING",
            PYTHONPATH=ROOT,
        )
        env.update(extra or {})
        self.proc = subprocess.Popen([sys.executable, "-m", "service.cli", "run"], env=env, cwd=ROOT,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/readyz", timeout=1) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            if self.proc.poll() is not None:
                raise RuntimeError("winnow run exited: " + self.proc.stderr.read().decode()[-2000:])
            time.sleep(0.05)
        raise RuntimeError("winnow run not ready in 60 s")

    def consumers_cpu(self) -> float:
        """CPU seconds (user + system, all threads) of the consumer processes, from /proc."""
        tick = os.sysconf("SC_CLK_TCK")
        total = 0.0
        try:
            with open(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children") as f:
                kids = [int(x) for x in f.read().split()]
        except OSError:
            return float("nan")
        for k in kids:
            try:
                with open(f"/proc/{k}/stat") as f:
                    st = f.read().rsplit(")", 1)[1].split()
                total += (int(st[11]) + int(st[12])) / tick
            except OSError:
                pass
        return total

    def cpu_seconds(self) -> float:
        """CPU seconds of the service's main (asyncio) process, from its /metrics."""
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/metrics", timeout=5) as r:
            for line in r.read().decode().splitlines():
                if line.startswith("process_cpu_seconds_total"):
                    return float(line.split()[-1])
        return float("nan")

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def wait_outputs(r, names: Names, n: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if sum(r.xlen(s) for s in names.outputs()) >= n:
            return
        time.sleep(0.05)
    raise RuntimeError(f"only {sum(r.xlen(s) for s in names.outputs())} of {n} outputs after {timeout} s")


def collect(r, names: Names) -> tuple[list[int], list[float], dict[str, int]]:
    """Output ID times (ms), end-to-end latencies (s), and counts per stream."""
    out_ms, lat, counts = [], [], {}
    for s in names.outputs():
        rows = r.xrange(s)
        counts[s.rsplit(":", 1)[1]] = len(rows)
        for oid, f in rows:
            o = int(oid.split(b"-")[0])
            i = int(f[b"source_id"].split(b"-")[0])
            out_ms.append(o)
            lat.append((o - i) / 1000)
    return out_ms, lat, counts


def cleanup(r, names: Names) -> None:
    r.delete(names.input, *names.outputs())


def push_all(r, names: Names, seq) -> None:
    pipe = r.pipeline(transaction=False)
    for k, (url, page) in enumerate(seq):
        pipe.xadd(names.input, {"url": url, "html": page})
        if k % 50 == 49:
            pipe.execute()
    pipe.execute()


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def saturation(r, redis_url: str, seq, pool: int) -> dict:
    names = Names()
    r.xgroup_create(names.input, names.group, id="0", mkstream=True)
    push_all(r, names, seq)
    svc = Service(redis_url, names, pool)
    try:
        cpu0, ccpu0 = svc.cpu_seconds(), svc.consumers_cpu()
        done0 = sum(r.xlen(s) for s in names.outputs())
        wait_outputs(r, names, len(seq), timeout=60 + len(seq) * 0.1)
        cpu, ccpu = svc.cpu_seconds() - cpu0, svc.consumers_cpu() - ccpu0
    finally:
        svc.stop()
    out_ms, lat, counts = collect(r, names)
    cleanup(r, names)
    span = (max(out_ms) - min(out_ms)) / 1000
    return {"pool": pool, "n": len(seq), "throughput": (len(seq) - 1) / span, "p50": pct(lat, 0.5), "p99": pct(lat, 0.99),
            "counts": counts, "parent_cpu_ms": cpu / len(seq) * 1000,
            "consumer_cpu_ms": ccpu / max(1, len(seq) - done0) * 1000}


def fixed_rate(r, redis_url: str, seq, pool: int, rate: float) -> dict:
    names = Names()
    svc = Service(redis_url, names, pool)
    try:
        t0 = time.monotonic()
        for k, (url, page) in enumerate(seq):
            delay = t0 + k / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            r.xadd(names.input, {"url": url, "html": page})
        pushed = time.monotonic() - t0
        wait_outputs(r, names, len(seq), timeout=60 + len(seq) * 0.1)
    finally:
        svc.stop()
    out_ms, lat, counts = collect(r, names)
    cleanup(r, names)
    return {"pool": pool, "n": len(seq), "rate": rate, "achieved_rate": len(seq) / pushed, "p50": pct(lat, 0.5), "p99": pct(lat, 0.99), "counts": counts}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=600, help="pages per saturation run (default 600)")
    ap.add_argument("--rate-pages", type=int, default=300, help="pages in the fixed-rate run (default 300)")
    ap.add_argument("--rate-fraction", type=float, default=0.3,
                    help="fixed arrival rate as a fraction of 2-process saturation (default 0.3: the producer shares the machine)")
    ap.add_argument("--pages", default=os.path.join(SHARED, "datasets", "scrapinghub", "html"))
    ap.add_argument("--redis-url", default=os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0")
    ap.add_argument("--repeat", type=int, default=1, help="saturation runs per pool size (median reported)")
    args = ap.parse_args(argv)

    from service.runtime.pool import load_profiles

    pages = load_pages(args.pages)
    seq = [pages[k % len(pages)] for k in range(args.n)]
    rate_seq = [pages[k % len(pages)] for k in range(args.rate_pages)]
    r = redis.Redis.from_url(args.redis_url)
    r.ping()
    profiles = load_profiles(None)
    load0 = os.getloadavg()[0]

    # Pure passes between the service runs: each run is compared with the passes
    # right before and after it, so a neighbour's load on the machine hits both.
    def pure_pass():
        proc, cl = pure_times(pages, profiles)
        cpu = pure_times.cpu_per_page * sum(proc) / (sum(proc) + sum(cl))  # the process() share
        return {"proc": proc, "clean": cl, "mean": seq_mean(proc), "clean_mean": seq_mean(cl), "cpu": cpu}

    # Mean pure time per page of the cycled sequence = mean over the unique pages
    # weighted by how often each occurs; with N a multiple of the set it is the plain mean.
    def seq_mean(ts):
        return sum(ts[k % len(pages)] for k in range(args.n)) / args.n

    passes = [pure_pass()]
    runs = []  # (pool, result, pure mean around it, pure cpu around it)
    for _ in range(args.repeat):
        for pool in (1, 2):
            res = saturation(r, args.redis_url, seq, pool)
            passes.append(pure_pass())
            around = (passes[-2]["mean"] + passes[-1]["mean"]) / 2
            around_cpu = (passes[-2]["cpu"] + passes[-1]["cpu"]) / 2
            runs.append((pool, res, around, around_cpu))
    sat = {p: [x for x in runs if x[0] == p] for p in (1, 2)}
    rate = round(statistics.median(x[1]["throughput"] for x in sat[2]) * args.rate_fraction, 1)
    fr = fixed_rate(r, args.redis_url, rate_seq, 2, rate)
    load1 = os.getloadavg()[0]

    def overhead(pool, res, around):
        return (pool / res["throughput"] - around) / around * 100

    ov1 = statistics.median(overhead(1, res, around) for _p, res, around, _c in sat[1])
    ov2 = statistics.median(overhead(2, res, around) for _p, res, around, _c in sat[2])
    cov1 = statistics.median((res["consumer_cpu_ms"] / 1000 - c) / c * 100 for _p, res, _a, c in sat[1])
    cov2 = statistics.median((res["consumer_cpu_ms"] / 2000 * 2 - c) / c * 100 for _p, res, _a, c in sat[2])
    t1 = statistics.median(x[1]["throughput"] for x in sat[1])
    t2 = statistics.median(x[1]["throughput"] for x in sat[2])
    scale = t2 / t1
    pure = statistics.median(p["mean"] for p in passes)
    pure_clean = statistics.median(p["clean_mean"] for p in passes)

    print(f"winnow load benchmark: {len(pages)} ScrapingHub pages cycled; Redis {r.info('server')['redis_version']}; "
          f"{os.cpu_count()} cores; load average {load0:.2f} at start, {load1:.2f} at end")
    print()
    print(f"{'phase':<40} {'pool':>4} {'pages':>6} {'pages/s':>8} {'ms/page':>8} {'p50 ms':>8} {'p99 ms':>8}")
    for k, p in enumerate(passes):
        for name, ts in ((f"pure pipeline.process, pass {k + 1}", p["proc"]), (f"pure service.clean, pass {k + 1}", p["clean"])):
            m = seq_mean(ts)
            print(f"{name:<40} {'-':>4} {args.n:>6} {1 / m:>8.1f} {m * 1000:>8.2f} {statistics.median(ts) * 1000:>8.2f} {pct(ts, 0.99) * 1000:>8.2f}")
    for pool, res, around, _c in runs:
        print(f"{'saturation (backlog): e2e latency':<40} {pool:>4} {res['n']:>6} {res['throughput']:>8.1f} "
              f"{pool / res['throughput'] * 1000:>8.2f} {res['p50'] * 1000:>8.0f} {res['p99'] * 1000:>8.0f}"
              f"   overhead {overhead(pool, res, around):+.1f}% vs pure {around * 1000:.2f} ms around it")
    print(f"{f'fixed rate {rate}/s: e2e latency':<40} {2:>4} {fr['n']:>6} {fr['achieved_rate']:>8.1f} {'-':>8} "
          f"{fr['p50'] * 1000:>8.0f} {fr['p99'] * 1000:>8.0f}")
    print()
    print("pure rows: ms/page = mean, p50/p99 of per-page time. saturation rows: ms/page = pool processes / throughput,")
    print("p50/p99 = end-to-end latency of a backlog drained at full speed (queueing, by construction).")
    print(f"outputs per stream (last 1-process run): {sat[1][-1][1]['counts']}")
    print(f"supervisor process CPU per page: {statistics.median(x[1]['parent_cpu_ms'] for x in sat[1]):.2f} ms (1 process), "
          f"{statistics.median(x[1]['parent_cpu_ms'] for x in sat[2]):.2f} ms (2)")
    print(f"runtime overhead at saturation, 1 pool process (median of runs): {ov1:+.1f}% of pure pipeline time per page"
          f"   target <= 15%: {'MET' if ov1 <= 15 else 'NOT MET'}")
    print(f"runtime overhead at saturation, 2 pool processes (per process, median): {ov2:+.1f}%")
    print(f"consumer CPU per page vs pure pipeline CPU per page (median): {cov1:+.1f}% (1 process), {cov2:+.1f}% (2)")
    print(f"scaling: 2 pool processes / 1 = {t2:.1f} / {t1:.1f} pages/s = {scale:.2f}x   target >= 1.8x: "
          f"{'MET' if scale >= 1.8 else 'NOT MET'}")
    print(f"pure per page (median of passes): pipeline.process {pure * 1000:.2f} ms, service.clean {pure_clean * 1000:.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
