# cython: language_level=3
"""DOM primitives over Lexbor node pointers (a selectolax `Node.mem_id`).

Small, general operations that Python code calls with plain integers instead
of node wrappers: the text under a node, the elements of a subtree with given
tags, the outermost of a set of elements, removing a subtree. Also `describe`,
which the layout check in __init__.py compares against selectolax's own API.
"""

from libc.stdint cimport uintptr_t
from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_FromStringAndSize
from cpython.unicode cimport PyUnicode_DecodeUTF8
from libc.string cimport memcmp, memcpy

from .lexbor_layout cimport (
    WL_CMODE_QUIRKS, wl_document_t, wl_str_t,
    WL_ATTR_LAST_ENTRY, WL_HASH_SHORT_SIZE, WL_NODE_ELEMENT, WL_NODE_TEXT, wl_attr_t, wl_character_data_t, wl_element_t,
    wl_hash_entry_t, wl_node_t,
)
from .walk cimport next_in


cdef str _decode(const unsigned char *data, size_t length):
    if data == NULL or length == 0:
        return ""
    return PyUnicode_DecodeUTF8(<const char *> data, length, "replace")


cdef str _attr_value(wl_attr_t *attr):
    # as selectolax's `attributes`: None for an attribute without a value
    if attr == NULL or attr.value == NULL or attr.value.data == NULL:
        return None
    return _decode(attr.value.data, attr.value.length)


cdef str _text(wl_node_t *root):
    """The UTF-8 of every text node under `root` (and of `root`, if it is one), joined and decoded."""
    cdef wl_node_t *node
    cdef wl_character_data_t *cd
    cdef size_t total = 0
    cdef char *out
    cdef bytes buf
    # two passes, sizes then copies: one allocation whatever the number of text nodes
    node = root
    while node != NULL:
        if node.type == WL_NODE_TEXT and (<wl_character_data_t *> node).data.data != NULL:
            total += (<wl_character_data_t *> node).data.length
        node = next_in(node, root)
    if total == 0:
        return ""
    buf = PyBytes_FromStringAndSize(NULL, total)
    out = PyBytes_AS_STRING(buf)
    total = 0
    node = root
    while node != NULL:
        if node.type == WL_NODE_TEXT:
            cd = <wl_character_data_t *> node
            if cd.data.data != NULL:
                memcpy(out + total, cd.data.data, cd.data.length)
                total += cd.data.length
        node = next_in(node, root)
    return PyUnicode_DecodeUTF8(out, total, "replace")


def text(size_t mem_id) -> str:
    """The text of the node and everything under it, as `Node.text()` gives it."""
    return _text(<wl_node_t *> mem_id)


def describe(size_t mem_id) -> list:
    """(tag id, node type, class, id, own text, parent's mem_id) of the node and each node under it, in document order.

    For the layout check only: every field the compiled walks read, in a form
    selectolax's API can give too.
    """
    cdef wl_node_t *root = <wl_node_t *> mem_id
    cdef wl_node_t *node = root
    cdef wl_element_t *el
    cdef list out = []
    while node != NULL:
        if node.type == WL_NODE_ELEMENT:
            el = <wl_element_t *> node
            out.append((node.local_name, node.type, _attr_value(el.attr_class), _attr_value(el.attr_id), None,
                        <size_t> node.parent))
        elif node.type == WL_NODE_TEXT:
            out.append((node.local_name, node.type, None, None,
                        _decode((<wl_character_data_t *> node).data.data, (<wl_character_data_t *> node).data.length),
                        <size_t> node.parent))
        else:
            out.append((node.local_name, node.type, None, None, None, <size_t> node.parent))
        node = next_in(node, root)
        if node == NULL:
            break
    return out


def tagged(size_t mem_id, const unsigned char[:] wanted) -> list:
    """(mem_id, tag id) of the elements under the node, and the node, whose tag id is set in `wanted`, in document order.

    `wanted` is a bitmap by tag id (standard tags have small fixed ids; a
    custom element's id is larger than any bitmap and never matches): what
    `[el for el in node.traverse() if el.tag_id in ids]` gives, as integers.
    """
    cdef wl_node_t *root = <wl_node_t *> mem_id
    cdef wl_node_t *node = root
    cdef size_t n = wanted.shape[0]
    cdef list out = []
    while node != NULL:
        if node.type == WL_NODE_ELEMENT and node.local_name < n and wanted[node.local_name]:
            out.append((<size_t> node, node.local_name))
        node = next_in(node, root)
        if node == NULL:
            break
    return out


def outermost(list ids) -> list:
    """The ids not inside another node of `ids`, in the given order (as html.body.outermost)."""
    cdef set members = set(ids)
    cdef list keep = []
    cdef wl_node_t *up
    cdef size_t key
    for key in ids:
        up = (<wl_node_t *> key).parent
        while up != NULL and (<size_t> up) not in members:
            up = up.parent
        if up == NULL:
            keep.append(key)
    return keep


cdef inline void _unlink(wl_node_t *node) noexcept nogil:
    # Lexbor's lxb_dom_node_remove for a document parsed without DOM events (as winnow parses)
    if node.parent != NULL:
        if node.parent.first_child == node:
            node.parent.first_child = node.next
        if node.parent.last_child == node:
            node.parent.last_child = node.prev
    if node.next != NULL:
        node.next.prev = node.prev
    if node.prev != NULL:
        node.prev.next = node.next
    node.parent = NULL
    node.next = NULL
    node.prev = NULL


def remove_deep(size_t mem_id) -> None:
    """Detach the node and every node under it from each other and from the tree.

    What selectolax's `decompose()` does: nodes are unlinked one by one, not
    freed (their memory belongs to the document until it is destroyed), so a
    wrapper or id that still points into the removed subtree reads a lone node.
    Only for documents parsed with DOM events off (LexborDocumentOptions.WO_EVENTS),
    as service.html.extract parses them: with events on, Lexbor would also run its
    removal callbacks.
    """
    cdef wl_node_t *root = <wl_node_t *> mem_id
    cdef wl_node_t *node = root
    cdef wl_node_t *tmp
    while node != NULL:
        if node.first_child != NULL:
            node = node.first_child
        else:
            while node != root and node.next == NULL:
                tmp = node.parent
                _unlink(node)
                node = tmp
            if node == root:
                _unlink(node)
                break
            tmp = node.next
            _unlink(node)
            node = tmp


# Names of the attribute ids below WL_ATTR_LAST_ENTRY that winnow has asked about: Lexbor
# fixes these ids, but its table of their names is not reachable from here, so each name
# is learned once, the first time it is asked for, from a one-element document.
cdef dict _static_names = {}
cdef set _learned = set()


cdef void _learn(tuple names) except *:
    cdef wl_attr_t *attr
    cdef uintptr_t key
    for name in names:
        if name in _learned:
            continue
        from selectolax.lexbor import LexborHTMLParser

        probe = LexborHTMLParser(f'<p {name}="">')  # kept while its node's memory is read
        node = probe.css_first("p")
        attr = (<wl_element_t *> <size_t> node.mem_id).first_attr
        if attr == NULL:
            raise ValueError(f"not an attribute name: {name!r}")
        key = attr.qualified_name if attr.qualified_name != 0 else attr.node.local_name
        if key < WL_ATTR_LAST_ENTRY:
            _static_names[key] = name
        _learned.add(name)


cdef object _attr_name(wl_attr_t *attr):
    """The attribute's name as selectolax's `attributes` gives it (qualified name), or None if not known here."""
    cdef uintptr_t key = attr.qualified_name if attr.qualified_name != 0 else attr.node.local_name
    cdef wl_hash_entry_t *entry
    if key < WL_ATTR_LAST_ENTRY:
        return _static_names.get(key)
    entry = <wl_hash_entry_t *> key
    if entry.length <= WL_HASH_SHORT_SIZE:
        return _decode(entry.u.short_str, entry.length)
    return _decode(entry.u.long_str, entry.length)


def attribute_ids(size_t mem_id, tuple names=()) -> list:
    """(name id, name, value) of each attribute of the element, in order (for the layout check).

    The name is None for a name with a fixed Lexbor id that is not in `names`
    and was not asked about before.
    """
    cdef wl_node_t *node = <wl_node_t *> mem_id
    cdef wl_attr_t *attr
    cdef list out = []
    _learn(names)
    if node.type != WL_NODE_ELEMENT:
        return out
    attr = (<wl_element_t *> node).first_attr
    while attr != NULL:
        out.append((attr.qualified_name if attr.qualified_name != 0 else attr.node.local_name, _attr_name(attr),
                    _attr_value(attr)))
        attr = attr.next
    return out


cdef enum:
    MAX_NAMES = 16


cdef struct _Wanted:
    # the attribute names asked for, as C data: index by fixed id, and bytes for the others
    Py_ssize_t count
    Py_ssize_t by_id[WL_ATTR_LAST_ENTRY]
    const char *chars[MAX_NAMES]
    size_t length[MAX_NAMES]


cdef int _prepare(_Wanted *w, tuple names, list encoded) except -1:
    cdef Py_ssize_t i
    cdef bytes b
    if len(names) > MAX_NAMES:
        raise ValueError(f"at most {MAX_NAMES} attribute names")
    _learn(names)
    w.count = len(names)
    for i in range(WL_ATTR_LAST_ENTRY):
        w.by_id[i] = -1
    for key, name in _static_names.items():
        if name in names and key < WL_ATTR_LAST_ENTRY:
            w.by_id[key] = names.index(name)
    for i in range(w.count):
        b = names[i].encode("utf-8")
        encoded.append(b)  # keeps the bytes alive while `chars` points into them
        w.chars[i] = PyBytes_AS_STRING(b)
        w.length[i] = len(b)
    return 0


cdef inline Py_ssize_t _wanted_index(wl_attr_t *attr, _Wanted *w) noexcept nogil:
    """Index in the names asked for of the attribute's name, or -1: compared as bytes, no string is made."""
    cdef uintptr_t key = attr.qualified_name if attr.qualified_name != 0 else attr.node.local_name
    cdef wl_hash_entry_t *entry
    cdef const unsigned char *chars
    cdef Py_ssize_t i
    if key < WL_ATTR_LAST_ENTRY:
        return w.by_id[key]
    entry = <wl_hash_entry_t *> key
    if entry.length <= WL_HASH_SHORT_SIZE:
        chars = entry.u.short_str
    else:
        chars = entry.u.long_str
    for i in range(w.count):
        if w.length[i] == entry.length and memcmp(w.chars[i], chars, entry.length) == 0:
            return i
    return -1


cdef dict _wanted_attributes(wl_node_t *node, _Wanted *w, tuple names):
    """{name: value} of the element's attributes among `names` (attribute order), or None when it has none of them."""
    cdef wl_attr_t *attr
    cdef dict found = None
    cdef Py_ssize_t i
    if node.type != WL_NODE_ELEMENT:
        return None
    attr = (<wl_element_t *> node).first_attr
    while attr != NULL:
        i = _wanted_index(attr, w)
        if i >= 0:
            if found is None:
                found = {}
            found[names[i]] = _attr_value(attr)
        attr = attr.next
    return found


def with_attributes(size_t mem_id, tuple names) -> list:
    """Elements under the node (and the node) with any attribute in `names`, in document order.

    Each as (mem_id, tag id, {name: value} of those attributes it has): what
    `node.css("[a], [b], ...")` finds, without a wrapper per element.
    (`names` must be lower case, as the HTML parser stores attribute names.)
    """
    cdef wl_node_t *root = <wl_node_t *> mem_id
    cdef wl_node_t *node = root
    cdef list out = []
    cdef dict found
    cdef _Wanted w
    cdef list encoded = []
    _prepare(&w, names, encoded)
    while node != NULL:
        found = _wanted_attributes(node, &w, names)
        if found is not None:
            out.append((<size_t> node, node.local_name, found))
        node = next_in(node, root)
    return out


def tagged_with_attributes(size_t mem_id, const unsigned char[:] wanted, tuple names) -> list:
    """`tagged`, each element with the {name: value} of its attributes in `names` (in attribute order)."""
    cdef wl_node_t *root = <wl_node_t *> mem_id
    cdef wl_node_t *node = root
    cdef size_t n = wanted.shape[0]
    cdef list out = []
    cdef dict found
    cdef _Wanted w
    cdef list encoded = []
    _prepare(&w, names, encoded)
    while node != NULL:
        if node.type == WL_NODE_ELEMENT and node.local_name < n and wanted[node.local_name]:
            found = _wanted_attributes(node, &w, names)
            out.append((<size_t> node, node.local_name, found if found is not None else {}))
        node = next_in(node, root)
    return out


# --------------------------------------------------------------------------- simple selectors
#
# Lexbor's selector engine walks the whole tree once per selector of a list. The
# metadata fallbacks (bylines, dates) ask for a handful of simple selectors over a
# whole page; `select` tests them all in one walk, with Lexbor's matching rules:
# class tokens ignore ASCII case in quirks mode; `[name~=token]` compares
# whitespace-separated tokens, ignoring ASCII case only for `rel` on HTML elements
# (of the attributes these selectors use, Lexbor's case-insensitive list has only
# `rel`); attributes are found by local name.

cdef uintptr_t _html_ns = 0


cdef inline bint _is_space(unsigned char c) noexcept nogil:
    return c == 0x20 or c == 0x09 or c == 0x0A or c == 0x0C or c == 0x0D


cdef inline unsigned char _lower(unsigned char c) noexcept nogil:
    return c + 32 if 0x41 <= c <= 0x5A else c


cdef bint _same_bytes(const unsigned char *a, const char *b, size_t n, bint fold) noexcept nogil:
    cdef size_t i
    if not fold:
        return memcmp(a, b, n) == 0
    for i in range(n):
        if _lower(a[i]) != _lower(<unsigned char> b[i]):
            return False
    return True


cdef bint _has_token(wl_str_t *value, const char *token, size_t n, bint fold) noexcept nogil:
    """`token` is one of the whitespace-separated words of `value` (Lexbor's class/`~=` rule)."""
    cdef const unsigned char *data
    cdef size_t i, start = 0, length
    if value == NULL or value.data == NULL or n == 0:
        return False
    data = value.data
    length = value.length
    for i in range(length + 1):
        if i == length or _is_space(data[i]):
            if i - start == n and _same_bytes(data + start, token, n, fold):
                return True
            start = i + 1
    return False


cdef bint _value_matches(wl_str_t *value, _Simple *s, bint fold) noexcept nogil:
    """The attribute value passes `s`'s operator (Lexbor: a value-less attribute compares as "")."""
    cdef const unsigned char *data
    cdef size_t length, i
    if s.op == 1:
        return _has_token(value, s.token, s.token_len, fold)
    if value == NULL or value.data == NULL:
        return False  # "" is never equal to, nor contains, a non-empty value
    data = value.data
    length = value.length
    if s.op == 2:
        return length == s.token_len and _same_bytes(data, s.token, length, fold)
    if length < s.token_len:
        return False
    for i in range(length - s.token_len + 1):
        if _same_bytes(data + i, s.token, s.token_len, fold):
            return True
    return False


cdef bint _local_name_is(wl_attr_t *attr, uintptr_t static_id, const char *name, size_t n) noexcept nogil:
    cdef uintptr_t key = attr.node.local_name
    cdef wl_hash_entry_t *entry
    cdef const unsigned char *chars
    if key < WL_ATTR_LAST_ENTRY:
        return key == static_id
    entry = <wl_hash_entry_t *> key
    if entry.length != n:
        return False
    if entry.length <= WL_HASH_SHORT_SIZE:
        chars = entry.u.short_str
    else:
        chars = entry.u.long_str
    return memcmp(chars, name, n) == 0


cdef struct _Simple:
    # one simple selector: tag? .class? [attr] / [attr~=token]? with an ancestor tag?
    Py_ssize_t tag              # tag id, or -1 for any
    const char *cls             # class token, or NULL
    size_t cls_len
    const char *ident           # #id: the id attribute's whole value, or NULL
    size_t ident_len
    const char *attr            # attribute local name, or NULL
    size_t attr_len
    uintptr_t attr_static       # its fixed Lexbor id, or 0 when it has none
    int op                      # 0 presence, 1 `~=` (a word of the value), 2 `=`, 3 `*=` (in the value)
    const char *token           # the value to compare, or NULL for presence
    size_t token_len
    bint fold                   # `i` flag: ASCII case ignored in the value
    bint rel_case               # the attribute is `rel`: ASCII case ignored on HTML elements
    Py_ssize_t ancestor         # tag id of a required ancestor, or -1


cdef unsigned int _class_mask(wl_element_t *el, _Simple *simple, Py_ssize_t count, bint quirks) noexcept nogil:
    """Bit i set when selector i's class token is among the element's class names (one pass over them)."""
    cdef unsigned int mask = 0
    cdef const unsigned char *data
    cdef size_t i, start = 0, length, n
    cdef Py_ssize_t k
    if el.attr_class == NULL or el.attr_class.value == NULL or el.attr_class.value.data == NULL:
        return 0
    data = el.attr_class.value.data
    length = el.attr_class.value.length
    for i in range(length + 1):
        if i == length or _is_space(data[i]):
            n = i - start
            if n:
                for k in range(count):
                    if simple[k].cls != NULL and simple[k].cls_len == n and _same_bytes(data + start, simple[k].cls, n, quirks):
                        mask |= 1u << k
            start = i + 1
    return mask


cdef bint _matches(wl_node_t *node, _Simple *s, unsigned int bit, unsigned int cls_mask, bint quirks) noexcept nogil:
    """Selector `s` (number `bit` of the list) matches the element, given its class mask and the document's mode."""
    cdef wl_element_t *el = <wl_element_t *> node
    cdef wl_attr_t *attr
    cdef wl_node_t *up
    if s.tag >= 0 and node.local_name != <uintptr_t> s.tag:
        return False
    if s.cls != NULL and not (cls_mask & bit):
        return False
    if s.ident != NULL:  # Lexbor: the whole id value, ASCII case ignored in quirks mode
        if el.attr_id == NULL or el.attr_id.value == NULL or el.attr_id.value.length != s.ident_len:
            return False
        if not _same_bytes(el.attr_id.value.data, s.ident, s.ident_len, quirks):
            return False
    if s.attr != NULL:
        attr = el.first_attr
        while attr != NULL and not _local_name_is(attr, s.attr_static, s.attr, s.attr_len):
            attr = attr.next
        if attr == NULL:
            return False
        if s.op and not _value_matches(attr.value, s, s.fold or (s.rel_case and node.ns == _html_ns)):
            return False
    if s.ancestor >= 0:
        up = node.parent
        while up != NULL and not (up.type == WL_NODE_ELEMENT and up.local_name == <uintptr_t> s.ancestor):
            up = up.parent
        if up == NULL:
            return False
    return True


cdef const char *_kept(list keep, str text, size_t *length) except? NULL:
    """`text` as UTF-8 bytes held alive in `keep`; NULL for None."""
    cdef bytes b
    if text is None:
        return NULL
    b = text.encode("utf-8")
    keep.append(b)
    length[0] = len(b)
    return PyBytes_AS_STRING(b)


def select(size_t mem_id, tuple selectors, Py_ssize_t limit) -> list:
    """mem_ids of the elements under the node (and the node) that the simple selectors match, in document order.

    As `css()` with the selectors as one list: an element once per selector it
    matches; at most `limit` ids (1 gives what `css_first` finds), the walk
    stopping there. Each selector is a tuple from
    service.html.selectors.simple_selectors.
    """
    global _html_ns
    cdef wl_node_t *root = <wl_node_t *> mem_id
    cdef wl_node_t *node = root
    cdef Py_ssize_t count = len(selectors), i
    cdef _Simple simple[MAX_NAMES]
    cdef list keep = []  # the encoded strings the C pointers point into
    cdef list out = []
    cdef bint quirks, any_class
    cdef unsigned int cls_mask
    if count > MAX_NAMES:
        raise ValueError(f"at most {MAX_NAMES} selectors")
    if limit <= 0:
        return out
    if _html_ns == 0:
        from selectolax.lexbor import LexborHTMLParser

        probe = LexborHTMLParser("<p>")  # kept until the read: the node's memory is the parser's
        _html_ns = (<wl_node_t *> <size_t> probe.css_first("p").mem_id).ns
    names = tuple({sel[3] for sel in selectors if sel[3] is not None})
    _learn(names)
    by_name = {name: key for key, name in _static_names.items()}
    for i in range(count):
        tag, cls, ident, attr, op, token, fold, ancestor = selectors[i]
        simple[i].tag = tag
        simple[i].ancestor = ancestor
        simple[i].rel_case = attr == "rel"
        simple[i].fold = fold
        simple[i].op = {"": 0, "~": 1, "=": 2, "*": 3}[op]
        if simple[i].op and not token:
            raise ValueError(f"an empty value in {selectors[i]!r}")  # Lexbor never matches those; not needed here
        simple[i].attr_static = by_name.get(attr, 0) if attr is not None else 0
        simple[i].cls = _kept(keep, cls, &simple[i].cls_len)
        simple[i].ident = _kept(keep, ident, &simple[i].ident_len)
        simple[i].attr = _kept(keep, attr, &simple[i].attr_len)
        simple[i].token = _kept(keep, token, &simple[i].token_len)
    quirks = (<wl_document_t *> root.owner_document).compat_mode == WL_CMODE_QUIRKS
    any_class = any(sel[1] is not None for sel in selectors)
    while node != NULL:
        if node.type == WL_NODE_ELEMENT:
            cls_mask = _class_mask(<wl_element_t *> node, simple, count, quirks) if any_class else 0
            for i in range(count):
                if _matches(node, &simple[i], 1u << i, cls_mask, quirks):
                    out.append(<size_t> node)
                    if len(out) == limit:
                        return out
        node = next_in(node, root)
    return out


def text_joined(size_t mem_id, str separator) -> str:
    """The node's text fragments joined by `separator`, as `Node.text(separator=...)` gives them."""
    cdef wl_node_t *root = <wl_node_t *> mem_id
    cdef wl_node_t *node = root
    cdef wl_character_data_t *cd
    cdef bytearray buf = bytearray()
    cdef bytes sep = separator.encode("utf-8")
    cdef Py_ssize_t count = 0
    while node != NULL:
        if node.type == WL_NODE_TEXT:
            cd = <wl_character_data_t *> node
            if cd.data.data != NULL:
                if count and sep:
                    buf += sep
                buf += PyBytes_FromStringAndSize(<const char *> cd.data.data, cd.data.length)
                count += 1
        node = next_in(node, root)
    return buf.decode("utf-8", "replace")


def tag_id(size_t mem_id) -> int:
    """The node's Lexbor tag id (`Node.tag_id`)."""
    return (<wl_node_t *> mem_id).local_name


def parent(size_t mem_id) -> int:
    """The parent's mem_id, or 0 at the top (or for a removed node)."""
    return <size_t> (<wl_node_t *> mem_id).parent


def class_of(size_t mem_id):
    """The element's class attribute (`attributes.get("class")`), or None."""
    cdef wl_node_t *node = <wl_node_t *> mem_id
    if node.type != WL_NODE_ELEMENT:
        return None
    return _attr_value((<wl_element_t *> node).attr_class)


def ancestor_attributes(size_t mem_id, tuple names) -> list:
    """(mem_id, tag id, {name: value} of its attributes in `names`) of the node and each node above it, nearest first.

    What following `.parent` from the node gives (up to and including the
    document node, whose attributes are empty), with the attributes asked for.
    """
    cdef wl_node_t *node = <wl_node_t *> mem_id
    cdef list out = []
    cdef dict found
    cdef _Wanted w
    cdef list encoded = []
    _prepare(&w, names, encoded)
    while node != NULL:
        found = _wanted_attributes(node, &w, names)
        out.append((<size_t> node, node.local_name, found if found is not None else {}))
        node = node.parent
    return out
