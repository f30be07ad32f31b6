# cython: language_level=3
"""DOM primitives over Lexbor node pointers (a selectolax `Node.mem_id`).

The reading primitives the other compiled walks share, and `describe`, which
the layout check in __init__.py compares against selectolax's own API.
"""

from libc.stdint cimport uintptr_t
from cpython.bytes cimport PyBytes_FromStringAndSize
from cpython.unicode cimport PyUnicode_DecodeUTF8

from .lexbor_layout cimport wl_node_t, wl_element_t, wl_character_data_t, wl_attr_t, WL_NODE_ELEMENT, WL_NODE_TEXT


cdef str _decode(const unsigned char *data, size_t length):
    if data == NULL or length == 0:
        return ""
    return PyUnicode_DecodeUTF8(<const char *> data, length, "replace")


cdef str _attr_value(wl_attr_t *attr):
    if attr == NULL or attr.value == NULL:
        return None
    return _decode(attr.value.data, attr.value.length)


def text(size_t mem_id) -> str:
    """The text of the node and everything under it, as `Node.text()` gives it."""
    cdef wl_node_t *root = <wl_node_t *> mem_id
    cdef wl_node_t *node
    cdef bytearray buf = bytearray()
    cdef wl_character_data_t *cd
    if root.type == WL_NODE_TEXT:
        cd = <wl_character_data_t *> root
        if cd.data.data != NULL:
            buf += PyBytes_FromStringAndSize(<const char *> cd.data.data, cd.data.length)
    node = root.first_child
    while node != NULL:
        if node.type == WL_NODE_TEXT:
            cd = <wl_character_data_t *> node
            if cd.data.data != NULL:
                buf += PyBytes_FromStringAndSize(<const char *> cd.data.data, cd.data.length)
        if node.first_child != NULL:
            node = node.first_child
            continue
        while node != root and node.next == NULL:
            node = node.parent
        if node == root:
            break
        node = node.next
    return buf.decode("utf-8", "replace")


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
        if node.first_child != NULL:
            node = node.first_child
            continue
        while node != root and node.next == NULL:
            node = node.parent
        if node == root:
            break
        node = node.next
    return out
