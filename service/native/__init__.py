"""Compiled fast paths, with the pure-Python code as their reference.

A few hot stages of `clean()` exist twice: in Python (the readable reference,
always shipped and always tested) and in Cython (the `*.pyx` files here, built
by `pip install` through setup.py). The compiled walks read Lexbor's DOM
through raw node pointers (selectolax's `Node.mem_id`) instead of building one
Python wrapper per node, which is where the Python versions spend their time.
Tests require both to give identical results on the benchmark pages, the
seeds and generated input.

`load(name)` gives the compiled module `service.native.<name>`, or None, and
the caller then runs its Python code. None when:
- WINNOW_NATIVE=0 (to compare, or to rule the compiled code out);
- the extension is not built (a checkout used without `pip install`);
- the Lexbor struct layout in lexbor_layout.h does not match the running
  selectolax (checked once, on a probe document, against selectolax's API).
WINNOW_NATIVE=1 turns the last two into an ImportError: `make test` sets it,
so CI cannot pass on the fallback by accident. `STATUS` says which applies.
"""

from __future__ import annotations

import importlib
import os

_PROBE = (
    '<html><head><title>t</title></head><body><div class="a b" id="main">x<p>Ünï <b>bold</b> tail</p>'
    '<!-- c --><ul><li class="c">one</li><li id="d">two<br>three</li></ul><span class="" id="">e</span>'
    '</div><p role="note" style="x" data-a-rather-long-attribute-name="1" aria-hidden="true" hidden>f</p>'
    "<svg><path></path></svg></body></html>"
)


def _layout_ok(dom) -> str | None:
    """None if the compiled DOM reader sees what selectolax sees in _PROBE, else what differs."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(_PROBE)
    root = tree.root
    expected = []
    for node in root.traverse(include_text=True):  # the root first, then document order
        attrs = node.attributes if node.tag not in ("-text", "-comment") else {}
        text = node.text_content if node.tag == "-text" else None
        parent = node.parent
        expected.append((node.tag_id, attrs.get("class"), attrs.get("id"), text, parent.mem_id if parent else 0))
    seen = [(t, c, i, x, p) for t, _, c, i, x, p in dom.describe(root.mem_id)]
    if seen != expected:
        return f"Lexbor layout differs from lexbor_layout.h (compiled {len(seen)} nodes, selectolax {len(expected)})"
    if dom.text(tree.body.mem_id) != tree.body.text():
        return "Lexbor text reading differs from selectolax's Node.text()"
    for doctype in ("", "<!DOCTYPE html>"):  # quirks mode and not: class names ignore case only in the first
        doc = LexborHTMLParser(f'{doctype}<p class="Byline">a</p><a rel="AUTHOR">b</a>').root
        simple = ((-1, "byline", None, None, "", None, False, -1), (-1, None, None, "rel", "~", "author", False, -1))
        if dom.select(doc.mem_id, simple, 10) != [el.mem_id for el in doc.css(".byline, [rel~=author]")]:
            return "Lexbor document mode or attribute matching differs from selectolax's"
    for node in root.traverse():
        attrs = node.attributes
        if [(name, value) for _, name, value in dom.attribute_ids(node.mem_id, tuple(attrs))] != list(attrs.items()):
            return f"Lexbor attribute reading differs from selectolax's attributes on <{node.tag}>"
    return None


def _status() -> tuple[object | None, str]:
    if os.environ.get("WINNOW_NATIVE") == "0":
        return None, "disabled (WINNOW_NATIVE=0)"
    try:
        dom = importlib.import_module(".dom", __name__)
    except ImportError as e:
        return None, f"not built ({e})"
    problem = _layout_ok(dom)
    if problem:
        return None, f"disabled: {problem}"
    return dom, "compiled"


_dom, STATUS = _status()
ACTIVE = _dom is not None
if not ACTIVE and os.environ.get("WINNOW_NATIVE") == "1":
    raise ImportError(f"WINNOW_NATIVE=1 but the compiled fast paths are {STATUS}")


def load(name: str):
    """The compiled module service.native.<name>, or None to use the Python code (see the module doc)."""
    if not ACTIVE:
        return None
    try:
        return importlib.import_module(f".{name}", __name__)
    except ImportError:
        if os.environ.get("WINNOW_NATIVE") == "1":
            raise
        return None
