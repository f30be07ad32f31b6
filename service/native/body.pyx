# cython: language_level=3
# distutils: language = c++
"""The paragraph vote of service/html/body.py over Lexbor node pointers.

Mirrors `body._score_paragraphs_py` (and `_vote`), and `_Evidence.total`'s
subtree sums: one pointer walk of the page instead of the CSS query
"p, pre, br, p a" (+ "pre a") and a node wrapper and a `.text()` string per
paragraph and link. Texts are measured on Lexbor's UTF-8 bytes: code points,
CJK characters (`measure.weight`), commas, and whether the text ends, before
trailing whitespace, in a truncation mark. A text whose bytes are not strictly
valid UTF-8 is decoded as selectolax decodes it (errors="replace") and
measured from that, so the numbers are always those of the Python strings.
Votes are summed in the order Python sums them, so they are bit-identical.

`find_body` needs selectolax nodes for a few candidates only, so the voted
elements are kept as pointers in `Votes` (the `_Evidence.nodes` mapping), which
builds a node on demand by stepping from the nearest node it already has
(first the page root) through `first_child`/`next` (or `last_child`/`prev`),
and answers the class/id and tag questions of `find_body` from the pointers.
Pointers are valid only while the tree is not changed: `find_body` runs before
any `decompose()`, and `Votes` must not outlive it.
"""

from libc.stdint cimport uintptr_t, uint32_t, uint64_t
from libc.string cimport memcpy
from libcpp.vector cimport vector
from libcpp.unordered_map cimport unordered_map
from libcpp.unordered_set cimport unordered_set
from libcpp.utility cimport pair
from cython.operator cimport dereference as deref
from cpython.bytes cimport PyBytes_FromStringAndSize, PyBytes_AS_STRING, PyBytes_GET_SIZE
from cpython.unicode cimport PyUnicode_DecodeUTF8

cdef extern from *:
    void __builtin_prefetch(const void *) nogil

from .lexbor_layout cimport wl_node_t, wl_element_t, wl_character_data_t, wl_attr_t, WL_NODE_ELEMENT, WL_NODE_TEXT
from .utf8 cimport count_in_word, utf8_char
from .walk cimport next_in, sibling_counts


# tag ids and the threshold, given by body.py through configure() (one source of truth)
cdef uintptr_t P_ID = 0, PRE_ID = 0, A_ID = 0, BR_ID = 0
cdef bint NOT_A_BODY[256]
cdef double MIN_W = 30.0
cdef bint CONFIGURED = False


def configure(p_id, pre_id, a_id, br_id, not_a_body, min_paragraph):
    """Set the tag ids and MIN_PARAGRAPH body.py uses (called once, when body.py loads)."""
    global P_ID, PRE_ID, A_ID, BR_ID, MIN_W, CONFIGURED
    P_ID, PRE_ID, A_ID, BR_ID = p_id, pre_id, a_id, br_id
    for i in range(256):
        NOT_A_BODY[i] = False
    for t in not_a_body:
        if not 0 <= t < 256:
            raise ValueError(f"tag id {t} out of range")
        NOT_A_BODY[t] = True
    MIN_W = min_paragraph
    CONFIGURED = True


# ---------------------------------------------------------------- text measures

cdef struct Measure:
    Py_ssize_t n        # code points (len(text))
    Py_ssize_t cjk      # characters in measure._CJK
    Py_ssize_t commas   # "," plus the CJK commas "，" and "、"
    bint bad            # bytes that are not strictly valid UTF-8: measure the decoded string instead


cdef inline bint _is_cjk(uint32_t c) nogil:
    # the ranges of measure._CJK
    return ((0x1100 <= c <= 0x11ff) or (0x3040 <= c <= 0x30ff) or (0x3130 <= c <= 0x318f)
            or (0x3400 <= c <= 0x4dbf) or (0x4e00 <= c <= 0x9fff) or (0xac00 <= c <= 0xd7af)
            or (0xf900 <= c <= 0xfaff))


cdef inline bint _is_space(uint32_t c) nogil:
    # str.isspace() (what str.rstrip() strips)
    if c < 0x80:
        return c == 0x20 or (0x09 <= c <= 0x0d) or (0x1c <= c <= 0x1f)
    return (c == 0x85 or c == 0xa0 or c == 0x1680 or (0x2000 <= c <= 0x200a) or c == 0x2028 or c == 0x2029
            or c == 0x202f or c == 0x205f or c == 0x3000)


cdef void _feed(Measure *m, const unsigned char *d, size_t length) noexcept nogil:
    """Add one text segment; sets m.bad on any byte sequence Python's strict decoder refuses."""
    cdef size_t i = 0
    cdef int k
    cdef uint32_t c
    cdef uint64_t word
    cdef Py_ssize_t n = 0, cjk = 0, commas = 0
    while i < length:
        if i + 8 <= length:  # ASCII runs eight bytes at a time
            memcpy(&word, d + i, 8)
            if (word & 0x8080808080808080ULL) == 0:
                commas += count_in_word(word, 44)  # ","
                n += 8
                i += 8
                continue
        k = utf8_char(d, i, length, &c)
        if k == 0:
            m.bad = True
            return
        n += 1
        if k == 1:
            commas += (c == 44)
        elif k == 3:
            if _is_cjk(c):
                cjk += 1
            elif c == 0xff0c or c == 0x3001:
                commas += 1
        i += k
    m.n += n
    m.cjk += cjk
    m.commas += commas


cdef uint32_t _char_before(const unsigned char *d, size_t *pos) noexcept nogil:
    """The code point ending at d[*pos - 1] (valid UTF-8), moving *pos to its first byte."""
    cdef size_t i = pos[0] - 1
    cdef unsigned char b = d[i]
    if b < 0x80:
        pos[0] = i
        return b
    while i > 0 and (d[i] & 0xc0) == 0x80:
        i -= 1
    pos[0] = i
    b = d[i]
    if b < 0xe0:
        return ((b & 0x1f) << 6) | (d[i + 1] & 0x3f)
    if b < 0xf0:
        return ((b & 0x0f) << 12) | ((d[i + 1] & 0x3f) << 6) | (d[i + 2] & 0x3f)
    return ((b & 0x07) << 18) | ((d[i + 1] & 0x3f) << 12) | ((d[i + 2] & 0x3f) << 6) | (d[i + 3] & 0x3f)


ctypedef pair[const unsigned char *, size_t] Segment


cdef bint _truncated(vector[Segment] &segs) noexcept nogil:
    """text.rstrip().endswith(("…", "...", "[…]")) for the (valid UTF-8) segments joined."""
    cdef Py_ssize_t s = <Py_ssize_t> segs.size() - 1
    cdef size_t pos
    cdef uint32_t c
    cdef uint32_t last[3]  # the last three characters before trailing whitespace, the last first
    cdef int n = 0
    while s >= 0 and n < 3:
        pos = segs[s].second
        while pos > 0 and n < 3:
            c = _char_before(segs[s].first, &pos)
            if n == 0:
                if _is_space(c):
                    continue
                if c == 0x2026:  # "…"
                    return True
                if c != 46 and c != 93:  # neither "." nor "]"
                    return False
            last[n] = c
            n += 1
        s -= 1
    if n < 3:
        return False
    if last[0] == 46:
        return last[1] == 46 and last[2] == 46  # "..."
    return last[1] == 0x2026 and last[2] == 91  # "[…]"


cdef class _Text:
    """Reused buffers for measuring one text at a time."""
    cdef vector[Segment] segs
    cdef Measure m
    cdef bint truncated
    cdef object decoded  # keeps the re-encoded bytes of a "bad" text alive while segs points into them

    cdef void measure(self, wl_node_t *root, bint deep, bint tail) except *:
        """Measure the text of `root` as `.text()` (deep) or `.text(deep=False)` gives it."""
        cdef wl_node_t *node
        cdef wl_character_data_t *cd
        cdef bytearray buf
        cdef bytes enc
        self.segs.clear()
        self.m.n = self.m.cjk = self.m.commas = 0
        self.m.bad = False
        self.truncated = False
        self.decoded = None
        node = root.first_child
        while node != NULL:
            if node.type == WL_NODE_TEXT:
                cd = <wl_character_data_t *> node
                if cd.data.data != NULL and cd.data.length:
                    self.segs.push_back(Segment(cd.data.data, cd.data.length))
                    if not self.m.bad:
                        _feed(&self.m, cd.data.data, cd.data.length)
            if deep and node.first_child != NULL:
                node = node.first_child
                continue
            if not deep:
                node = node.next
                continue
            while node != root and node.next == NULL:
                node = node.parent
            if node == root:
                break
            node = node.next
        if self.m.bad:  # as selectolax decodes it: the joined bytes, errors="replace"
            buf = bytearray()
            for i in range(self.segs.size()):
                buf += PyBytes_FromStringAndSize(<const char *> self.segs[i].first, self.segs[i].second)
            enc = buf.decode("utf-8", "replace").encode("utf-8")
            self.decoded = enc
            self.segs.clear()
            self.segs.push_back(Segment(<const unsigned char *> PyBytes_AS_STRING(enc), PyBytes_GET_SIZE(enc)))
            self.m.n = self.m.cjk = self.m.commas = 0
            self.m.bad = False
            _feed(&self.m, self.segs[0].first, self.segs[0].second)
            if self.m.bad:
                raise AssertionError("re-encoded text is not valid UTF-8")
        if tail:
            self.truncated = _truncated(self.segs)


# ---------------------------------------------------------------- the voted elements

cdef class Votes:
    """`_Evidence.nodes` of the compiled vote: the voted elements, in the order Python adds them.

    A mapping mem_id -> selectolax node like the dict it replaces; nodes are
    built on demand (see the module doc). Python's `nodes` and `direct` gain
    their keys together in `_vote`, so one ordered index serves both. Also keeps
    the paragraph weights by pointer for `total`, and answers `class_id` and
    `same_tag_class` without building nodes.
    """
    cdef object root
    cdef dict cache  # mem_id -> node built so far (the root first)
    cdef unordered_set[uintptr_t] cached
    cdef vector[uintptr_t] order  # the voted elements, in insertion order
    cdef vector[double] direct  # their votes
    cdef unordered_map[uintptr_t, size_t] index  # voted element -> its position in `order`
    cdef vector[pair[uintptr_t, double]] unit_list  # p/pre -> weight, for `total`
    cdef unordered_map[uintptr_t, double] units  # built from unit_list on the first `total`
    cdef unordered_map[uintptr_t, double] br_units
    cdef uint64_t br_filter[64]  # a one-hash Bloom filter of br_units' keys: most elements skip the map

    def __cinit__(self):
        for i in range(64):
            self.br_filter[i] = 0

    cdef inline void credit(self, uintptr_t k, double s):
        """direct[k] = direct.get(k, 0.0) + s"""
        cdef pair[unordered_map[uintptr_t, size_t].iterator, bint] r = self.index.insert(
            pair[uintptr_t, size_t](k, self.order.size()))
        if r.second:
            self.order.push_back(k)
            self.direct.push_back(0.0 + s)
        else:
            self.direct[deref(r.first).second] += s

    cdef inline bint _maybe_br(self, uintptr_t k) noexcept nogil:
        cdef uintptr_t h = (k >> 4) ^ (k >> 12)
        return (self.br_filter[(h >> 6) & 63] >> (h & 63)) & 1

    cdef void _add_br(self, uintptr_t k, double w):
        cdef uintptr_t h = (k >> 4) ^ (k >> 12)
        self.br_units[k] = w
        self.br_filter[(h >> 6) & 63] |= (<uint64_t> 1) << (h & 63)

    cdef inline bint _has(self, k):
        return isinstance(k, int) and 0 <= k <= <size_t> -1 and self.index.count(<uintptr_t> k) > 0

    def __len__(self):
        return self.order.size()

    def __iter__(self):
        return iter(self.keys())

    def __contains__(self, k):
        return self._has(k)

    def keys(self):
        cdef list out = []
        for i in range(self.order.size()):
            out.append(<size_t> self.order[i])
        return out

    def __getitem__(self, k):
        if not self._has(k):
            raise KeyError(k)
        return self._node(<uintptr_t> k)

    def node(self, k):
        """The selectolax node of the element with mem_id `k` (any element of the tree, voted or not)."""
        return self._node(<uintptr_t> k)

    def get(self, k, default=None):
        return self._node(<uintptr_t> k) if self._has(k) else default

    def values(self):
        return [self._node(self.order[i]) for i in range(self.order.size())]

    def items(self):
        return [(<size_t> self.order[i], self._node(self.order[i])) for i in range(self.order.size())]

    cdef object _node(self, uintptr_t k):
        """The selectolax node at `k`, stepped to from the nearest node already built."""
        cdef vector[wl_node_t *] chain
        cdef wl_node_t *cur = <wl_node_t *> k
        cdef wl_node_t *c
        cdef Py_ssize_t before, after, j
        cdef Py_ssize_t i
        if self.cached.count(k):
            return self.cache[k]
        while cur != NULL and not self.cached.count(<uintptr_t> cur):
            chain.push_back(cur)
            cur = cur.parent
        if cur == NULL:  # not under the root: one of its ancestors
            node = self.root
            while node is not None and node.mem_id != k:
                node = node.parent
                if node is not None:
                    self.cache[node.mem_id] = node
                    self.cached.insert(<uintptr_t> node.mem_id)
            if node is None:
                raise KeyError(k)
            return node
        node = self.cache[<size_t> cur]
        for i in range(<Py_ssize_t> chain.size() - 1, -1, -1):
            c = chain[i]
            sibling_counts(c, &before, &after)
            if before <= after:
                node = node.first_child
                for j in range(before):
                    node = node.next
            else:
                node = node.last_child
                for j in range(after):
                    node = node.prev
            self.cache[<size_t> c] = node
            self.cached.insert(<uintptr_t> c)
        if node.mem_id != k:
            raise AssertionError("node path walk went astray")
        return node

    def class_id(self, k):
        """(class, id) of the voted element `k` as `node.attributes.get(...)` gives them (None if absent)."""
        if not self._has(k):
            raise KeyError(k)
        cdef wl_node_t *node = <wl_node_t *> <uintptr_t> k
        if node.type != WL_NODE_ELEMENT:
            return None, None
        cdef wl_element_t *el = <wl_element_t *> node
        return _attr_value(el.attr_class), _attr_value(el.attr_id)

    def same_tag_class(self, best_key, tag_id, str cls):
        """Voted elements other than `best_key` with tag id `tag_id` and class `cls`, in order.

        What the twins scan of `find_body` looks for, without building a node
        per voted element (the caller checks the few found on their nodes).
        """
        cdef uintptr_t best = best_key, t = tag_id, k
        cdef wl_node_t *node
        cdef list out = []
        for i in range(self.order.size()):
            k = self.order[i]
            node = <wl_node_t *> k
            if k == best or node.type != WL_NODE_ELEMENT or node.local_name != t:
                continue
            if _attr_value((<wl_element_t *> node).attr_class) == cls:
                out.append(<size_t> k)
        return out

    def total(self, key, start, bint with_units):
        """`_Evidence.total` from `start` (= units.get(key, 0.0)): the paragraphs under `key` if
        `with_units`, then the <br> holders (`key` itself first), summed in document order."""
        cdef wl_node_t *root = <wl_node_t *> <uintptr_t> key
        cdef wl_node_t *node
        cdef double t = start
        cdef vector[double] brs
        cdef bint units, br = not self.br_units.empty()
        cdef unordered_map[uintptr_t, double].iterator it
        cdef uintptr_t tid
        if self.units.empty():
            for i in range(self.unit_list.size()):
                self.units[self.unit_list[i].first] = self.unit_list[i].second
        units = with_units and not self.units.empty()
        if not units and not br:
            return t
        node = root.first_child
        while node != NULL:
            tid = node.local_name
            if units and (tid == P_ID or tid == PRE_ID):
                it = self.units.find(<uintptr_t> node)
                if it != self.units.end():
                    t += deref(it).second
            if br and self._maybe_br(<uintptr_t> node):
                it = self.br_units.find(<uintptr_t> node)
                if it != self.br_units.end():
                    brs.push_back(deref(it).second)
            node = next_in(node, root)
            if node == NULL:
                break
        if br:
            it = self.br_units.find(<uintptr_t> root)
            t += deref(it).second if it != self.br_units.end() else 0.0
            for i in range(brs.size()):
                t += brs[i]
        return t


cdef str _attr_value(wl_attr_t *attr):
    # as selectolax's `attributes` reads a value: None without one, else decoded with errors="replace"
    if attr == NULL or attr.value == NULL or attr.value.data == NULL:
        return None
    return PyUnicode_DecodeUTF8(<const char *> attr.value.data, attr.value.length, "replace")


# ---------------------------------------------------------------- the vote

cdef inline bint _is_p(wl_node_t *node) noexcept nogil:
    return node.local_name == P_ID or node.local_name == PRE_ID


cdef inline void _vote(Votes votes, wl_node_t *holder, bint truncated, Py_ssize_t commas, double *w):
    """Mirrors `body._vote`: credit a paragraph (weight w[0], cut for a truncated text) to its holder
    (climbing out of quotes, lists, tables: at most 4 levels) and, halved, to the holder's parent."""
    cdef int hops = 0
    cdef double s
    while holder.local_name < 256 and NOT_A_BODY[holder.local_name] and hops < 4:
        if holder.parent == NULL:
            break
        holder = holder.parent
        hops += 1
    if truncated:
        w[0] *= 0.3
    s = w[0] + 10 * (commas if commas < 10 else 10)
    votes.credit(<uintptr_t> holder, s)
    if holder.parent != NULL:
        votes.credit(<uintptr_t> holder.parent, s / 2)


cdef struct Unit:
    uintptr_t key
    uintptr_t parent
    double w
    long long iw
    bint is_int  # Python's weight is still the int from len()/weight()


cdef struct Anchor:
    wl_node_t *node
    size_t paragraph  # index of its nearest <p>/<pre> (within six levels) in the paragraphs
    bint in_p, in_pre  # matched by "p a", by "pre a"


cdef class _Scratch:
    """Buffers of one vote, kept for the next one (their memory is reused)."""
    cdef vector[wl_node_t *] paragraphs, brs, open
    cdef vector[size_t] open_index
    cdef vector[Anchor] anchors
    cdef vector[long long] links
    cdef vector[Unit] units
    cdef _Text text

    def __cinit__(self):
        self.text = _Text()


cdef _Scratch _spare = _Scratch()  # taken while a vote runs, so a vote started meanwhile gets its own


cdef _Scratch _take_scratch():
    global _spare
    cdef _Scratch sc = _spare
    _spare = None
    return sc if sc is not None else _Scratch()


def score_paragraphs(root, ev):
    """Fill `ev` (a fresh body._Evidence) as body._score_paragraphs_py(root) does; returns the Votes."""
    if not CONFIGURED:
        raise RuntimeError("service.native.body.configure() was not called")
    cdef wl_node_t *top = <wl_node_t *> <uintptr_t> root.mem_id
    cdef wl_node_t *node
    cdef wl_node_t *up
    cdef Py_ssize_t in_p = 0, in_pre = 0  # <p>/<pre> among the strict ancestors of `node`
    cdef bint has_pre = False
    cdef uintptr_t tid
    cdef unordered_set[uintptr_t] seen
    cdef int hops, times
    cdef size_t i
    cdef double w, f
    cdef long long la, iw
    cdef bint is_int
    cdef Votes votes = Votes()
    cdef _Scratch sc = _take_scratch()
    cdef _Text text = sc.text
    cdef Unit u
    cdef Anchor a
    cdef vector[pair[uintptr_t, double]] br_order
    cdef vector[long long] br_int
    cdef vector[bint] br_is_int
    cdef dict direct = {}, d_units = {}, d_parents = {}, d_br = {}

    sc.paragraphs.clear()
    sc.brs.clear()
    sc.anchors.clear()
    sc.open.clear()
    sc.open_index.clear()
    sc.units.clear()
    votes.root = root
    votes.cache = {root.mem_id: root}
    votes.cached.insert(<uintptr_t> top)

    # "p a" and "pre a" look for a <p>/<pre> anywhere above, also above `root`
    up = top.parent
    while up != NULL:
        if up.local_name == P_ID:
            in_p += 1
        elif up.local_name == PRE_ID:
            in_pre += 1
        up = up.parent

    # the query "p, pre, br, p a" (and "pre a"), in document order, `root` included; `sc.open` holds the
    # <p>/<pre> (of the walk) around `node`, so an <a>'s nearest one is found without a look-up
    node = top
    while True:
        tid = node.local_name  # only elements have these ids
        if tid == P_ID or tid == PRE_ID:
            sc.paragraphs.push_back(node)
            if tid == PRE_ID:
                has_pre = True
        elif tid == A_ID:
            if (in_p or in_pre) and not sc.open.empty():
                up = node.parent
                hops = 0
                while up != NULL and hops < 6 and not _is_p(up):
                    up = up.parent
                    hops += 1
                if up == sc.open.back() and hops < 6:
                    a.node = node
                    a.paragraph = sc.open_index.back()
                    a.in_p = in_p > 0
                    a.in_pre = in_pre > 0
                    sc.anchors.push_back(a)
        elif tid == BR_ID:
            sc.brs.push_back(node)
        if node.first_child != NULL:
            if node.next != NULL:  # the walk comes back to it after the subtree: load it meanwhile
                __builtin_prefetch(node.next)
            if tid == P_ID or tid == PRE_ID:
                if tid == P_ID:
                    in_p += 1
                else:
                    in_pre += 1
                sc.open.push_back(node)
                sc.open_index.push_back(sc.paragraphs.size() - 1)
            node = node.first_child
            continue
        while node != top and node.next == NULL:
            node = node.parent
            tid = node.local_name
            if tid == P_ID or tid == PRE_ID:
                if tid == P_ID:
                    in_p -= 1
                else:
                    in_pre -= 1
                sc.open.pop_back()
                sc.open_index.pop_back()
        if node == top:
            break
        node = node.next

    # link characters per paragraph (a link matched by both "p a" and "pre a" counts twice)
    sc.links.assign(sc.paragraphs.size(), 0)
    for i in range(sc.anchors.size()):
        a = sc.anchors[i]
        times = (1 if a.in_p else 0) + (1 if a.in_pre and has_pre else 0)
        if times:
            text.measure(a.node, True, False)
            sc.links[a.paragraph] += times * text.m.n

    for i in range(sc.paragraphs.size()):
        node = sc.paragraphs[i]
        text.measure(node, True, False)
        iw = text.m.n + text.m.cjk  # measure.weight
        if iw < MIN_W:
            continue
        w = <double> iw
        is_int = True
        la = sc.links[i]
        if la:
            f = 1.0 - 1.5 * <double> la / <double> (text.m.n if text.m.n > 1 else 1)
            w = w * (f if f > 0.0 else 0.0)
            is_int = False
            if w < MIN_W:
                continue
        if node.parent == NULL:
            continue
        if _truncated(text.segs):
            is_int = False
            _vote(votes, node.parent, True, text.m.commas, &w)
        else:
            _vote(votes, node.parent, False, text.m.commas, &w)
        u.key = <uintptr_t> node
        u.parent = <uintptr_t> node.parent
        u.w = w
        u.iw = iw
        u.is_int = is_int
        sc.units.push_back(u)

    for i in range(sc.brs.size()):
        up = sc.brs[i].parent
        if up == NULL:
            continue
        if _is_p(up) or not seen.insert(<uintptr_t> up).second:
            continue
        text.measure(up, False, True)
        iw = text.m.n + text.m.cjk
        if iw >= MIN_W:
            w = <double> iw
            _vote(votes, up, text.truncated, text.m.commas, &w)
            br_order.push_back(pair[uintptr_t, double](<uintptr_t> up, w))
            br_int.push_back(iw)
            br_is_int.push_back(not text.truncated)
            votes._add_br(<uintptr_t> up, w)
    text.decoded = None

    for i in range(votes.order.size()):
        direct[<size_t> votes.order[i]] = votes.direct[i]
    votes.unit_list.reserve(sc.units.size())
    for i in range(sc.units.size()):
        u = sc.units[i]
        d_units[<size_t> u.key] = u.iw if u.is_int else u.w
        d_parents[<size_t> u.key] = <size_t> u.parent
        votes.unit_list.push_back(pair[uintptr_t, double](u.key, u.w))
    for i in range(br_order.size()):
        d_br[<size_t> br_order[i].first] = br_int[i] if br_is_int[i] else br_order[i].second
    ev.direct = direct
    ev.units = d_units
    ev.unit_parents = d_parents
    ev.br_units = d_br
    ev.nodes = votes
    if not has_pre:
        ev.units_query = "p"
    global _spare
    _spare = sc
    return votes
