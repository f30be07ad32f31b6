"""`winnow dead list|replay`: inspect dead letters and put them back on the input stream."""

from __future__ import annotations

import json


def register(subparsers) -> None:
    p = subparsers.add_parser("dead", help="list or replay dead letters")
    sub = p.add_subparsers(dest="dead_command", metavar="ACTION")
    sub.required = True
    ls = sub.add_parser("list", help="list dead letters as JSON lines (oldest first)")
    ls.add_argument("--reason", help="only this reason")
    ls.add_argument("--count", type=int, default=100, help="at most this many (default 100; 0 = all)")
    ls.set_defaults(func=_list)
    rp = sub.add_parser("replay", help="move dead letters back to the input stream (original fields)")
    rp.add_argument("ids", nargs="*", metavar="ID", help="dead-stream entry IDs (default: all, or --reason)")
    rp.add_argument("--reason", help="only dead letters with this reason")
    rp.add_argument("--all", action="store_true", help="replay every dead letter")
    rp.add_argument("--keep", action="store_true", help="keep the dead letters (default: delete once re-queued)")
    rp.set_defaults(func=_replay)


def _client_and_cfg():
    import redis

    from service.runtime.config import Config
    from service.runtime.embedded import client_url

    cfg = Config.from_env()
    return redis.Redis.from_url(client_url(cfg)), cfg


def _entries(r, stream: str, reason: str | None, limit: int):
    last = "-"
    n = 0
    while True:
        batch = r.xrange(stream, min=last, max="+", count=500)
        if last != "-" and batch and batch[0][0].decode() == last:
            batch = batch[1:]
        if not batch:
            return
        for entry_id, fields in batch:
            last = entry_id.decode()
            if reason and fields.get(b"reason", b"").decode() != reason:
                continue
            yield last, fields
            n += 1
            if limit and n >= limit:
                return


def _list(args) -> int:
    from service.runtime.messages import ORIG_PREFIX, decode_fields

    r, cfg = _client_and_cfg()
    for entry_id, fields in _entries(r, cfg.dead_stream, args.reason, args.count):
        f = decode_fields(fields)
        out = {k: f.get(k) for k in ("source_id", "reason", "error", "deliveries", "url")}
        out["id"] = entry_id
        out["original_fields"] = sorted(k[len(ORIG_PREFIX):] for k in f if k.startswith(ORIG_PREFIX))
        print(json.dumps(out, ensure_ascii=False))
    return 0


def replay(r, cfg, ids: list[str], keep: bool = False) -> list[tuple[str, str]]:
    """Re-queue dead letters `ids`; returns (dead id, new input id) pairs. Each move is one MULTI/EXEC."""
    from service.runtime.messages import original_from_dead

    moved = []
    for entry_id in ids:
        rows = r.xrange(cfg.dead_stream, min=entry_id, max=entry_id)
        if not rows:
            continue
        original = original_from_dead(rows[0][1])
        if not original:
            continue
        pipe = r.pipeline(transaction=True)
        pipe.xadd(cfg.input_stream, original)
        if not keep:
            pipe.xdel(cfg.dead_stream, entry_id)
        new_id = pipe.execute()[0]
        moved.append((entry_id, new_id.decode()))
    return moved


def _replay(args) -> int:
    r, cfg = _client_and_cfg()
    if args.ids:
        ids = list(args.ids)
    elif args.all or args.reason:
        ids = [i for i, _ in _entries(r, cfg.dead_stream, args.reason, 0)]
    else:
        print("winnow dead replay: give IDs, --reason or --all")
        return 2
    moved = replay(r, cfg, ids, keep=args.keep)
    for old, new in moved:
        print(f"{old} -> {cfg.input_stream} {new}")
    print(f"replayed {len(moved)} dead letters")
    return 0
