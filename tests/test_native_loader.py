"""The compiled fast paths: how they are chosen, and that the whole pipeline gives the same articles without them.

Each compiled module has its own tests comparing it with the Python function it
replaces (tests/test_native_*.py). Here: `make test` runs with WINNOW_NATIVE=1,
so the compiled code must be active; a layout mismatch disables it; and
`service.clean` gives identical `to_dict()` output with WINNOW_NATIVE=0 (all
Python, in a subprocess) on every benchmark page and seed.
"""

from __future__ import annotations

import glob
import gzip
import json
import os
import subprocess
import sys

import pytest

import service
from service import native
from conftest import ROOT, SHARED

PAGES = sorted(glob.glob(os.path.join(SHARED, "datasets", "scrapinghub", "html", "*.html.gz")))
SEEDS = sorted(glob.glob(os.path.join(SHARED, "seeds", "*")))


def test_ci_runs_the_compiled_code():
    if os.environ.get("WINNOW_NATIVE") != "1":
        pytest.skip("only asserted under WINNOW_NATIVE=1 (make test sets it)")
    assert native.ACTIVE and native.STATUS == "compiled"
    assert native.load("dom") is not None


def test_layout_check_passes_and_catches_a_shifted_layout():
    dom = native.load("dom")
    if dom is None:
        pytest.skip(f"compiled code {native.STATUS}")
    assert native._layout_ok(dom) is None

    class Shifted:  # what a struct with one field moved would read: ids and classes swapped
        @staticmethod
        def describe(mem_id):
            return [(t, k, i, c, x, p) for t, k, c, i, x, p in dom.describe(mem_id)]

        text = staticmethod(dom.text)
        attribute_ids = staticmethod(dom.attribute_ids)
        select = staticmethod(dom.select)

    assert "layout differs" in native._layout_ok(Shifted)

    class BadText:
        describe = staticmethod(dom.describe)
        attribute_ids = staticmethod(dom.attribute_ids)
        select = staticmethod(dom.select)

        @staticmethod
        def text(mem_id):
            return dom.text(mem_id)[:-1]

    assert "text reading differs" in native._layout_ok(BadText)

    class BadNames:
        describe = staticmethod(dom.describe)
        text = staticmethod(dom.text)
        select = staticmethod(dom.select)

        @staticmethod
        def attribute_ids(mem_id, names):
            return [(i, name and name.upper(), value) for i, name, value in dom.attribute_ids(mem_id, names)]

    assert "attribute reading differs" in native._layout_ok(BadNames)

    class NoQuirks:  # matches class names by case, as if no page were in quirks mode
        describe = staticmethod(dom.describe)
        text = staticmethod(dom.text)
        attribute_ids = staticmethod(dom.attribute_ids)

        @staticmethod
        def select(mem_id, simple, limit):
            classes = lambda k: {name: value for _, name, value in dom.attribute_ids(k, ("class",))}.get("class")
            return [k for k in dom.select(mem_id, simple, limit) if classes(k) != "Byline"]

    assert "document mode" in native._layout_ok(NoQuirks)


def test_dom_text_matches_selectolax_on_awkward_markup():
    dom = native.load("dom")
    if dom is None:
        pytest.skip(f"compiled code {native.STATUS}")
    from selectolax.lexbor import LexborHTMLParser

    for html in (
        "<p></p>",
        "<div>a<!--x-->b<template>t</template><svg><text>s</text></svg>\x00c 한국 \ud800</div>",
        "<div>" + "<span>x" * 1000 + "</div>",
        b"<p>caf\xe9 \xff\xfe</p>",
    ):
        tree = LexborHTMLParser(html)
        for node in tree.root.traverse(include_text=True):
            assert dom.text(node.mem_id) == node.text(), (html[:40], node.tag)


def _articles(paths) -> dict:
    out = {}
    for path in paths:
        with open(path, "rb") as f:
            raw = f.read()
        if path.endswith(".gz"):
            raw = gzip.decompress(raw)
        try:
            out[os.path.basename(path)] = service.clean(raw).to_dict()
        except service.UnprocessablePage as e:
            out[os.path.basename(path)] = {"error": e.reason}
    return out


_CHILD = """
import json, sys
sys.path.insert(0, {tests!r})
from test_native_loader import _articles
from service import native
assert not native.ACTIVE, native.STATUS
print(json.dumps(_articles(json.loads(sys.argv[1]))))
"""


@pytest.mark.skipif(not PAGES, reason="shared scrapinghub set not present")
def test_same_articles_with_and_without_the_compiled_code():
    if not native.ACTIVE:
        pytest.skip(f"compiled code {native.STATUS}")
    paths = PAGES + SEEDS
    env = {**os.environ, "WINNOW_NATIVE": "0"}
    code = _CHILD.format(tests=os.path.join(ROOT, "tests"))
    proc = subprocess.run(
        [sys.executable, "-c", code, json.dumps(paths)], env=env, capture_output=True, text=True, timeout=300, cwd=ROOT
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    python = json.loads(proc.stdout)
    compiled = json.loads(json.dumps(_articles(paths)))
    assert python.keys() == compiled.keys()
    differ = [name for name in python if python[name] != compiled[name]]
    assert not differ, f"{len(differ)} of {len(python)} pages differ, e.g. {differ[:5]}"
