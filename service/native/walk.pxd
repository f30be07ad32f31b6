# The document-order walk every compiled module uses (Lexbor trees are read without recursion or a stack).
from .lexbor_layout cimport wl_node_t


cdef inline wl_node_t *next_in(wl_node_t *node, wl_node_t *root) noexcept nogil:
    """The node after `node` in document order within `root`'s subtree, or NULL after the last one."""
    if node.first_child != NULL:
        return node.first_child
    while node != root and node.next == NULL:
        node = node.parent
    if node == root:
        return NULL
    return node.next


cdef inline void sibling_counts(wl_node_t *node, Py_ssize_t *before, Py_ssize_t *after) noexcept nogil:
    """How many siblings come before and after `node` (its child position from either end)."""
    cdef wl_node_t *sib = node.prev
    before[0] = after[0] = 0
    while sib != NULL:
        before[0] += 1
        sib = sib.prev
    sib = node.next
    while sib != NULL:
        after[0] += 1
        sib = sib.next
