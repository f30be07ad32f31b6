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

from libc.stdint cimport uint8_t, uint32_t, uint64_t
from libc.string cimport memcpy

from .utf8 cimport count_in_word, utf8_char

cdef uint64_t _HIGH = 0x8080808080808080


cdef inline uint64_t _word(const uint8_t *p) noexcept nogil:
    cdef uint64_t w
    memcpy(&w, p, 8)
    return w


def utf8_length(const uint8_t[::1] data) -> int:
    """Characters in `data` as strict UTF-8 (Python's decoder: no surrogates, no overlong forms), or -1."""
    if data.shape[0] == 0:
        return 0
    return _utf8_length(&data[0], data.shape[0])


cdef Py_ssize_t _utf8_length(const uint8_t *p, Py_ssize_t n) noexcept nogil:
    cdef Py_ssize_t i = 0, chars = 0
    cdef int k
    cdef uint32_t cp
    while i < n:
        if i + 8 <= n and (_word(p + i) & _HIGH) == 0:
            chars += 8
            i += 8
            continue
        k = utf8_char(p, i, n, &cp)
        if k == 0:
            return -1
        i += k
        chars += 1
    return chars


def count_byte(const uint8_t[::1] data, uint8_t value) -> int:
    """How many bytes of `data` equal `value`."""
    cdef const uint8_t *p = &data[0] if data.shape[0] else NULL
    cdef Py_ssize_t n = data.shape[0], i = 0, count = 0
    with nogil:
        while i + 8 <= n:
            count += count_in_word(_word(p + i), value)
            i += 8
        while i < n:
            count += p[i] == value
            i += 1
    return count
