"""The compiled paragraph vote (service/native/body.pyx) gives exactly what the Python vote gives.

`score_paragraphs` fills `_Evidence` natively; compared field by field with
`body._score_paragraphs_py` (same keys in the same order, same values with the
same types, bit for bit), with every voted element's node, hint, `total` and
twins, and `find_body`'s answer with the compiled vote on and off. On every
benchmark page and seed, on crafted nasty markup, on random markup from
hypothesis (with random elements as the root too), and through `clean()`.
"""

from __future__ import annotations

import glob
import gzip
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

import service
from service.decode import decode
from service.html import body
from service.html.extract import _PARSE_OPTIONS
from service.native import load
from tests.conftest import SHARED

NATIVE = load("body")
if NATIVE is None and os.environ.get("WINNOW_NATIVE") != "1":
    pytest.skip("service.native.body is not built (WINNOW_NATIVE=1 makes this an error)", allow_module_level=True)

PAGES = sorted(glob.glob(os.path.join(SHARED, "datasets", "scrapinghub", "html", "*.html.gz")))
SEEDS = sorted(glob.glob(os.path.join(SHARED, "seeds", "*")))


@pytest.fixture
def compiled(monkeypatch):
    monkeypatch.setattr(body, "_native", NATIVE)


def _dict_items(d) -> list:
    return [(k, type(v), repr(v)) for k, v in d.items()]  # repr: floats bit for bit, ints stay ints


def _python_find_body(root):
    saved, body._native = body._native, None
    try:
        return body.find_body(root)
    finally:
        body._native = saved


def same_vote(root, every_total=()) -> body._Evidence:
    """Compare the compiled and the Python vote under `root`; returns the compiled evidence."""
    assert body._native is NATIVE
    fast, ref = body.score_paragraphs(root), body._score_paragraphs_py(root)
    assert fast.votes is not None and ref.votes is None
    for name in ("direct", "units", "unit_parents", "br_units"):
        assert _dict_items(getattr(fast, name)) == _dict_items(getattr(ref, name)), name
    assert fast.units_query == ref.units_query
    keys = list(ref.nodes)
    assert list(fast.nodes) == keys and fast.nodes.keys() == keys and len(fast.nodes) == len(keys)
    assert [n.mem_id for n in fast.nodes.values()] == keys
    assert [(k, n.mem_id) for k, n in fast.nodes.items()] == [(k, k) for k in keys]
    for k, node in ref.nodes.items():
        assert k in fast.nodes and fast.nodes.get(k).mem_id == k
        assert fast.hint(k) == ref.hint(k)
        t, r = fast.total(node), ref.total(node)
        assert (type(t), repr(t)) == (type(r), repr(r))
        cls = node.attributes.get("class")
        if cls:
            assert [n.mem_id for n in fast.twins(node, cls)] == [n.mem_id for n in ref.twins(node, cls)]
    assert 0 not in fast.nodes and -1 not in fast.nodes and "x" not in fast.nodes
    with pytest.raises(KeyError):
        fast.nodes[root.mem_id + 1]
    for node in every_total:
        t, r = fast.total(node), ref.total(node)
        assert (type(t), repr(t)) == (type(r), repr(r))
    nodes, how = body.find_body(root)
    ref_nodes, ref_how = _python_find_body(root)
    assert ([n.mem_id for n in nodes], how) == ([n.mem_id for n in ref_nodes], ref_how)
    return fast


def _parse(raw: bytes):
    text, _ = decode(raw)
    return LexborHTMLParser(text, options=_PARSE_OPTIONS)


def _page(path: str) -> bytes:
    with open(path, "rb") as f:
        data = f.read()
    return gzip.decompress(data) if path.endswith(".gz") else data


def test_the_module_votes_natively():
    assert body._native is NATIVE


@pytest.mark.skipif(not PAGES, reason="shared scrapinghub set not present")
def test_same_vote_on_every_benchmark_page_and_seed(compiled):
    voted = 0
    for path in PAGES + SEEDS:
        tree = _parse(_page(path))
        root = tree.body or tree.root
        ev = same_vote(root, every_total=root.css("div, article, section, p"))
        voted += bool(ev.direct)
    assert voted >= len(PAGES) * 0.9  # the pages were voted on, not skipped


@pytest.mark.skipif(not PAGES, reason="shared scrapinghub set not present")
def test_clean_is_the_same_with_the_compiled_vote(monkeypatch):
    def run(raw):
        try:
            return service.clean(raw).to_dict()
        except service.UnprocessablePage as e:
            return {"error": e.reason}

    for path in PAGES + SEEDS:
        raw = _page(path)
        monkeypatch.setattr(body, "_native", NATIVE)
        fast = run(raw)
        monkeypatch.setattr(body, "_native", None)
        assert fast == run(raw), path


LONG = "Words of a paragraph long enough to vote, with a comma"

NASTY = [
    "",
    "<p></p><p><br></p><pre></pre>",
    f"plain text under body, {LONG}<br>{LONG}<br>more",
    "<div>" * 1000 + f"<p>{LONG} deep</p>" + "</div>" * 1000,
    "<p>" + "<span>" * 1000 + f"<a>{LONG}</a>" + "</span>" * 1000 + f"{LONG}</p>",
    f"<p>{LONG}{'<span>' * 6}<a>far link {LONG}</a>{'</span>' * 6}</p>",  # seven levels: too far to count
    f"<p>{LONG}{'<span>' * 5}<a>near link</a>{'</span>' * 5}</p>",
    f"<p>{LONG} <a>link</a><a></a><a>{LONG}{LONG}</a></p>",
    f"<pre>{LONG}<a>in pre</a><p>{LONG} inner<a>both</a></p></pre><p>{LONG}<a>x</a></p>",
    f"<!doctype html><p>{LONG}<table><tr><td><p>{LONG} in a table in a p<a>l</a></p></td></tr></table></p>",
    f"<ul><li><p>{LONG}</p></li></ul><blockquote><blockquote><ul><li><span><b><p>{LONG}</p></b></span></li></ul>"
    "</blockquote></blockquote>",
    f"<p>{LONG} \x00 with NUL\x00</p><p>\x00{LONG}</p>",
    f"<p>{LONG} …  </p><p>{LONG}...\n</p><p>{LONG} [\u2026]\u3000</p><p>{LONG}..</p><p>{LONG}. . .</p>",
    f"<p>{'한국어 문장입니다, 그리고 쉼표、그리고，' * 3}</p><p>{'中文句子，' * 8}</p><p>{'日本語のテキスト、' * 6}</p>",
    f"<p>{LONG}<!-- a comment, with commas, , , --></p><template><p>{LONG}</p></template>",
    f"<svg><a>{LONG}</a><foreignObject><p>{LONG}<a>svg link</a></p></foreignObject></svg>",
    f"<math><a><p>{LONG}</p></a></math><p>{LONG}<svg><a>{LONG}</a></svg></p>",
    f"<div class='story'>{LONG}<br>{LONG}, and more<br><span>{LONG}<br>{LONG}</span><p>{LONG}<br>x</p></div>",
    f"<div class='a b'><p>{LONG}</p></div><div class='a b'><p>{LONG}</p></div><div class='a b'><p>{LONG}</p></div>",
    f"<article><p>{LONG}</p></article><article><p>{LONG}</p></article><nav><p>{LONG}</p></nav>",
    f"<div class><p>{LONG}</p></div><div class=''><p>{LONG}</p></div><div CLASS='Content' ID=main><p>{LONG}</p></div>",
    f"<p>{LONG}<svg><![CDATA[ , , , , , ]]></svg>x</p><p>{LONG}<math><mi><![CDATA[, ,]]></mi></math><?pi 1, 2 ?></p>",
    f"<p>{LONG}\U0001f600\U0001f600 astral</p><p>\ud7a3\uac00{LONG}\uffff\ufeff</p>",
]


@pytest.mark.parametrize("html", NASTY, ids=range(len(NASTY)))
def test_same_vote_on_nasty_markup(compiled, html):
    tree = LexborHTMLParser(html)
    same_vote(tree.body, every_total=list(tree.body.traverse()))
    for el in list(tree.body.traverse())[:300]:  # any element as the root, also one inside a <p>
        same_vote(el)
    same_vote(tree.root)


def test_a_fragment_is_voted_on_in_python(compiled):
    """In a fragment, css() covers the top node's siblings and .parent stops below Lexbor's wrapper."""
    tree = LexborHTMLParser(f"<div><p>{LONG}</p></div><div><p>{LONG}, more</p></div>", is_fragment=True)
    ev = body.score_paragraphs(tree.root)
    assert ev.votes is None and type(ev.nodes) is dict and len(ev.units) == 2


BAD_BYTES = [
    b"<p>" + LONG.encode() + b" \xff\xfe broken \xc3 bytes \xed\xa0\x80 surrogate \xf4\x90\x80\x80</p>",
    b"<p>split \xc3<!---->\xa9 across nodes, " + LONG.encode() + b"</p>",
    b"<p>" + LONG.encode() + b" ends split \xe2\x80<!---->\xa6</p>",  # "\u2026" only once the two nodes are joined
    b"<p>" + LONG.encode() + b"<a>\xe4\xb8<!---->\xad link</a> \xe3\x80<!---->\x81</p>",
    b"<div>" + LONG.encode() + b"\xc3<br>\xa9" + LONG.encode() + b"\xe2\x80\xa6 \xe2\x80</div>",
]


@pytest.mark.parametrize("raw", BAD_BYTES, ids=range(len(BAD_BYTES)))
def test_same_vote_on_bytes_that_are_not_utf8(compiled, raw):
    tree = LexborHTMLParser(raw)
    same_vote(tree.body, every_total=list(tree.body.traverse()))


def test_truncation_and_commas_are_read_from_the_bytes(compiled):
    tree = LexborHTMLParser(
        f"<div><p>{LONG} …</p></div><div><p>{LONG}</p></div><div><p>{LONG}…x</p></div><div><p>{'中文，' * 12}</p></div>"
    )
    ev = same_vote(tree.body)
    w = list(ev.units.values())
    assert w[0] == pytest.approx(0.3 * len(f"{LONG} …")) and w[1] == len(LONG) and type(w[1]) is int
    assert w[2] == len(LONG) + 2 and w[3] == 36 + 24


WORDS = st.sampled_from(
    ["word", "text", ",", ", ", "，", "、", "…", "...", " ", "  ", "\n", "\u00a0", "\u3000", "한국어", "漢字",
     "かな", "é", "’", "[…]", ".", "\U0001f600", "a long run of plain ascii words", "another run, of words", "더 긴 한국어 문장"]
)
TEXT = st.tuples(st.lists(WORDS, min_size=3, max_size=16).map("".join),
                 st.sampled_from(["", "", "…", "...", " [\u2026]\u3000", ".."])).map("".join)
TAGS = st.sampled_from(
    ["p", "p", "p", "p", "pre", "a", "a", "a", "div", "div", "span", "li", "ul", "table", "td", "tr", "blockquote",
     "article", "nav", "section", "b", "em", "font", "figure"]
)
CLASSES = st.sampled_from([None, "", "content", "story body", "comment", "a", "nav menu", "Article-Text"])


def _paragraph(args) -> tuple:
    """A text token: a paragraph with a link `depth` inline elements down."""
    before, link, after, depth, tag = args
    return "text", f"<{tag}>{before}{'<span>' * depth}<a>{link}</a>{'</span>' * depth}{after}</{tag}>"


def _render(tokens) -> str:
    """Markup from a flat token list (cheaper for hypothesis to draw than a recursive tree): an open tag,
    a close of the innermost open tag, text, a <br>, a comment; the parser repairs the rest."""
    out, stack = [], []
    for token in tokens:
        kind = token[0]
        if kind == "open":
            _, tag, cls, ident = token
            attrs = "" if cls is None else f' class="{cls}"'
            attrs += "" if ident is None else f' id="{ident}"'
            out.append(f"<{tag}{attrs}>")
            stack.append(tag)
        elif kind == "close":
            if stack:
                out.append(f"</{stack.pop()}>")
        else:
            out.append(token[1])
    return "".join(out)


TOKENS = st.lists(
    st.one_of(
        st.tuples(st.just("open"), TAGS, CLASSES, st.sampled_from([None, "main", "x", "comments"])),
        st.just(("close",)),
        st.tuples(st.just("text"), TEXT),
        st.tuples(st.just("text"), TEXT),
        st.tuples(TEXT, TEXT, TEXT, st.integers(0, 7), st.sampled_from(["p", "pre"])).map(_paragraph),
        st.sampled_from([("br", "<br>"), ("comment", "<!-- , -->")]),
    ),
    min_size=5,
    max_size=120,
)


@settings(max_examples=2500, deadline=None)
@given(TOKENS.map(_render), st.integers(min_value=0, max_value=10_000))
def test_same_vote_on_random_markup(html, pick):
    saved, body._native = body._native, NATIVE
    try:
        tree = LexborHTMLParser(html)
        elements = list(tree.body.traverse())
        same_vote(tree.body, every_total=elements)
        same_vote(elements[pick % len(elements)])
    finally:
        body._native = saved
