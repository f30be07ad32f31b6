# Byte-level helpers shared by the compiled scans: strict UTF-8 decoding of one character, bytes counted a word at a time.
from libc.stdint cimport uint32_t, uint64_t


cdef inline int utf8_char(const unsigned char *d, size_t i, size_t length, uint32_t *cp) noexcept nogil:
    """Bytes in the UTF-8 character at d[i], its code point in *cp; 0 where Python's strict decoder
    refuses it (a bad or missing continuation byte, an overlong form, a surrogate, above U+10FFFF)."""
    cdef unsigned char b = d[i], b1, b2, b3
    if b < 0x80:
        cp[0] = b
        return 1
    if 0xC2 <= b <= 0xDF:
        if i + 1 >= length or (d[i + 1] & 0xC0) != 0x80:
            return 0
        cp[0] = ((b & 0x1F) << 6) | (d[i + 1] & 0x3F)
        return 2
    if 0xE0 <= b <= 0xEF:
        if i + 2 >= length:
            return 0
        b1 = d[i + 1]
        b2 = d[i + 2]
        if (b1 & 0xC0) != 0x80 or (b2 & 0xC0) != 0x80 or (b == 0xE0 and b1 < 0xA0) or (b == 0xED and b1 > 0x9F):
            return 0
        cp[0] = ((b & 0x0F) << 12) | ((b1 & 0x3F) << 6) | (b2 & 0x3F)
        return 3
    if 0xF0 <= b <= 0xF4:
        if i + 3 >= length:
            return 0
        b1 = d[i + 1]
        b2 = d[i + 2]
        b3 = d[i + 3]
        if ((b1 & 0xC0) != 0x80 or (b2 & 0xC0) != 0x80 or (b3 & 0xC0) != 0x80
                or (b == 0xF0 and b1 < 0x90) or (b == 0xF4 and b1 > 0x8F)):
            return 0
        cp[0] = ((b & 0x07) << 18) | ((b1 & 0x3F) << 12) | ((b2 & 0x3F) << 6) | (b3 & 0x3F)
        return 4
    return 0


cdef inline Py_ssize_t count_in_word(uint64_t word, unsigned char value) noexcept nogil:
    """How many of the eight bytes of `word` equal `value` (no branch, no carry between bytes)."""
    cdef uint64_t x = word ^ (0x0101010101010101ULL * value)  # a zero byte where the byte equals `value`
    cdef uint64_t t = ~(((x & 0x7F7F7F7F7F7F7F7FULL) + 0x7F7F7F7F7F7F7F7FULL) | x | 0x7F7F7F7F7F7F7F7FULL)
    return <Py_ssize_t> (((t >> 7) * 0x0101010101010101ULL) >> 56)  # one bit per zero byte, summed
