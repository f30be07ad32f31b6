"""Stream message formats: input entry -> page to process, result -> output fields.

Pure functions over the field dicts redis-py returns (bytes keys and values),
so the wire format is defined and tested in one place without a Redis.

Input entry (stream WINNOW_INPUT_STREAM), either flat fields
    url, html | text, [kind], [id], [fetched_at], [site], [lang]
or one field `page` holding a JSON object with the same keys.

Output entry (articles, offtopic and dead streams):
    article (Article JSON, "null" for dead letters), url, source_id (input
    entry ID), label ("relevant", "off_topic" or "dead"), score, and the
    optional id/site/fetched_at/lang passed through. Dead letters add reason,
    error, deliveries and every original field as `orig:<name>` (raw bytes),
    which is what `winnow dead replay` puts back on the input stream.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

PASSTHROUGH = ("id", "fetched_at", "site", "lang")
ENTRY_KINDS = {"html": "html", "text": "text", "auto": None}
ORIG_PREFIX = "orig:"


class InvalidEntry(ValueError):
    """An input entry that cannot be processed; `reason` names the dead-letter reason."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass(frozen=True, slots=True)
class Entry:
    """One input entry, ready for the pipeline."""

    entry_id: str
    page: bytes | str
    url: str | None
    kind: str | None
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.page)


def _s(v) -> str:
    return v.decode("utf-8", "replace") if isinstance(v, (bytes, bytearray)) else str(v)


def _k(fields: dict) -> dict[str, object]:
    return {_s(k): v for k, v in fields.items()}


def entry_time_ms(entry_id: str) -> int:
    """Milliseconds since the epoch at which Redis added the entry (from its ID)."""
    return int(entry_id.split("-", 1)[0])


def parse_entry(entry_id: str, fields: dict, *, max_page_bytes: int) -> Entry:
    """Turn raw stream fields into an Entry, or raise InvalidEntry.

    Raises with reason "invalid_entry" (no page, bad JSON, unknown kind, wrong
    types) or "too_large" (page over max_page_bytes).
    """
    f = _k(fields)
    if "page" in f:
        raw = f["page"]
        try:
            obj = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as e:
            raise InvalidEntry("invalid_entry", f"field 'page' is not valid JSON: {e}") from None
        if not isinstance(obj, dict):
            raise InvalidEntry("invalid_entry", f"field 'page' must be a JSON object, not {type(obj).__name__}")
        for key, val in obj.items():
            if val is not None and not isinstance(val, str):
                raise InvalidEntry("invalid_entry", f"page.{key} must be a string, not {type(val).__name__}")
        f = {k: v for k, v in obj.items() if v is not None}
    html, text = f.get("html"), f.get("text")
    if html is not None and text is not None:
        raise InvalidEntry("invalid_entry", "entry has both 'html' and 'text'; send one")
    if html is None and text is None:
        raise InvalidEntry("invalid_entry", "entry has neither 'html' nor 'text'")
    page = html if html is not None else text
    kind = "html" if html is not None else "text"
    if "kind" in f:
        k = _s(f["kind"]).strip().lower()
        if k not in ENTRY_KINDS:
            raise InvalidEntry("invalid_entry", f"unknown kind {k!r}; use one of {sorted(ENTRY_KINDS)}")
        kind = ENTRY_KINDS[k]
    if isinstance(page, bytearray):
        page = bytes(page)
    size = len(page) if isinstance(page, bytes) else len(page.encode("utf-8"))
    if size > max_page_bytes:
        raise InvalidEntry("too_large", f"page is {size} bytes, limit {max_page_bytes}")
    url = _s(f["url"]) if f.get("url") not in (None, b"", "") else None
    meta = {k: _s(f[k]) for k in PASSTHROUGH if f.get(k) not in (None, b"", "")}
    return Entry(entry_id, page, url, kind, meta)


def output_fields(entry_id: str, *, article_json: bytes | str, label: str, score: float, url: str | None, meta: dict) -> dict:
    """Fields of an articles/offtopic entry."""
    out = {"article": article_json, "url": url or "", "source_id": entry_id, "label": label, "score": f"{score:.6g}"}
    for k in PASSTHROUGH:
        if k in meta:
            out[k] = meta[k]
    return out


def dead_fields(entry_id: str, original: dict, *, reason: str, error: str, deliveries: int) -> dict[str, object]:
    """Fields of a dead-letter entry: enough to see why, and to replay the original."""
    f = _k(original)
    url = f.get("url")
    if url is None and "page" in f:
        try:
            url = json.loads(f["page"]).get("url")
        except Exception:  # a bad 'page' is exactly what may land here
            url = None
    out: dict[str, object] = {
        "article": "null",
        "url": _s(url) if url is not None else "",
        "source_id": entry_id,
        "label": "dead",
        "score": "0",
        "reason": reason,
        "error": error[:2000],
        "deliveries": str(deliveries),
    }
    for k, v in f.items():
        out[ORIG_PREFIX + k] = v
    return out


def original_from_dead(fields: dict) -> dict[str, object]:
    """The original input fields stored in a dead letter (for replay)."""
    return {k[len(ORIG_PREFIX):]: v for k, v in _k(fields).items() if k.startswith(ORIG_PREFIX)}


def decode_fields(fields: dict) -> dict[str, str]:
    """Bytes fields to str, for display."""
    return {_s(k): _s(v) for k, v in fields.items()}
