# Cython view of lexbor_layout.h (see there for why it exists and what it mirrors).
from libc.stdint cimport uintptr_t


cdef extern from "lexbor_layout.h" nogil:
    ctypedef struct wl_str_t:
        unsigned char *data
        size_t length

    ctypedef struct wl_node_t:
        uintptr_t local_name
        wl_node_t *next
        wl_node_t *prev
        wl_node_t *parent
        wl_node_t *first_child
        wl_node_t *last_child
        int type

    ctypedef struct wl_attr_t:
        wl_node_t node
        wl_str_t *value
        wl_attr_t *next

    ctypedef struct wl_element_t:
        wl_node_t node
        wl_attr_t *first_attr
        wl_attr_t *attr_id
        wl_attr_t *attr_class

    ctypedef struct wl_character_data_t:
        wl_node_t node
        wl_str_t data

    int WL_NODE_ELEMENT
    int WL_NODE_TEXT
    int WL_NODE_COMMENT
