"""`winnow tail`: follow the articles stream (or another output stream) as JSON lines."""

from __future__ import annotations

import json
import sys


def register(subparsers) -> None:
    p = subparsers.add_parser("tail", help="follow the articles stream, one JSON line per article")
    p.add_argument("--stream", choices=("articles", "offtopic", "dead"), default="articles", help="which output stream")
    p.add_argument("--from-start", action="store_true", help="print existing entries first (default: only new ones)")
    p.add_argument("--count", type=int, default=0, help="exit after this many entries")
    p.add_argument("--full", action="store_true", help="print the whole article, not a summary")
    p.add_argument("--timeout", type=float, default=0, help="exit after this many seconds without a new entry")
    p.set_defaults(func=_run)


def summarize(entry_id: str, fields: dict[str, str], full: bool = False) -> dict:
    """One output entry as a JSON-able dict."""
    try:
        article = json.loads(fields.get("article") or "null")
    except ValueError:
        article = None
    out = {"id": entry_id, "source_id": fields.get("source_id"), "label": fields.get("label"), "score": fields.get("score"), "url": fields.get("url")}
    if "reason" in fields:
        out["reason"] = fields["reason"]
        out["error"] = fields.get("error")
    if full:
        out["article"] = article
    elif isinstance(article, dict):
        out["title"] = article.get("title")
        text = article.get("text") or ""
        out["chars"] = len(text)
        out["text"] = text[:160]
    return out


def _run(args) -> int:
    import redis

    from service.runtime.config import Config
    from service.runtime.embedded import client_url
    from service.runtime.messages import decode_fields

    cfg = Config.from_env()
    stream = {"articles": cfg.articles_stream, "offtopic": cfg.offtopic_stream, "dead": cfg.dead_stream}[args.stream]
    r = redis.Redis.from_url(client_url(cfg), socket_timeout=None)
    last = "0-0" if args.from_start else "$"
    seen = 0
    block = int(args.timeout * 1000) if args.timeout else 0
    try:
        while True:
            resp = r.xread({stream: last}, count=100, block=block)
            if not resp:
                return 0  # timeout without new entries
            for entry_id, fields in resp[0][1]:
                last = entry_id
                print(json.dumps(summarize(entry_id.decode(), decode_fields(fields), args.full), ensure_ascii=False), flush=True)
                seen += 1
                if args.count and seen >= args.count:
                    return 0
    except KeyboardInterrupt:
        return 0
    except BrokenPipeError:
        sys.stderr.close()
        return 0
