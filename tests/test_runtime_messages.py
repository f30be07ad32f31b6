"""Input entries -> Entry or InvalidEntry; output and dead-letter fields."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.runtime.messages import (
    InvalidEntry, dead_fields, entry_time_ms, original_from_dead, output_fields, parse_entry,
)

LIMIT = 1000


def test_flat_fields_html_keeps_bytes_for_the_decoder():
    e = parse_entry("1-0", {b"url": b"https://x/a", b"html": b"<p>\xc7\xd1</p>", b"site": b"x", b"lang": b"ko"}, max_page_bytes=LIMIT)
    assert e.page == b"<p>\xc7\xd1</p>" and e.kind == "html" and e.url == "https://x/a"
    assert e.meta == {"site": "x", "lang": "ko"}


def test_flat_text_and_explicit_kind():
    assert parse_entry("1-0", {b"text": b"hello"}, max_page_bytes=LIMIT).kind == "text"
    assert parse_entry("1-0", {b"html": b"hello", b"kind": b"auto"}, max_page_bytes=LIMIT).kind is None


def test_json_page_field():
    page = {"url": "https://x/b", "text": "body", "id": "42", "fetched_at": "2025-01-01T00:00:00Z"}
    e = parse_entry("1-0", {b"page": json.dumps(page).encode()}, max_page_bytes=LIMIT)
    assert (e.page, e.kind, e.url, e.meta["id"], e.meta["fetched_at"]) == ("body", "text", "https://x/b", "42", "2025-01-01T00:00:00Z")


@pytest.mark.parametrize(
    "fields,reason",
    [
        ({b"url": b"u"}, "invalid_entry"),
        ({b"html": b"a", b"text": b"b"}, "invalid_entry"),
        ({b"page": b"{bad"}, "invalid_entry"),
        ({b"page": b"[1, 2]"}, "invalid_entry"),
        ({b"page": b'{"text": 5}'}, "invalid_entry"),
        ({b"text": b"x", b"kind": b"pdf"}, "invalid_entry"),
        ({b"html": b"x" * (LIMIT + 1)}, "too_large"),
        ({b"page": json.dumps({"text": "\uac00" * 400}).encode()}, "too_large"),  # 1200 UTF-8 bytes
    ],
)
def test_invalid_entries(fields, reason):
    with pytest.raises(InvalidEntry) as e:
        parse_entry("1-0", fields, max_page_bytes=LIMIT)
    assert e.value.reason == reason


def test_output_fields():
    out = output_fields("5-1", article_json='{"a":1}', label="relevant", score=0.87654321, url=None, meta={"site": "s"})
    assert out == {"article": '{"a":1}', "url": "", "source_id": "5-1", "label": "relevant", "score": "0.876543", "site": "s"}


@given(st.dictionaries(st.text(min_size=1, max_size=8).filter(lambda k: k.isprintable()), st.binary(max_size=50), max_size=6))
def test_dead_letter_keeps_the_original_fields_exactly(original):
    raw = {k.encode(): v for k, v in original.items()}
    dead = dead_fields("9-0", raw, reason="crash", error="boom", deliveries=3)
    assert dead["reason"] == "crash" and dead["deliveries"] == "3" and dead["source_id"] == "9-0" and dead["label"] == "dead"
    stored = {k.encode() if isinstance(k, str) else k: v for k, v in dead.items()}
    assert original_from_dead(stored) == original


def test_dead_letter_url_from_json_page():
    dead = dead_fields("9-0", {b"page": json.dumps({"url": "https://x/c"}).encode()}, reason="invalid_entry", error="e", deliveries=1)
    assert dead["url"] == "https://x/c"


def test_entry_time():
    assert entry_time_ms("1700000000123-4") == 1700000000123
