"""`winnow enqueue PATH...`: a scraper stand-in that pushes page files onto the input stream."""

from __future__ import annotations

import gzip
import json
import os
import sys
import time

SUFFIXES = (".html.gz", ".html", ".htm", ".txt")


def register(subparsers) -> None:
    p = subparsers.add_parser("enqueue", help="push page files (or directories of them) onto the input stream")
    p.add_argument("paths", nargs="+", metavar="PATH", help=f"files or directories ({', '.join(SUFFIXES)})")
    p.add_argument("--loop", action="store_true", help="repeat forever (a demo feed)")
    p.add_argument("--rate", type=float, default=0.0, help="pages per second (default: as fast as possible)")
    p.add_argument("--kind", choices=("html", "text", "auto"), help="page kind (default: .txt -> text, else html)")
    p.add_argument("--count", type=int, default=0, help="stop after this many pages (default: all, once)")
    p.add_argument("--json", action="store_true", help="send one JSON field 'page' instead of flat fields")
    p.add_argument("--stream", help="input stream (default WINNOW_INPUT_STREAM)")
    p.add_argument("--quiet", "-q", action="store_true", help="print only the summary")
    p.set_defaults(func=_run)


def find_pages(paths: list[str]) -> list[str]:
    """Page files under `paths`, sorted, so runs are repeatable."""
    out: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            for root, _dirs, files in os.walk(path):
                out += [os.path.join(root, f) for f in files if f.endswith(SUFFIXES)]
        elif os.path.isfile(path):
            out.append(path)
        else:
            raise SystemExit(f"winnow enqueue: no such file or directory: {path}")
    return sorted(out)


def _ground_truth_urls(path: str, cache: dict) -> dict:
    """ScrapingHub layout: <set>/html/<id>.html.gz next to <set>/ground-truth.json."""
    gt = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(path))), "ground-truth.json")
    if gt not in cache:
        try:
            with open(gt, encoding="utf-8") as f:
                cache[gt] = {k: v.get("url") for k, v in json.load(f).items() if isinstance(v, dict)}
        except (OSError, ValueError):
            cache[gt] = {}
    return cache[gt]


def page_fields(path: str, kind: str | None = None, as_json: bool = False, _cache: dict | None = None) -> dict:
    """The input entry for one file."""
    with open(path, "rb") as f:
        raw = f.read()
    if path.endswith(".gz"):
        raw = gzip.decompress(raw)
    kind = kind or ("text" if path.endswith(".txt") else "html")
    name = os.path.basename(path)
    pid = name.split(".", 1)[0]
    url = _ground_truth_urls(path, {} if _cache is None else _cache).get(pid) or f"file://{os.path.abspath(path)}"
    field = "text" if kind == "text" else "html"
    if as_json:
        page = {"url": url, "id": pid, field: raw.decode("utf-8", "replace")}
        if kind == "auto":
            page["kind"] = "auto"
        return {"page": json.dumps(page, ensure_ascii=False)}
    fields = {"url": url, "id": pid, field: raw}
    if kind == "auto":
        fields["kind"] = "auto"
    return fields


def _run(args) -> int:
    import redis

    from service.runtime.config import Config
    from service.runtime.embedded import client_url

    cfg = Config.from_env()
    stream = args.stream or cfg.input_stream
    files = find_pages(args.paths)
    if not files:
        print("winnow enqueue: no page files found", file=sys.stderr)
        return 1
    r = redis.Redis.from_url(client_url(cfg))
    cache: dict = {}
    pages = [page_fields(p, args.kind, args.json, cache) for p in files] if len(files) <= 2000 else None
    sent = 0
    t0 = time.monotonic()
    interval = 1.0 / args.rate if args.rate > 0 else 0.0
    try:
        while True:
            for i, path in enumerate(files):
                fields = pages[i] if pages is not None else page_fields(path, args.kind, args.json, cache)
                if interval:
                    delay = t0 + sent * interval - time.monotonic()
                    if delay > 0:
                        time.sleep(delay)
                entry_id = r.xadd(stream, fields)
                sent += 1
                if not args.quiet:
                    print(f"{entry_id.decode()} {path}")
                if args.count and sent >= args.count:
                    raise StopIteration
            if not args.loop and not args.count:
                break
    except (StopIteration, KeyboardInterrupt):
        pass
    dt = time.monotonic() - t0
    print(f"enqueued {sent} pages to {stream} in {dt:.2f}s", file=sys.stderr)
    return 0
