# cython: language_level=3
"""Compiled `read_blocks` and `strip_chrome` of service/html/blocks.py, over Lexbor node pointers.

Mirrors `read_blocks` with its helpers `_scan`, `tags.holders`,
`_links_by_block` and the `_Walker` walk, step for step: the Python code is
the reference (`blocks._read_blocks_py`) and tests require identical RawBlock
lists. The Python walk spends its time building one selectolax Node per child
and calling `text()`/`css("a")` through them; here the children are reached by
pointer, tag ids are looked up in a flat table and text is gathered in C and
decoded once, exactly where `Node.text()` would decode it (bytes of all text
nodes of a subtree joined first, then decoded with "replace"). The text
buffer and the RawBlock construction stay Python objects, so flushing and
line splitting are the reference's own operations; `squash` is measure.squash
in C (tested against it).

`chrome_outermost` is the deciding half of `strip_chrome` (`_doomed` and
`outermost`): which elements to decompose, as pointers and child positions.
The caller gets their Node objects from selectolax and decomposes them.
`may_name_chrome` spares vocab.chrome_reason's regex the keys that cannot
name chrome.

The tree is only read, never changed, and nothing is kept after the call.
"""

from libc.stdint cimport uintptr_t, uint8_t, uint16_t, uint32_t
from libc.stdlib cimport malloc, calloc, realloc, free
from libc.string cimport memcpy, memset
from cpython.unicode cimport PyUnicode_DecodeUTF8

cdef extern from "Python.h":
    int PyUnicode_KIND(object text)
    void *PyUnicode_DATA(object text)
    Py_UCS4 PyUnicode_READ(int kind, void *data, Py_ssize_t index) nogil
    void PyUnicode_WRITE(int kind, void *data, Py_ssize_t index, Py_UCS4 value) nogil
    object PyUnicode_FromKindAndData(int kind, const void *buffer, Py_ssize_t size)

from .lexbor_layout cimport wl_node_t, wl_element_t, wl_attr_t, wl_character_data_t, WL_NODE_ELEMENT, WL_NODE_TEXT
from .walk cimport next_in

# what a tag id is to the walk (bits, as one id can be in several of blocks.py's sets)
cdef enum:
    F_INLINE = 1        # _INLINE_IDS
    F_SKIP = 2          # _SKIP_IDS
    F_HEADING = 4       # _HEADING_LEVELS
    F_LEAF_OR_LI = 8    # _LEAF_OR_LI_IDS
    F_LEAF = 16         # LEAF (the top node's test)
    F_BLOCKISH = 32     # BLOCKISH_IDS (_scan)
    F_BLOCK_TAG = 64    # _BLOCK_TAG_IDS (_links_by_block)
    F_NEVER_ALONE = 128  # _NEVER_CHROME_ALONE (strip_chrome), the names with a standard id
    NTAGS = 1024        # standard Lexbor tag ids are far below; custom elements' ids are larger: no flags

cdef unsigned char _FLAGS[NTAGS]
cdef object _LEVELS = {}  # heading tag id -> level (a Python int, as blocks.py stores it)
cdef uintptr_t _TEXT_ID = 0, _A_ID = 0, _BR_ID = 0, _LI_ID = 0, _BLOCKQUOTE_ID = 0
cdef object _RawBlock = None
cdef str _BR = None
cdef Py_ssize_t _MAX_BLOCKS = 0
cdef bint _ready = False

cdef str PARAGRAPH = "paragraph"
cdef str HEADING = "heading"
cdef str QUOTE = "quote"
cdef str LIST_ITEM = "list_item"


class _Full(Exception):
    """MAX_BLOCKS blocks are read (blocks._Full)."""


def configure(*, text_id, a_id, br_id, li_id, blockquote_id, inline_ids, skip_ids, heading_levels,
              leaf_or_li_ids, leaf_ids, blockish_ids, block_tag_ids, raw_block, br, max_blocks):
    """Take blocks.py's tag sets (Lexbor ids), RawBlock and constants, once at its import.

    Passed in rather than written here so the two versions cannot drift apart.
    """
    global _TEXT_ID, _A_ID, _BR_ID, _LI_ID, _BLOCKQUOTE_ID, _LEVELS, _RawBlock, _BR, _MAX_BLOCKS, _ready
    cdef int i
    for i in range(NTAGS):
        _FLAGS[i] &= F_NEVER_ALONE  # configure_chrome's
    for ids, bit in ((inline_ids, F_INLINE), (skip_ids, F_SKIP), (heading_levels, F_HEADING),
                     (leaf_or_li_ids, F_LEAF_OR_LI), (leaf_ids, F_LEAF), (blockish_ids, F_BLOCKISH),
                     (block_tag_ids, F_BLOCK_TAG)):
        for tid in ids:
            if not 0 <= tid < NTAGS:
                raise ValueError(f"tag id {tid} outside the table of standard tags")
            _FLAGS[tid] |= bit
    _LEVELS = dict(heading_levels)
    _TEXT_ID, _A_ID, _BR_ID, _LI_ID, _BLOCKQUOTE_ID = text_id, a_id, br_id, li_id, blockquote_id
    _RawBlock, _BR, _MAX_BLOCKS = raw_block, br, max_blocks
    _ready = True


cdef inline unsigned char _flags(uintptr_t tid) noexcept nogil:
    return _FLAGS[tid] if tid < NTAGS else 0


cdef inline str _decode(const char *data, size_t length):
    if length == 0:
        return ""
    return PyUnicode_DecodeUTF8(data, length, "replace")


ctypedef fused char_t:
    uint8_t
    uint16_t
    uint32_t


cdef bint _SPACE8[256]
for _i in range(256):
    _SPACE8[_i] = chr(_i).isspace()


cdef inline bint _is_space(Py_UCS4 ch) noexcept nogil:
    """str.isspace() of one character (Py_UNICODE_ISSPACE; tested against it on every code point)."""
    if ch < 256:
        return _SPACE8[ch]
    if ch < 0x1680:
        return False
    return (ch == 0x1680 or 0x2000 <= ch <= 0x200A or ch == 0x2028 or ch == 0x2029 or ch == 0x202F
            or ch == 0x205F or ch == 0x3000)


cdef Py_ssize_t _squash_into(const char_t *src, Py_ssize_t n, char_t *dst) noexcept nogil:
    """Write `" ".join(src.split())` to dst; return its length, or -1 if that is src as it is."""
    cdef Py_ssize_t i, m = 0
    cdef bint space = True  # before the first character: a leading space is not clean
    cdef bint pending = False
    cdef Py_UCS4 ch
    for i in range(n):
        ch = src[i]
        if ch == 32:
            if space:
                break
            space = True
        elif _is_space(ch):
            break
        else:
            space = False
    else:
        if n == 0 or not space:
            return -1
    for i in range(n):
        ch = src[i]
        if _is_space(ch):
            pending = m > 0
        else:
            if pending:
                dst[m] = 32
                m += 1
                pending = False
            dst[m] = <char_t> ch
            m += 1
    return m


cpdef str squash(str text):
    """measure.squash: `" ".join(text.split())`, in C over the code points.

    measure.squash returns a clean text as it is and else splits and joins; both
    give `" ".join(text.split())`, and so does this (same whitespace as
    str.split()). Most of the Python walk's remaining time was here.
    """
    cdef Py_ssize_t n, m
    cdef int kind
    cdef void *data
    cdef void *out
    if text is None:
        raise TypeError("squash() needs a str")
    n, kind, data = len(text), PyUnicode_KIND(text), PyUnicode_DATA(text)
    if n == 0:
        return text
    out = malloc(n * kind)
    if out == NULL:
        raise MemoryError
    try:
        if kind == 1:
            m = _squash_into(<const uint8_t *> data, n, <uint8_t *> out)
        elif kind == 2:
            m = _squash_into(<const uint16_t *> data, n, <uint16_t *> out)
        else:
            m = _squash_into(<const uint32_t *> data, n, <uint32_t *> out)
        if m < 0:
            return text
        if m == 0:
            return ""
        return PyUnicode_FromKindAndData(kind, out, m)
    finally:
        free(out)


cdef str _text_content(wl_node_t *node):
    """`Node.text_content or ""` of a text node."""
    cdef wl_character_data_t *cd = <wl_character_data_t *> node
    if node.type != WL_NODE_TEXT or cd.data.data == NULL:
        return ""
    return _decode(<const char *> cd.data.data, cd.data.length)


# --- two small C containers (plain C keeps the build to the C compiler the image has) ---

cdef struct _Bytes:  # a growable byte buffer
    char *data
    size_t size
    size_t cap


cdef int _bytes_add(_Bytes *b, const char *data, size_t n) except -1 nogil:
    cdef size_t cap
    cdef char *grown
    if b.size + n > b.cap:
        cap = b.cap * 2 if b.cap else 256
        while cap < b.size + n:
            cap *= 2
        grown = <char *> realloc(b.data, cap)
        if grown == NULL:
            with gil:
                raise MemoryError
        b.data, b.cap = grown, cap
    if n:
        memcpy(b.data + b.size, data, n)
    b.size += n
    return 0


cdef struct _Table:  # node pointer -> count, open addressing (a pointer is never 0: 0 marks a free slot)
    uintptr_t *keys
    Py_ssize_t *values
    size_t mask  # capacity - 1, capacity a power of two
    size_t used


cdef inline size_t _slot(const _Table *t, uintptr_t key) noexcept nogil:
    cdef size_t i = <size_t> ((key >> 4) * <uintptr_t> 0x9E3779B97F4A7C15ULL) & t.mask
    while t.keys[i] != 0 and t.keys[i] != key:
        i = (i + 1) & t.mask
    return i


cdef int _table_reset(_Table *t) except -1 nogil:
    """Empty (and on first use, allocate) the table."""
    if t.keys == NULL:
        t.mask = 255
        t.keys = <uintptr_t *> calloc(t.mask + 1, sizeof(uintptr_t))
        t.values = <Py_ssize_t *> calloc(t.mask + 1, sizeof(Py_ssize_t))
        if t.keys == NULL or t.values == NULL:
            with gil:
                raise MemoryError
    elif t.used:
        memset(t.keys, 0, (t.mask + 1) * sizeof(uintptr_t))
    t.used = 0
    return 0


cdef void _table_free(_Table *t) noexcept nogil:
    free(t.keys)
    free(t.values)
    t.keys = NULL
    t.values = NULL


cdef inline bint _has(const _Table *t, uintptr_t key) noexcept nogil:
    return t.keys != NULL and t.keys[_slot(t, key)] == key


cdef inline Py_ssize_t _get(const _Table *t, uintptr_t key) noexcept nogil:
    cdef size_t i
    if t.keys == NULL:
        return 0
    i = _slot(t, key)
    return t.values[i] if t.keys[i] == key else 0


cdef int _add(_Table *t, uintptr_t key, Py_ssize_t value) except -1 nogil:
    """Add `value` to the count of `key` (inserting it with `value`)."""
    cdef size_t i, j, old_mask
    cdef uintptr_t *old_keys
    cdef Py_ssize_t *old_values
    i = _slot(t, key)
    if t.keys[i] == key:
        t.values[i] += value
        return 0
    t.keys[i] = key
    t.values[i] = value
    t.used += 1
    if t.used * 2 > t.mask:  # keep it at most half full: grow and re-insert
        old_keys, old_values, old_mask = t.keys, t.values, t.mask
        t.mask = old_mask * 2 + 1
        t.keys = <uintptr_t *> calloc(t.mask + 1, sizeof(uintptr_t))
        t.values = <Py_ssize_t *> calloc(t.mask + 1, sizeof(Py_ssize_t))
        if t.keys == NULL or t.values == NULL:
            free(t.keys)
            free(t.values)
            t.keys, t.values, t.mask = old_keys, old_values, old_mask
            with gil:
                raise MemoryError
        for j in range(old_mask + 1):
            if old_keys[j] != 0:
                i = _slot(t, old_keys[j])
                t.keys[i] = old_keys[j]
                t.values[i] = old_values[j]
        free(old_keys)
        free(old_values)
    return 0


cdef int _gather(wl_node_t *root, _Bytes *out, bint spaced) except -1:
    """The UTF-8 bytes `Node.text()` decodes (`text(separator=" ")` if `spaced`), into `out`.

    The root counts only if it is a text node itself; below it, nodes with the
    text tag id, in the order of lxb_dom_node_simple_walk.
    """
    cdef wl_node_t *node
    cdef wl_character_data_t *cd
    cdef Py_ssize_t count = 0
    if root.type == WL_NODE_TEXT:
        cd = <wl_character_data_t *> root
        if cd.data.data != NULL:
            _bytes_add(out, <const char *> cd.data.data, cd.data.length)
            count += 1
    node = root.first_child
    while node != NULL:
        if node.local_name == _TEXT_ID:
            cd = <wl_character_data_t *> node
            if cd.data.data != NULL:
                if spaced and count:
                    _bytes_add(out, " ", 1)
                _bytes_add(out, <const char *> cd.data.data, cd.data.length)
                count += 1
        node = next_in(node, root)
        if node == NULL:
            break
    return 0


cdef class _Walker:
    """blocks._Walker, plus the per-node scan (has_block, has_br, links) as C tables."""

    cdef list blocks
    cdef list buf
    cdef Py_ssize_t buf_links
    cdef Py_ssize_t buf_len  # sum(len(x) for x in buf), kept as buf changes
    cdef _Table has_block
    cdef _Table has_br
    cdef _Table links
    cdef _Bytes tmp

    def __cinit__(self):
        self.blocks = []
        self.buf = []
        self.buf_links = 0
        self.buf_len = 0  # the tables: allocated by scan() (zeroed memory until then: empty)

    def __dealloc__(self):
        _table_free(&self.has_block)
        _table_free(&self.has_br)
        _table_free(&self.links)
        free(self.tmp.data)

    cdef str text(self, wl_node_t *node, bint spaced):
        """`node.text()` (`node.text(separator=" ")` if `spaced`)."""
        self.tmp.size = 0
        _gather(node, &self.tmp, spaced)
        return _decode(self.tmp.data, self.tmp.size)

    cdef Py_ssize_t text_len(self, wl_node_t *node) except -1:
        """`len(node.text())`: counted in the bytes when they are ASCII, else decoded."""
        cdef size_t i, n
        cdef const unsigned char *p
        self.tmp.size = 0
        _gather(node, &self.tmp, False)
        n = self.tmp.size
        p = <const unsigned char *> self.tmp.data
        for i in range(n):
            if p[i] >= 0x80:
                return len(_decode(self.tmp.data, n))
        return n

    cdef Py_ssize_t anchor_chars(self, wl_node_t *root) except -1:
        """`sum(len(a.text()) for a in root.css("a"))`."""
        cdef wl_node_t *node = root
        cdef Py_ssize_t total = 0
        while True:
            if node.local_name == _A_ID:
                total += self.text_len(node)
            node = next_in(node, root)
            if node == NULL:
                break
        return total

    cdef int scan(self, wl_node_t *top) except -1:
        """`_scan`, `holders` for blocks and for <br>s, and `_links_by_block`, in one walk of `top`'s subtree."""
        cdef wl_node_t *node = top
        cdef wl_node_t *up
        cdef uintptr_t tid
        cdef unsigned char f
        cdef Py_ssize_t n
        cdef int hops
        cdef _Table *found
        _table_reset(&self.has_block)
        _table_reset(&self.has_br)
        _table_reset(&self.links)
        while True:
            tid = node.local_name
            f = _flags(tid)
            found = NULL
            if f & F_BLOCKISH:
                found = &self.has_block
            elif tid == _BR_ID:
                found = &self.has_br
            elif tid == _A_ID:
                n = self.text_len(node)
                if n:
                    up = node.parent
                    hops = 0
                    while up != NULL and hops < 8:
                        if _flags(up.local_name) & F_BLOCK_TAG:
                            _add(&self.links, <uintptr_t> up, n)
                            break
                        up = up.parent
                        hops += 1
            if found != NULL and node != top:  # holders(): the top matching says nothing of what it holds
                up = node.parent
                while up != NULL:
                    if _has(found, <uintptr_t> up):
                        break
                    _add(found, <uintptr_t> up, 1)
                    if up == top:
                        break
                    up = up.parent
            node = next_in(node, top)
            if node == NULL:
                break
        return 0

    cdef int emit(self, str kind, str text, object level, object links) except -1:
        self.blocks.append(_RawBlock(kind, text, level, links))
        if len(self.blocks) >= _MAX_BLOCKS:
            raise _Full
        return 0

    cdef int add(self, str piece) except -1:
        self.buf.append(piece)
        self.buf_len += len(piece)
        return 0

    cdef int flush(self, str kind) except -1:
        cdef str text, line
        cdef object links, total
        if not self.buf:
            return 0
        text = "".join(self.buf)
        links = self.buf_links
        self.buf = []
        self.buf_links = 0
        self.buf_len = 0
        if text.isspace():
            return 0
        if _BR not in text:
            text = squash(text)
            if text:
                self.emit(kind, text, None, links)
            return 0
        total = len(text) or 1
        for line in text.split(_BR):
            line = squash(line)
            if line:
                self.emit(kind, line, None, links * len(line) // total)  # Python ints: floor division
        return 0

    cdef int leaf(self, wl_node_t *node, str kind, object level) except -1:
        cdef str text
        cdef uintptr_t key = <uintptr_t> node
        if level is not None and _has(&self.has_br, key):
            text = self.text(node, True)
        else:
            text = self.text(node, False)
        if not text or text.isspace():
            return 0
        text = squash(text)
        if text:
            self.emit(kind, text, level, _get(&self.links, key))
        return 0

    cdef int walk(self, wl_node_t *node, str kind, int depth, bint inline) except -1:
        cdef wl_node_t *child
        cdef uintptr_t tid, key
        cdef unsigned char f
        cdef Py_ssize_t before
        cdef str t, inner
        if depth > 200:  # pathological nesting: read what is left as one run
            self.add(self.text(node, False))
            return 0
        child = node.first_child
        while child != NULL:
            tid = child.local_name
            f = _flags(tid)
            if tid == _TEXT_ID:
                self.add(_text_content(child))
            elif f & F_INLINE:
                key = <uintptr_t> child
                if _has(&self.has_block, key):
                    if self.buf:
                        self.flush(kind)
                    self.walk(child, kind, depth + 1, False)
                elif _has(&self.has_br, key):
                    if tid == _A_ID:
                        before = self.buf_len
                        self.walk(child, kind, depth + 1, True)
                        self.buf_links += self.buf_len - before
                    else:
                        self.walk(child, kind, depth + 1, True)
                else:
                    t = self.text(child, False)
                    if t:
                        self.add(t)
                        if tid == _A_ID:
                            self.buf_links += len(t)
                        else:
                            self.buf_links += self.anchor_chars(child)
            elif tid == _BR_ID:
                self.add(_BR)
                if len(self.buf) > 2000:  # a line break ends a line anyway: keep the buffer small
                    self.flush(kind)
            elif f & F_SKIP:
                pass
            elif f & F_HEADING:
                if self.buf:
                    self.flush(kind)
                self.leaf(child, HEADING, _LEVELS[tid])
            elif f & F_LEAF_OR_LI:
                if self.buf:
                    self.flush(kind)
                if tid != _LI_ID:
                    inner = kind
                else:
                    inner = QUOTE if kind == QUOTE else LIST_ITEM
                key = <uintptr_t> child
                if _has(&self.has_block, key) or _has(&self.has_br, key):
                    self.walk(child, inner, depth + 1, False)
                else:
                    self.leaf(child, inner, None)
            elif tid == _BLOCKQUOTE_ID:
                if self.buf:
                    self.flush(kind)
                self.walk(child, QUOTE, depth + 1, False)
            else:
                if self.buf:
                    self.flush(kind)
                self.walk(child, kind, depth + 1, False)
            child = child.next
        if not inline:
            self.flush(kind)
        return 0


def read_blocks(nodes) -> list:
    """blocks.read_blocks: typed raw blocks of `nodes` (selectolax Nodes) in document order."""
    cdef _Walker w = _Walker()
    cdef wl_node_t *top
    cdef uintptr_t tid, key
    cdef unsigned char f
    if not _ready:
        raise RuntimeError("service.native.blocks.configure() was not called")
    try:
        for node in nodes:
            top = <wl_node_t *> <uintptr_t> node.mem_id
            w.scan(top)
            tid = top.local_name
            f = _flags(tid)
            key = <uintptr_t> top
            if f & F_HEADING:
                w.leaf(top, HEADING, _LEVELS[tid])
            elif _has(&w.has_block, key) or _has(&w.has_br, key) or not (f & F_LEAF):
                w.walk(top, PARAGRAPH, 0, False)
            else:
                w.leaf(top, PARAGRAPH, None)
    except _Full:
        pass
    return w.blocks


# --- strip_chrome ------------------------------------------------------------

cdef uintptr_t _BODY_ID = 0, _HTML_ID = 0
cdef Py_ssize_t _TEXT_HEAVY = 0
cdef object _TEXT_CHROME = frozenset()
cdef object _chrome_reason = None
cdef object _weight = None
cdef bint _chrome_ready = False


# the words of vocab.CHROME_WORDS (substrings and tokens), by first character: see may_name_chrome
cdef list _needle_bytes = []
cdef const char *_needles[512]
cdef Py_ssize_t _needle_len[512]
cdef bint _needle_token[512]  # a whole token only: whitespace or an end on both sides
cdef Py_ssize_t _bucket_start[128]
cdef Py_ssize_t _bucket_end[128]
cdef bint _prefilter = False


cpdef bint may_name_chrome(str key) except -1:
    """False only if `key` holds none of the chrome words, so that vocab.chrome_reason(key) is None.

    chrome_reason runs a regex whose every branch is one of the words of
    CHROME_WORDS, as a substring, or a token between whitespace or the ends
    (`(?:^|\s)ad(?:\s|$)`; re's \s is str.isspace()): with none of them in the
    key it cannot match. Four keys in five hold none, and the
    regex costs ~2 us a key (it tries the word trie at every position); this
    look-up, by the key's characters and the words starting with each, a
    fraction of that. True whenever unsure (and for every key without the words).
    """
    cdef Py_ssize_t n, i, j, k, length
    cdef int kind
    cdef void *data
    cdef Py_UCS4 ch
    cdef const char *word
    if key is None:
        raise TypeError("may_name_chrome() needs a str")
    if not _prefilter:
        return True
    n, kind, data = len(key), PyUnicode_KIND(key), PyUnicode_DATA(key)
    for i in range(n):
        ch = PyUnicode_READ(kind, data, i)
        if ch >= 128:
            continue
        for j in range(_bucket_start[ch], _bucket_end[ch]):
            length = _needle_len[j]
            if i + length > n:
                continue
            word = _needles[j]
            for k in range(1, length):
                if PyUnicode_READ(kind, data, i + k) != <unsigned char> word[k]:
                    break
            else:
                if not _needle_token[j] or (
                    (i == 0 or _is_space(PyUnicode_READ(kind, data, i - 1)))
                    and (i + length == n or _is_space(PyUnicode_READ(kind, data, i + length)))
                ):
                    return True
    return False


def configure_chrome(*, never_alone_ids, body_id, html_id, text_heavy, text_chrome, chrome_reason, weight,
                     chrome_words=(), chrome_tokens=()):
    """Take strip_chrome's constants and functions (vocab.chrome_reason, measure.weight), once at import.

    `never_alone_ids` holds the ids of _NEVER_CHROME_ALONE's names that have a
    standard Lexbor id; a name without one ("use") gets a per-document id,
    which `chrome_outermost` cannot name: it then leaves the node to Python.
    """
    global _BODY_ID, _HTML_ID, _TEXT_HEAVY, _TEXT_CHROME, _chrome_reason, _weight, _chrome_ready
    cdef int i
    for i in range(NTAGS):
        _FLAGS[i] &= ~F_NEVER_ALONE
    for tid in never_alone_ids:
        if tid >= NTAGS:  # a per-document id (see above)
            continue
        _FLAGS[tid] |= F_NEVER_ALONE
    _BODY_ID, _HTML_ID, _TEXT_HEAVY = body_id, html_id, text_heavy
    _TEXT_CHROME, _chrome_reason, _weight = frozenset(text_chrome), chrome_reason, weight
    _set_needles(chrome_words, chrome_tokens)
    _chrome_ready = True


cdef _set_needles(words, tokens):
    """The pre-test's words and tokens; none (or one it cannot take: empty, not ASCII, too many) turns it off."""
    global _needle_bytes, _prefilter
    cdef Py_ssize_t i, c
    _prefilter = False
    for c in range(128):
        _bucket_start[c] = _bucket_end[c] = 0
    words = set(words)
    needles = sorted(words | set(tokens))  # sorted: each first character's words are a run
    if not needles or len(needles) > 512 or not all(w and w.isascii() for w in needles):
        return
    _needle_bytes = [w.encode("ascii") for w in needles]
    for i, b in enumerate(_needle_bytes):
        _needles[i] = <const char *> b
        _needle_len[i] = len(b)
        _needle_token[i] = needles[i] not in words  # a word is found anywhere, token or not
        c = b[0]
        if _bucket_end[c] == 0:
            _bucket_start[c] = i
        _bucket_end[c] = i + 1
    _prefilter = True


cdef str _attr_text(wl_attr_t *attr):
    """`attrs.get(name) or ''` for the element's class or id attribute."""
    if attr == NULL or attr.value == NULL:
        return ""
    return _decode(<const char *> attr.value.data, attr.value.length)


cdef object _body_weight(_Walker w, run):
    """run.body_weight, computed on first need as blocks._doomed does: sum(weight(n.text()) for n in run.nodes)."""
    cdef object total
    if run.body_weight is None:
        total = 0
        for n in run.nodes:
            total += _weight(w.text(<wl_node_t *> <uintptr_t> n.mem_id, False))
        run.body_weight = total
    return run.body_weight


def chrome_outermost(size_t mem_id, run):
    """blocks._doomed(node, run) then outermost(): [(mem_id, reason)] in document order, or None.

    The elements with a class or id attribute under the node and the node
    itself (what `node.css(":is([class], [id])")` returns), judged as
    `_doomed` judges them; `run` is the blocks._ChromeRun shared by the nodes
    (its class/id cache and body weight are read and filled the same way).
    None when an element with a custom tag would be judged: its name may be
    one of _NEVER_CHROME_ALONE, and only Python can read it.
    """
    cdef _Walker w = _Walker()  # for its text readers
    cdef wl_node_t *top = <wl_node_t *> mem_id
    cdef _Table marked  # the doomed elements
    if not (_chrome_ready and _ready):
        raise RuntimeError("service.native.blocks is not configured")
    memset(&marked, 0, sizeof(_Table))
    _table_reset(&marked)
    try:
        return _chrome_outermost(w, top, run, &marked)
    finally:
        _table_free(&marked)


cdef object _chrome_outermost(_Walker w, wl_node_t *top, run, _Table *marked):
    cdef wl_node_t *node = top
    cdef wl_node_t *up
    cdef wl_element_t *el
    cdef uintptr_t tid
    cdef dict seen = run.seen
    cdef object reasons = run.reasons
    cdef list doomed = []
    cdef list out = []
    cdef str key
    cdef object weight
    while True:
        if node.type == WL_NODE_ELEMENT:
            el = <wl_element_t *> node
            tid = node.local_name
            if (el.attr_class != NULL or el.attr_id != NULL) and not (_flags(tid) & F_NEVER_ALONE):
                key = f"{_attr_text(el.attr_class)[:300]} {_attr_text(el.attr_id)[:100]}"
                reason = seen.get(key, seen)  # `seen` itself: not cached yet
                if reason is seen:
                    lowered = key.lower()
                    reason = seen[key] = _chrome_reason(lowered) if may_name_chrome(lowered) else None
                if reason is not None and (reasons is None or reason in reasons):
                    if tid >= NTAGS:
                        return None
                    if node != top and tid != _BODY_ID and tid != _HTML_ID:
                        weight = _weight(w.text(node, False))
                        if (weight <= _TEXT_HEAVY or weight <= _body_weight(w, run) // 2) and (
                            weight <= _TEXT_HEAVY or reason in _TEXT_CHROME or w.anchor_chars(node) >= 0.3 * weight
                        ):
                            doomed.append(((<uintptr_t> node), reason))
                            _add(marked, <uintptr_t> node, 1)
        node = next_in(node, top)
        if node == NULL:
            break
    for ptr, reason in doomed:  # outermost(): none of the node's ancestors is doomed
        up = (<wl_node_t *> <uintptr_t> ptr).parent
        while up != NULL and not _has(marked, <uintptr_t> up):
            up = up.parent
        if up == NULL:
            out.append((ptr, reason))
    return out


