# cython: language_level=3
"""Compiled byte scans over a page's raw bytes, before any parsing.

Mirrors two loops of the Python code, which stays the reference:
- `utf8_length`: what `service.decode.utf8_chars` computes after its checks,
  `len(data.decode("utf-8"))` or -1 where strict UTF-8 decoding fails. Python
  validates 8 KB slices and decodes the non-ASCII ones into strings it then
  throws away; here the bytes are only read, eight at a time while they are
  ASCII.
- `count_byte`: `data.count(bytes([value]))`, as `service.html.guard.count_lt`
  needs it for "<", eight bytes per step (guard.py's delete-and-measure trick
  copies the page).
"""

from libc.stdint cimport uint8_t, uint64_t
from libc.string cimport memcpy

cdef uint64_t _HIGH = 0x8080808080808080
cdef uint64_t _LOW7 = 0x7F7F7F7F7F7F7F7F
cdef uint64_t _ONES = 0x0101010101010101


cdef inline uint64_t _word(const uint8_t *p) noexcept nogil:
    cdef uint64_t w
    memcpy(&w, p, 8)
    return w


cdef inline bint _cont(uint8_t c) noexcept nogil:
    return 0x80 <= c <= 0xBF


def utf8_length(const uint8_t[::1] data) -> int:
    """Characters in `data` as strict UTF-8 (Python's decoder: no surrogates, no overlong forms), or -1."""
    if data.shape[0] == 0:
        return 0
    return _utf8_length(&data[0], data.shape[0])


cdef Py_ssize_t _utf8_length(const uint8_t *p, Py_ssize_t n) noexcept nogil:
    cdef Py_ssize_t i = 0, chars = 0
    cdef uint8_t c, c1
    while i < n:
        if i + 8 <= n and (_word(p + i) & _HIGH) == 0:
            chars += 8
            i += 8
            continue
        c = p[i]
        if c < 0x80:
            i += 1
        elif 0xC2 <= c <= 0xDF:
            if i + 1 >= n or not _cont(p[i + 1]):
                return -1
            i += 2
        elif 0xE0 <= c <= 0xEF:
            if i + 2 >= n:
                return -1
            c1 = p[i + 1]
            if c == 0xE0:
                if not (0xA0 <= c1 <= 0xBF):
                    return -1
            elif c == 0xED:
                if not (0x80 <= c1 <= 0x9F):
                    return -1
            elif not _cont(c1):
                return -1
            if not _cont(p[i + 2]):
                return -1
            i += 3
        elif 0xF0 <= c <= 0xF4:
            if i + 3 >= n:
                return -1
            c1 = p[i + 1]
            if c == 0xF0:
                if not (0x90 <= c1 <= 0xBF):
                    return -1
            elif c == 0xF4:
                if not (0x80 <= c1 <= 0x8F):
                    return -1
            elif not _cont(c1):
                return -1
            if not (_cont(p[i + 2]) and _cont(p[i + 3])):
                return -1
            i += 4
        else:
            return -1
        chars += 1
    return chars


def count_byte(const uint8_t[::1] data, uint8_t value) -> int:
    """How many bytes of `data` equal `value`."""
    cdef const uint8_t *p = &data[0] if data.shape[0] else NULL
    cdef Py_ssize_t n = data.shape[0], i = 0, count = 0
    cdef uint64_t spread = _ONES * value, x, t
    with nogil:
        while i + 8 <= n:
            x = _word(p + i) ^ spread  # a zero byte where the byte equals `value`
            t = ~(((x & _LOW7) + _LOW7) | x | _LOW7)  # the high bit of each zero byte, nothing else
            count += <Py_ssize_t> ((((t >> 7) * _ONES) >> 56) & 0xFF)
            i += 8
        while i < n:
            count += p[i] == value
            i += 1
    return count
