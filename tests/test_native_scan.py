"""service/native/scan.pyx against the Python it stands in for: strict UTF-8 length and byte counts."""

from __future__ import annotations

import glob
import gzip
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SHARED
from service import decode, native
from service.html import guard

scan = native.load("scan")
if scan is None and os.environ.get("WINNOW_NATIVE") != "1":
    pytest.skip(f"compiled code {native.STATUS}", allow_module_level=True)

PAGES = sorted(glob.glob(os.path.join(SHARED, "datasets", "scrapinghub", "html", "*.html.gz")))


def _length(data: bytes) -> int:
    try:
        return len(data.decode("utf-8"))
    except UnicodeDecodeError:
        return -1


def _python_utf8_chars(data: bytes):
    saved = decode._native
    decode._native = None
    try:
        return decode.utf8_chars(data)
    finally:
        decode._native = saved


def test_every_code_point_and_every_invalid_form():
    for cp in range(0x110000):
        encoded = chr(cp).encode("utf-8", "surrogatepass")  # surrogates encoded: invalid for the strict decoder
        for data in (encoded, b"a" * 7 + encoded, b"a" * 9 + encoded + b"b", encoded[:-1] if len(encoded) > 1 else b""):
            assert scan.utf8_length(data) == _length(data), data
    for lead in range(0x80, 0x100):  # lone leads, leads before every second byte, overlong and out-of-range forms
        for second in range(0x100):
            data = bytes([lead, second, 0x80, 0x80])
            assert scan.utf8_length(data) == _length(data), data


@settings(max_examples=3000, deadline=None)
@given(st.binary(max_size=64), st.integers(0, 255))
def test_random_bytes(data, value):
    assert scan.utf8_length(data) == _length(data)
    assert scan.count_byte(data, value) == data.count(bytes([value]))


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=200))
def test_random_text(text):
    data = text.encode("utf-8", "surrogatepass")
    assert scan.utf8_length(data) == _length(data)


@pytest.mark.skipif(not PAGES, reason="shared scrapinghub set not present")
def test_benchmark_pages_through_the_callers():
    for path in PAGES:
        with gzip.open(path, "rb") as f:
            raw = f.read()
        assert decode.utf8_chars(raw) == _python_utf8_chars(raw)
        assert guard.count_lt(raw) == raw.count(b"<")
        broken = raw[: len(raw) // 2] + b"\xff" + raw[len(raw) // 2 :]
        assert decode.utf8_chars(broken) is None and _python_utf8_chars(broken) is None
