/* The parts of Lexbor's DOM structs that winnow's compiled walks read.
 *
 * selectolax links Lexbor statically and ships no headers, so these mirror the
 * layout of the Lexbor bundled in selectolax 1.0.2 (pinned exactly in
 * pyproject.toml). Written for winnow from the field lists of Lexbor's public
 * headers: dom/interfaces/node.h, element.h, attr.h, character_data.h and
 * core/str.h. Only leading fields are declared; winnow never allocates these
 * structs, it only reads pointers Lexbor made (and relinks siblings, see
 * dom.pyx). service/native/__init__.py checks the layout against selectolax's
 * own API on a probe document before any compiled walk is used.
 */
#ifndef WINNOW_LEXBOR_LAYOUT_H
#define WINNOW_LEXBOR_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    unsigned char *data;
    size_t length;
} wl_str_t;

typedef struct wl_node wl_node_t;

struct wl_node {
    void *events;           /* lxb_dom_event_target_t */
    uintptr_t local_name;   /* the tag id for elements; LXB_TAG__TEXT etc. for other nodes */
    uintptr_t prefix;
    uintptr_t ns;
    void *owner_document;
    wl_node_t *next;
    wl_node_t *prev;
    wl_node_t *parent;
    wl_node_t *first_child;
    wl_node_t *last_child;
    void *user;
    int type;               /* lxb_dom_node_type_t */
};

typedef struct wl_attr wl_attr_t;

struct wl_attr {
    wl_node_t node;         /* node.local_name: the attribute's name id */
    uintptr_t upper_name;
    uintptr_t qualified_name;
    wl_str_t *value;
    void *owner;
    wl_attr_t *next;
    wl_attr_t *prev;
};

typedef struct {
    wl_node_t node;
    uintptr_t upper_name;
    uintptr_t qualified_name;
    wl_str_t *is_value;
    wl_attr_t *first_attr;
    wl_attr_t *last_attr;
    wl_attr_t *attr_id;     /* the id="" attribute, or NULL */
    wl_attr_t *attr_class;  /* the class="" attribute, or NULL */
} wl_element_t;

typedef struct {
    wl_node_t node;
    wl_str_t data;          /* text of a text or comment node, UTF-8 */
} wl_character_data_t;

/* An attribute's name id (attr->node.local_name, attr->qualified_name): names Lexbor
 * knows have ids below WL_ATTR_LAST_ENTRY; any other name's id is the address of
 * its entry in the document's attribute-name hash (lxb_dom_attr_data_t, which
 * starts with this lexbor_hash_entry_t). */
#define WL_ATTR_LAST_ENTRY 0x0049
#define WL_HASH_SHORT_SIZE 16

typedef union {
    unsigned char *long_str;
    unsigned char short_str[WL_HASH_SHORT_SIZE + 1];
} wl_hash_entry_u;

typedef struct {
    wl_hash_entry_u u;
    size_t length;
    void *next;
} wl_hash_entry_t;

/* The start of lxb_dom_document_t (dom/interfaces/document.h): a node's
 * owner_document points at it; compat_mode says whether the page is in quirks
 * mode, where class selectors ignore ASCII case. */
typedef struct {
    wl_node_t node;
    int compat_mode;        /* lxb_dom_document_cmode_t */
    int type;               /* lxb_dom_document_dtype_t */
} wl_document_t;

#define WL_CMODE_QUIRKS 0x01

#define WL_NODE_ELEMENT 0x01
#define WL_NODE_TEXT 0x03
#define WL_NODE_COMMENT 0x08

#endif
