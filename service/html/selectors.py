"""Simple CSS selector lists as data, for the compiled matcher (`native.dom.select`).

Lexbor walks the whole tree once per selector of a list, and the fixed lists
winnow asks about (byline and date fallbacks, figure credits and captions)
use only a few simple forms. `simple_selectors` turns such a list into the
tuples `native.dom.select` tests in one walk, and refuses anything else, so a
selector added to a list in another form fails at import instead of being
misread. Each tuple is (tag id or -1, class name or None, id or None,
attribute name or None, operator: "" for presence, "~" "=" or "*", value or
None, ASCII case ignored in the value?, ancestor tag id or -1). Class names
and ids ignore ASCII case in quirks mode, as in Lexbor.

Case rules follow Lexbor: a value is compared ignoring ASCII case with the
`i` flag, and for `rel` (on HTML elements: `rel` is on Lexbor's list of
case-insensitive HTML attributes; `itemprop` is not); other attributes
without `i` are refused, since their rule is not written down here.
"""

from __future__ import annotations

import re

from .tags import tag_id

_SIMPLE = re.compile(
    r'(?:(?P<ancestor>\w+) )?(?P<tag>\w+)?(?:\.(?P<cls>[\w-]+))?(?:#(?P<ident>[\w-]+))?'
    r'(?:\[(?P<attr>[\w-]+)(?:(?P<op>[~*]?=)"(?P<value>[^"]+)"(?P<flag> i)?)?\])?'
)
_KNOWN_CASE = {"rel": True, "itemprop": False}  # attribute -> Lexbor ignores ASCII case in its value


def simple_selectors(selectors: str) -> tuple:
    """`selectors` (a list joined by ", ") as `native.dom.select` tuples; ValueError for other forms."""
    out = []
    for sel in selectors.split(", "):
        m = _SIMPLE.fullmatch(sel)
        if m is None or not (m["tag"] or m["cls"] or m["ident"] or m["attr"]):
            raise ValueError(f"not a simple selector: {sel!r}")
        op = {"~=": "~", "*=": "*", "=": "="}.get(m["op"], "")
        if m["op"] and not m["flag"] and m["attr"] not in _KNOWN_CASE:
            raise ValueError(f"no case rule written down for [{m['attr']}] in {sel!r}")
        out.append((
            tag_id(m["tag"]) if m["tag"] else -1,
            m["cls"],
            m["ident"],
            m["attr"],
            op,
            m["value"],
            bool(m["flag"]),
            tag_id(m["ancestor"]) if m["ancestor"] else -1,
        ))
    return tuple(out)
