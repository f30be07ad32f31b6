# cython: language_level=3
"""Compiled `fingerprint()` and `features()` of service/fingerprint.py (the Python code is the reference).

The Python version case-folds the whole head, then splits, strips and filters
with C-level str calls, but still builds a str per token and packs the CRCs
through Python ints. Here one pass over the head's code points finds the
tokens, case-folds only the characters of the tokens it reads, strips _PUNCT,
encodes each word to UTF-8 (surrogatepass) in a buffer, tests the stop words
in a C hash table and adds the word's two CRC-32s to the bit counts: no
Python object per word.

Why folding per token gives the same words: Python's casefold (and str.lower on
ASCII, and ’ -> ') maps each character on its own, whitespace to itself and
everything else to non-whitespace (checked for each block of code points as
it is loaded; a block where that fails sends its texts to the Python code).
So the whitespace runs of the folded head are those of the head, and each
folded token is the fold of a token of the head.

Only the space-separated path is here. For a head with Han or kana (the regex
character-pair path), or an argument that is not exactly a str, the functions
return None and the caller runs the Python code.

The constants (_PERMUTE, the skip words, _PUNCT, LEAD_WORDS) are not copied:
service/fingerprint.py hands them over once with `configure()`.
"""

from libc.stdint cimport uint8_t, uint16_t, uint32_t, uint64_t
from libc.string cimport memcmp, memset
from libc.stdio cimport snprintf
from cpython.mem cimport PyMem_Malloc, PyMem_Free


cdef extern from "Python.h":
    int PyUnicode_1BYTE_KIND
    int PyUnicode_2BYTE_KIND
    int PyUnicode_KIND(object o)
    void *PyUnicode_DATA(object o)
    Py_ssize_t PyUnicode_GET_LENGTH(object o)
    bint Py_UNICODE_ISSPACE(uint32_t ch)
    object PyUnicode_DecodeUTF8(const char *s, Py_ssize_t size, const char *errors)
    object PyUnicode_FromStringAndSize(const char *u, Py_ssize_t size)


ctypedef fused char_t:
    uint8_t
    uint16_t
    uint32_t


# (C constants above the int range: Cython would compute with Python ints on a bare literal)
cdef uint32_t _CRC_POLY = 0xEDB88320
cdef uint32_t _ALL_ONES = 0xFFFFFFFF
cdef uint32_t _FNV_BASIS = 2166136261
cdef uint32_t _GOLDEN = 0x9E3779B1

cdef uint32_t _CRC_TABLE[256]           # IEEE CRC-32 (zlib's: reflected polynomial 0xEDB88320), a byte at a time
cdef uint64_t _SPREAD[256]              # byte value -> its 8 bits, one per byte (to count 8 bits with one add)


cdef void _build_tables() noexcept:
    cdef uint32_t c
    cdef int n, k
    for n in range(256):
        c = n
        for k in range(8):
            if c & 1:
                c = _CRC_POLY ^ (c >> 1)
            else:
                c = c >> 1
        _CRC_TABLE[n] = c
        _SPREAD[n] = 0
        for k in range(8):
            if n & (1 << k):
                _SPREAD[n] |= (<uint64_t> 1) << (8 * k)


_build_tables()


# --- constants handed over by configure() -----------------------------------------------------------------

cdef unsigned char _PERM[256]           # fingerprint._PERMUTE
cdef unsigned char _ASCII_PUNCT[128]    # 1 for the ASCII characters of _PUNCT
cdef uint32_t _WIDE_PUNCT[64]           # its other characters
cdef int _N_WIDE_PUNCT = 0
cdef Py_ssize_t _LEAD_WORDS = 0         # 0 until configure(): the functions refuse to run
cdef Py_ssize_t _HEAD_CHARS = 0
cdef uint32_t _WORD_MASK = 0            # dedup table slots - 1: a power of two at least twice LEAD_WORDS

# The skip words as UTF-8, in an open-addressing table (power-of-two slots, at most half full).
cdef bytes _SKIP_BYTES = b""            # all words back to back; the table points into it
cdef const unsigned char *_skip_data = NULL
cdef Py_ssize_t _skip_start[1024]
cdef Py_ssize_t _skip_len[1024]         # -1: empty slot
cdef uint32_t _SKIP_MASK = 0
cdef Py_ssize_t _SKIP_MAX_LEN = 0       # longer words are never skip words
cdef bint _SKIP_EMPTY = 0               # "" is a skip word (a token all punctuation)

cdef enum:
    MAX_WORDS = 1024                    # distinct words a call can hold (LEAD_WORDS must not exceed it)
    WORD_SLOTS = 2048                   # room for their dedup table


# --- case folding, a block of 256 code points at a time ---------------------------------------------------
# _pages[c >> 8]: NULL until the block is first met, then _IDENTITY (nothing folds) or 256 entries: the folded
# code point, or FOLD_MANY | offset of (count, up to 3 code points) after the 256 entries, or FOLD_UNSAFE.

cdef enum:
    N_PAGES = 0x1100
    FOLD_MANY = 0x40000000
    FOLD_UNSAFE = 0x20000000

cdef uint32_t *_pages[N_PAGES]
cdef uint32_t _IDENTITY_PAGE[1]
cdef uint32_t *_IDENTITY = _IDENTITY_PAGE
cdef unsigned char _ASCII_FOLD[128]     # str.lower of ASCII (= its casefold)
cdef unsigned char _ASCII_SPACE[128]    # str.isspace of ASCII


cdef uint32_t *_load_page(uint32_t block) except NULL:
    """Fold the 256 code points of `block` with Python's casefold (and ’ -> ') and keep the result."""
    cdef uint32_t base = block << 8
    cdef uint32_t *page
    cdef Py_ssize_t extra = 0, at = 256, i, k
    cdef list folds
    # one casefold call for the block: each character folds on its own, and none folds to or from "\0"
    chars = [chr(base + i) for i in range(256)]
    folds = "\0".join(chars if base else chars[1:]).casefold().replace("’", "'").split("\0")
    if not base:
        folds.insert(0, "\0")
    if len(folds) != 256:
        raise RuntimeError(f"casefold split block {block:#x} into {len(folds)} parts")
    if all(f == c for f, c in zip(folds, chars)):
        _pages[block] = _IDENTITY
        return _IDENTITY
    for f in folds:
        if len(f) > 1:
            extra += 4
    page = <uint32_t *> PyMem_Malloc((256 + extra) * sizeof(uint32_t))
    if page == NULL:
        raise MemoryError()
    for i in range(256):
        f = folds[i]
        # whitespace must fold to itself and nothing else to whitespace, or splitting before folding
        # would cut other words: such a character is left to the Python code
        safe = f == chars[i] if chars[i].isspace() else not any(x.isspace() for x in f)
        if not safe:
            page[i] = FOLD_UNSAFE
        elif len(f) == 1:
            page[i] = ord(f)
        elif 1 < len(f) <= 3:
            page[i] = FOLD_MANY | at
            page[at] = len(f)
            for k, x in enumerate(f):
                page[at + 1 + k] = ord(x)
            at += 4
        else:
            page[i] = FOLD_UNSAFE
    _pages[block] = page
    return page


cdef inline Py_ssize_t _fold(uint32_t c, uint32_t *out) except -1:
    """Write the fold of `c` to `out`: the number of code points (1-3), or 0 if it must be left to Python."""
    cdef uint32_t *page
    cdef uint32_t v
    if c < 128:
        out[0] = _ASCII_FOLD[c]
        return 1
    page = _pages[c >> 8]
    if page == NULL:
        page = _load_page(c >> 8)
    if page == _IDENTITY:
        out[0] = c
        return 1
    v = page[c & 255]
    if v & FOLD_MANY:
        page = page + (v & 0xFFFF)
        out[0] = page[1]
        out[1] = page[2]
        out[2] = page[3]
        return page[0]
    if v & FOLD_UNSAFE:
        return 0
    out[0] = v
    return 1


cdef inline uint32_t _mix(const unsigned char *p, Py_ssize_t n) noexcept:
    """FNV-1a: the hash of the skip-word table."""
    cdef uint32_t h = _FNV_BASIS
    cdef Py_ssize_t i
    for i in range(n):
        h = (h ^ p[i]) * 16777619
    return h


def configure(bytes permute, skip, str punct, Py_ssize_t lead_words, Py_ssize_t head_chars):
    """Take the constants of service/fingerprint.py (called once, right after loading this module)."""
    global _SKIP_BYTES, _skip_data, _SKIP_MASK, _SKIP_EMPTY, _SKIP_MAX_LEN, _N_WIDE_PUNCT, _LEAD_WORDS
    global _HEAD_CHARS, _WORD_MASK
    cdef Py_ssize_t i, pos, slot, n
    cdef uint32_t h
    cdef list words
    cdef bytes b
    if len(permute) != 256 or sorted(permute) != list(range(256)):
        raise ValueError("permute must be a permutation of the 256 byte values")
    if not 0 < lead_words <= MAX_WORDS:
        raise ValueError(f"lead_words must be in 1..{MAX_WORDS}")
    if "’" in punct or "'" not in punct:
        raise ValueError("’ is folded to ': the compiled code expects ' (and not ’) in punct")
    if any(w.strip(punct) != w for w in skip):
        raise ValueError("a skip word with punctuation at an end: the words are tested only after stripping")
    for i in range(256):
        _PERM[i] = permute[i]
    memset(_ASCII_PUNCT, 0, sizeof(_ASCII_PUNCT))
    wide = sorted({ord(c) for c in punct if ord(c) >= 128})
    if len(wide) > 64:
        raise ValueError("at most 64 non-ASCII punctuation characters")
    for c in punct:
        if ord(c) < 128:
            _ASCII_PUNCT[ord(c)] = 1
    for i, c in enumerate(wide):
        _WIDE_PUNCT[i] = c
    _N_WIDE_PUNCT = len(wide)
    for i in range(128):
        _ASCII_FOLD[i] = ord(chr(i).lower())
        _ASCII_SPACE[i] = chr(i).isspace()

    words = [w.encode("utf-8", "surrogatepass") for w in skip if w]
    _SKIP_EMPTY = "" in skip
    n = 16
    while n < 2 * len(words) + 2:
        n *= 2
    if n > 1024:
        raise ValueError("too many skip words for the compiled table")
    _SKIP_MASK = n - 1
    for i in range(1024):
        _skip_len[i] = -1
    _SKIP_BYTES = b"".join(words)
    _skip_data = <const unsigned char *> _SKIP_BYTES
    _SKIP_MAX_LEN = max(map(len, words), default=0)
    pos = 0
    for b in words:
        h = _mix(<const unsigned char *> b, len(b))
        slot = h & _SKIP_MASK
        while _skip_len[slot] >= 0:
            slot = (slot + 1) & _SKIP_MASK
        _skip_start[slot] = pos
        _skip_len[slot] = len(b)
        pos += len(b)
    n = 16
    while n < 2 * lead_words:
        n *= 2
    _WORD_MASK = n - 1
    _LEAD_WORDS = lead_words
    _HEAD_CHARS = head_chars


cdef inline bint _is_skip(const unsigned char *p, Py_ssize_t n, uint32_t h) noexcept:
    cdef uint32_t slot = h & _SKIP_MASK
    while _skip_len[slot] >= 0:
        if _skip_len[slot] == n and memcmp(_skip_data + _skip_start[slot], p, n) == 0:
            return 1
        slot = (slot + 1) & _SKIP_MASK
    return 0


cdef inline bint _is_punct(uint32_t c) noexcept:
    cdef int i
    if c < 128:
        return _ASCII_PUNCT[c]
    for i in range(_N_WIDE_PUNCT):
        if _WIDE_PUNCT[i] == c:
            return 1
    return 0


cdef inline bint _is_space(uint32_t c) noexcept:
    if c < 128:
        return _ASCII_SPACE[c]
    return Py_UNICODE_ISSPACE(c)  # what str.split() tests


cdef inline Py_ssize_t _put_utf8(unsigned char *out, uint32_t c) noexcept:
    """UTF-8 of one code point; a lone surrogate gets its 3 bytes as with errors='surrogatepass'."""
    if c < 0x80:
        out[0] = c
        return 1
    if c < 0x800:
        out[0] = 0xC0 | (c >> 6)
        out[1] = 0x80 | (c & 0x3F)
        return 2
    if c < 0x10000:
        out[0] = 0xE0 | (c >> 12)
        out[1] = 0x80 | ((c >> 6) & 0x3F)
        out[2] = 0x80 | (c & 0x3F)
        return 3
    out[0] = 0xF0 | (c >> 18)
    out[1] = 0x80 | ((c >> 12) & 0x3F)
    out[2] = 0x80 | ((c >> 6) & 0x3F)
    out[3] = 0x80 | (c & 0x3F)
    return 4


cdef bint _has_han_kana(const char_t *data, Py_ssize_t n) noexcept:
    """A character of fingerprint._CJK in data[:n]."""
    cdef Py_ssize_t i
    cdef uint32_t c
    if char_t is uint8_t:
        return 0
    else:
        for i in range(n):
            c = data[i]
            if 0x3040 <= c <= 0xFAFF and (c <= 0x30FF or 0x3400 <= c <= 0x4DBF or 0x4E00 <= c <= 0x9FFF
                                          or c >= 0xF900):
                return 1
        return 0


cdef struct Words:
    unsigned char *buf            # the distinct words' UTF-8, back to back
    uint32_t *folded              # one token case-folded
    Py_ssize_t n                  # how many distinct words
    Py_ssize_t start[MAX_WORDS]
    Py_ssize_t length[MAX_WORDS]
    uint32_t low[MAX_WORDS]       # CRC-32 of the bytes
    uint32_t high[MAX_WORDS]      # CRC-32 of the bytes through _PERMUTE
    int slot[WORD_SLOTS]          # dedup table: index into the arrays above, -1 empty


cdef int _collect(const char_t *data, Py_ssize_t n, Words *w) except -1:
    """The distinct words among the first LEAD_WORDS content words of data[:n], with their CRCs.

    1, or 0 when a character's fold must be left to the Python code.
    """
    cdef Py_ssize_t i = 0, s, e, k, a, b, m, pos = 0, count = 0, length, got
    cdef uint32_t *f = w.folded
    cdef unsigned char *p
    cdef uint32_t lo, hi, slot, h
    cdef unsigned char byte
    cdef int j
    w.n = 0
    for j in range(_WORD_MASK + 1):
        w.slot[j] = -1
    while i < n and count < _LEAD_WORDS:
        # one token: a run of non-whitespace, as str.split() cuts it
        while i < n and _is_space(data[i]):
            i += 1
        if i >= n:
            break
        s = i
        while i < n and not _is_space(data[i]):
            i += 1
        e = i
        m = 0
        for k in range(s, e):
            got = _fold(data[k], f + m)
            if got == 0:
                return 0
            m += got
        # str.strip(_PUNCT); a skip word has no punctuation at its ends, so testing after
        # stripping alone drops the same tokens as the Python code's test before and after
        a = 0
        b = m
        while a < b and _is_punct(f[a]):
            a += 1
        while b > a and _is_punct(f[b - 1]):
            b -= 1
        if a == b:
            if _SKIP_EMPTY:
                continue
            raise RuntimeError("the compiled fingerprint expects \"\" among the skip words")
        p = w.buf + pos
        length = 0
        for k in range(a, b):
            length += _put_utf8(p + length, f[k])
        if length <= _SKIP_MAX_LEN and _is_skip(p, length, _mix(p, length)):
            continue
        count += 1
        lo = _ALL_ONES
        hi = _ALL_ONES
        for k in range(length):
            byte = p[k]
            lo = _CRC_TABLE[(lo ^ byte) & 0xFF] ^ (lo >> 8)
            hi = _CRC_TABLE[(hi ^ _PERM[byte]) & 0xFF] ^ (hi >> 8)
        lo = ~lo
        hi = ~hi
        slot = (lo ^ (hi * _GOLDEN)) & _WORD_MASK
        while w.slot[slot] >= 0:
            j = w.slot[slot]
            if (w.low[j] == lo and w.high[j] == hi and w.length[j] == length
                    and memcmp(w.buf + w.start[j], p, length) == 0):
                break
            slot = (slot + 1) & _WORD_MASK
        else:
            j = w.n
            w.slot[slot] = j
            w.start[j] = pos
            w.length[j] = length
            w.low[j] = lo
            w.high[j] = hi
            w.n += 1
            pos += length
    return 1


cdef int _words(object text, Words **out) except -1:
    """Fill *out with the words of `text`: 1, or 0 (and *out NULL) when the Python code must run.

    Reads text[:HEAD_CHARS] in place: folding each character on its own (the same table for ASCII as
    str.lower), the choice the Python code makes between lower() and casefold() cannot differ.
    """
    cdef Words *w
    cdef Py_ssize_t n
    cdef int kind, ok
    cdef void *data
    out[0] = NULL
    if _LEAD_WORDS == 0:
        raise RuntimeError("service.native.fingerprint.configure() was not called")
    if type(text) is not str:
        return 0
    n = min(PyUnicode_GET_LENGTH(text), _HEAD_CHARS)
    kind = PyUnicode_KIND(text)
    data = PyUnicode_DATA(text)
    if kind == PyUnicode_1BYTE_KIND:
        pass  # a Latin-1 str holds no Han or kana
    elif kind == PyUnicode_2BYTE_KIND:
        if _has_han_kana(<const uint16_t *> data, n):
            return 0
    elif _has_han_kana(<const uint32_t *> data, n):
        return 0
    w = <Words *> PyMem_Malloc(sizeof(Words))
    if w == NULL:
        raise MemoryError()
    # a character folds to at most 3 code points (checked as the blocks load), each at most 4 bytes of UTF-8
    w.folded = <uint32_t *> PyMem_Malloc((3 * n + 3) * sizeof(uint32_t))
    w.buf = <unsigned char *> PyMem_Malloc(12 * n + 12)
    if w.folded == NULL or w.buf == NULL:
        _free_words(w)
        raise MemoryError()
    try:
        if kind == PyUnicode_1BYTE_KIND:
            ok = _collect(<const uint8_t *> data, n, w)
        elif kind == PyUnicode_2BYTE_KIND:
            ok = _collect(<const uint16_t *> data, n, w)
        else:
            ok = _collect(<const uint32_t *> data, n, w)
    except BaseException:
        _free_words(w)
        raise
    if not ok:
        _free_words(w)
        return 0
    out[0] = w
    return 1


cdef void _free_words(Words *w) noexcept:
    PyMem_Free(w.buf)
    PyMem_Free(w.folded)
    PyMem_Free(w)


def features(text):
    """As fingerprint.features(text), or None when the Python code must run (Han/kana head, not a str)."""
    cdef Words *w
    cdef Py_ssize_t j
    if not _words(text, &w):
        return None
    try:
        return {PyUnicode_DecodeUTF8(<const char *> w.buf + w.start[j], w.length[j], "surrogatepass")
                for j in range(w.n)}
    finally:
        _free_words(w)


def fingerprint(text):
    """As fingerprint.fingerprint(text), or None when the Python code must run (Han/kana head, not a str)."""
    cdef Words *w
    cdef Py_ssize_t j, half, n
    cdef int b, k
    cdef uint32_t lo, hi
    cdef uint64_t value = 0
    cdef uint64_t lanes[8]    # byte k of lanes[i]: how many words have bit 8*i+k, up to 255 (then flushed)
    cdef Py_ssize_t counts[64]
    cdef char out[17]
    if not _words(text, &w):
        return None
    n = w.n
    if n == 0:
        _free_words(w)
        return "0" * 16
    memset(counts, 0, sizeof(counts))
    memset(lanes, 0, sizeof(lanes))
    for j in range(n):
        lo = w.low[j]
        hi = w.high[j]
        lanes[0] += _SPREAD[lo & 0xFF]
        lanes[1] += _SPREAD[(lo >> 8) & 0xFF]
        lanes[2] += _SPREAD[(lo >> 16) & 0xFF]
        lanes[3] += _SPREAD[lo >> 24]
        lanes[4] += _SPREAD[hi & 0xFF]
        lanes[5] += _SPREAD[(hi >> 8) & 0xFF]
        lanes[6] += _SPREAD[(hi >> 16) & 0xFF]
        lanes[7] += _SPREAD[hi >> 24]
        if j % 255 == 254 or j == n - 1:
            for b in range(8):
                for k in range(8):
                    counts[8 * b + k] += (lanes[b] >> (8 * k)) & 0xFF
                lanes[b] = 0
    _free_words(w)
    # bit b is set when more than half the words have it: bits 0-31 from the CRC of
    # the bytes, 32-63 from the CRC of the permuted bytes
    half = n // 2
    for b in range(64):
        if counts[b] > half:
            value |= (<uint64_t> 1) << b
    snprintf(out, 17, "%016llx", <unsigned long long> value)
    return PyUnicode_FromStringAndSize(out, 16)
