# Cython view of lexbor_layout.h (see there for why it exists and what it mirrors).
from libc.stdint cimport uintptr_t


cdef extern from "lexbor_layout.h" nogil:
    ctypedef struct wl_str_t:
        unsigned char *data
        size_t length

    ctypedef struct wl_node_t:
        uintptr_t local_name
        uintptr_t ns
        void *owner_document
        wl_node_t *next
        wl_node_t *prev
        wl_node_t *parent
        wl_node_t *first_child
        wl_node_t *last_child
        int type

    ctypedef struct wl_attr_t:
        wl_node_t node
        uintptr_t qualified_name
        wl_str_t *value
        wl_attr_t *next

    ctypedef union wl_hash_entry_u:
        unsigned char *long_str
        unsigned char short_str[17]

    ctypedef struct wl_hash_entry_t:
        wl_hash_entry_u u
        size_t length

    enum: WL_ATTR_LAST_ENTRY
    enum: WL_HASH_SHORT_SIZE

    ctypedef struct wl_element_t:
        wl_node_t node
        wl_attr_t *first_attr
        wl_attr_t *attr_id
        wl_attr_t *attr_class

    ctypedef struct wl_character_data_t:
        wl_node_t node
        wl_str_t data

    ctypedef struct wl_document_t:
        wl_node_t node
        int compat_mode

    int WL_CMODE_QUIRKS
    int WL_NODE_ELEMENT
    int WL_NODE_TEXT
    int WL_NODE_COMMENT
