"""Tag-name sets as Lexbor tag ids, for matching in Python instead of long CSS lists.

Lexbor tests every selector of a list on every element, so each tag name in
a list adds about 6 us on a median page (one selector: about 10 us); a list
of 20 costs over ten times one. One walk of the subtree and a set look-up of
each element's integer `tag_id` (cheaper than its `tag` string) does the same
in about the cost of two. Ids of standard HTML tags are fixed by
Lexbor; custom elements get ids outside that range, so they never collide.
"""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser


def tag_id(name: str) -> int:
    """Lexbor's id for the tag `name` (a standard HTML or SVG tag name)."""
    if name in ("html", "head", "body"):
        tree = LexborHTMLParser("<p>")
        return {"html": tree.root, "head": tree.head, "body": tree.body}[name].tag_id
    for doc in (  # table parts only parse inside a table, options inside a select
        f"<div><{name}></{name}></div>",
        "<table><caption></caption><colgroup><col></colgroup><thead><tr><th></th></tr></thead>"
        "<tbody><tr><td></td></tr></tbody><tfoot></tfoot></table>",
        f"<select><{name}></{name}></select>",
    ):
        node = LexborHTMLParser(doc).css_first(name)
        if node is not None:
            return node.tag_id
    raise ValueError(f"no Lexbor tag id found for {name!r}")


def _node_type_ids() -> tuple[int, int]:
    """Lexbor's ids for text and comment nodes (the `tag_id` of "-text" and "-comment")."""
    p = LexborHTMLParser("<p>x<!--c--></p>").css_first("p")
    text, comment = list(p.iter(include_text=True))
    return text.tag_id, comment.tag_id


TEXT_ID, COMMENT_ID = _node_type_ids()


def tag_ids(names) -> frozenset[int]:
    """The ids of all `names`."""
    return frozenset(tag_id(n) for n in names)


def tag_bitmap(ids) -> bytes:
    """`ids` as the byte-per-tag-id table the compiled walks take (native.dom.tagged and friends)."""
    ids = frozenset(ids)
    return bytes(i in ids for i in range(max(ids) + 1))


def elements_with_tags(node, ids: frozenset[int]) -> list:
    """Elements under `node` (and `node` itself) whose tag id is in `ids`, in document order.

    `traverse()` yields what `css("*")` matches (and comments, whose id is in no
    tag set) for ~3/4 of its cost: it skips the selector engine.
    """
    return [el for el in node.traverse() if el.tag_id in ids]


def holders(found, node) -> set[int]:
    """`mem_id`s of the elements under `node` (and `node`) that contain one of `found`.

    What `node.css(":has(X)")` returns, for `found` = the X under `node`, from
    parent links: each climb stops at an element already known, so every
    element is visited once.
    """
    top = node.mem_id
    out: set[int] = set()
    for el in found:
        if el.mem_id == top:  # `node` itself matched: that says nothing about what it contains
            continue
        up = el.parent
        while up is not None:
            key = up.mem_id
            if key in out:
                break
            out.add(key)
            if key == top:
                break
            up = up.parent
    return out
