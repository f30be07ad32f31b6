"""The compiled read_blocks and strip_chrome (service/native/blocks.pyx) do exactly what the Python code does.

read_blocks is compared on the real input (the body nodes of every benchmark
page, taken inside the pipeline after chrome was stripped), on every element
of crafted pages as a top node, on pathological nesting and block counts, and
on random markup from hypothesis. strip_chrome is run on two parses of the
same page, one each way, and the trees and counts compared. `clean()` is
compared with the compiled code on and off.
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
from service.article import Stats
from service.html import blocks, extract
from service.html.body import find_body, outermost
from service.html.measure import squash
from service.html.vocab import CHROME_WORDS, chrome_reason
from service.native import load
from tests.conftest import SHARED

NATIVE = load("blocks")
if NATIVE is None and os.environ.get("WINNOW_NATIVE") != "1":
    pytest.skip("service.native.blocks is not built (WINNOW_NATIVE=1 makes this an error)", allow_module_level=True)

PAGES = sorted(glob.glob(os.path.join(SHARED, "datasets", "scrapinghub", "html", "*.html.gz")))
SEEDS = sorted(glob.glob(os.path.join(SHARED, "seeds", "*")))


def _same(nodes) -> list:
    fast, ref = NATIVE.read_blocks(nodes), blocks._read_blocks_py(nodes)
    assert fast == ref
    return ref


def _every_top(html) -> int:
    """Compare with the body, and with each element under it as the top node; return the blocks read from the body."""
    tree = LexborHTMLParser(html)
    body = tree.body
    n = len(_same([body]))
    for el in body.traverse():
        _same([el])
    _same([tree.root])
    return n


def test_the_module_reads_blocks_natively():
    assert blocks._native is NATIVE


@pytest.mark.skipif(not PAGES, reason="shared scrapinghub set not present")
def test_same_blocks_on_every_benchmark_page_inside_the_pipeline(monkeypatch):
    seen = []

    def both(nodes):
        seen.append(len(_same(nodes)))
        return blocks._read_blocks_py(nodes)

    monkeypatch.setattr(extract, "read_blocks", both)
    for path in PAGES:
        with gzip.open(path, "rb") as f:
            try:
                service.clean(f.read())
            except Exception:  # a page without content still went through read_blocks
                pass
    assert len(seen) == len(PAGES) and sum(seen) > 10 * len(PAGES)


@pytest.mark.skipif(not PAGES, reason="shared scrapinghub set not present")
def test_same_blocks_on_whole_benchmark_pages_and_their_sections():
    for path in PAGES[:60]:
        with gzip.open(path, "rb") as f:
            tree = LexborHTMLParser(f.read())
        _same([tree.body])
        _same([tree.root])
        _same(tree.body.css("article, main, section, div > p, li, h2, td")[:40])


def _run(raw):
    try:
        return service.clean(raw).to_dict()
    except Exception as e:  # the same refusal both ways
        return repr(e)


@pytest.mark.skipif(not PAGES, reason="shared scrapinghub set not present")
def test_clean_is_the_same_with_the_compiled_walk_on_and_off(monkeypatch):
    for path in PAGES + SEEDS:
        with (gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb")) as f:
            raw = f.read()
        monkeypatch.setattr(blocks, "_native", NATIVE)
        on = _run(raw)
        monkeypatch.setattr(blocks, "_native", None)
        assert _run(raw) == on, path


CRAFTED = [
    "",
    "text directly under body <b>bold</b> tail",
    "<p></p><div></div><span></span><p> \u00a0 </p><h2> </h2>",
    "<h1>Title<br>second line</h1><h2>a<b>b</b><br>c</h2><h3><a href=x>link</a> heading</h3>",
    "<p>one<br>two<br><br>three <a href=x>link<br>more</a> end</p>",
    "<ul><li>one<li>two <a>x</a><li><p>para in li</p>tail</ul><ol><li><ul><li>deep</ul></ol>",
    "<blockquote>quoted <p>para</p><ul><li>item in quote</li></ul></blockquote>",
    "<table><tr><td>cell <a>l</a></td><th>head<br>er</th></tr></table><dl><dt>t</dt><dd>d<br>e</dd></dl>",
    "<div>a<!-- comment --><script>var x</script><style>p{}</style><template><p>t</p></template>b</div>",
    "<div><svg><a><text>svg link</text></a><path></path></svg> after</div>",
    "<p>\u4e2d\u6587 \ud55c\uad6d\uc5b4 \u65e5\u672c\u8a9e <a>\ud55c\uad6d</a></p><p>nul \x00 here</p>",
    "<custom-tag>custom <p>inner</p> text</custom-tag><x-y><br>z</x-y>",
    "<span>inline <div>block in inline</div> tail <a>l<p>p in a</p></a></span>",
    "<a href=x>top <br> link</a><b><i><a>nested <br>anchor</a> text</i></b>",
    "<pre>  code\n  block  </pre><address>addr<br>ess</address><p>x<hr>y</p>",
    "<span><dd>dd in span</dd> rest <a>a<dd>dd in a</dd><br>b</a></span>",
    "<div>" + "word <br>" * 2500 + "</div>",
    "<div><a>" + "w <br>" * 2500 + "</a>tail</div>",
    "<noscript><p>ns</p></noscript><title>t</title><meta><link>",
    # link text is credited to a block element at most 8 parents up
    "".join(f"<p>{'<b>' * n}<a>link {n}</a>{'</b>' * n} text</p>" for n in range(5, 11)),
]


@pytest.mark.parametrize("html", CRAFTED)
def test_same_blocks_on_crafted_markup_from_every_top(html):
    _every_top(html)


def test_invalid_utf8_is_replaced_the_same_way():
    raw = b"<p>bad \xff\xfe bytes \xc3 split <a>\xe2\x82 anchor</a> \xf0\x9f\x98\x80 emoji</p><h2>\xc3<br>\xa9</h2>"
    _every_top(raw)


def test_deep_nesting():
    for tag in ("div", "span", "b", "li", "blockquote", "a", "custom-tag"):
        for depth in (199, 200, 201, 202, 1000):
            html = f"<{tag}>x<br>" * depth + "<p>deep <a>link</a></p>" + f"</{tag}>" * depth + "<p>after</p>"
            tree = LexborHTMLParser(html)
            _same([tree.body])


def test_more_than_max_blocks_is_cut_at_max_blocks():
    for html in (
        "<p>x</p>" * (blocks.MAX_BLOCKS + 5),
        "<div>" + "line<br>" * (blocks.MAX_BLOCKS + 5) + "</div>",
        "<ul>" + "<li>i</li>" * (blocks.MAX_BLOCKS + 5) + "</ul>",
    ):
        tree = LexborHTMLParser(html)
        assert len(_same([tree.body])) == blocks.MAX_BLOCKS
        assert len(_same([tree.body.css_first("p, div, ul"), tree.body])) == blocks.MAX_BLOCKS


TAGS = (
    "p div span a br h1 h2 h3 h4 h5 h6 li ul ol blockquote pre td th table tr script style template "
    "svg custom-tag b i dd address section noscript".split()
)
TEXTS = st.lists(
    st.sampled_from(list("ab  \t\n\u00a0\u3000\u4e2d\ud55c\x00\ue000.,") + ["word", "&nbsp;", "<!--c-->", "&#0;"]),
    max_size=12,
).map("".join)


@st.composite
def markup(draw, depth=0):
    parts = []
    for _ in range(draw(st.integers(0, 4 if depth < 5 else 1))):
        if depth < 6 and draw(st.booleans()):
            tag = draw(st.sampled_from(TAGS))
            if tag == "br":
                parts.append("<br>")
            else:
                parts.append(f"<{tag}>{draw(markup(depth + 1))}</{tag}>")
        else:
            parts.append(draw(TEXTS))
    return "".join(parts)


@settings(max_examples=400, deadline=None)
@given(markup())
def test_same_blocks_on_random_markup(html):
    _every_top(html)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(
    st.sampled_from([b"<p>", b"</p>", b"<b>", b"</b>", b"<a>", b"</a>", b"<br>", b"<h2>", b"</h2>", b"<li>", b"<div>"]),
    st.sampled_from([b"\xc3", b"\xa9", b"\xe2\x82", b"\xac", b"\xff", b"\xf0\x9f", b"\x98\x80", b" ", b"x"]),
    st.binary(max_size=4),
), max_size=30))
def test_same_blocks_on_bytes_that_are_not_utf8(parts):
    # a character split between text nodes decodes whole in Node.text() but not in text_content
    _every_top(b"".join(parts))


WHITESPACE = [chr(c) for c in range(0x110000) if chr(c).isspace()]


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(WHITESPACE + [" ", " ", "\x00", "\ue000", "\u200b"]), st.characters()), max_size=30))
def test_compiled_squash_is_measure_squash(chars):
    text = "".join(chars)
    assert NATIVE.squash(text) == squash(text) == " ".join(text.split())
    for kind in ("a" + text, "\u00e9" + text, "\u4e2d" + text, "\U0001f600" + text + " "):
        assert NATIVE.squash(kind) == squash(kind)


def test_compiled_squash_knows_every_whitespace_character():
    for top in (0x100, 0x10000, 0x110000):  # one text of each of CPython's three string widths
        text = "a" + "b".join(chr(c) + chr(c) for c in range(top)) + " "
        assert NATIVE.squash(text) == " ".join(text.split())


# --- strip_chrome -------------------------------------------------------------

PICKS = {
    "body": lambda t: [t.body],
    "root": lambda t: [t.root],
    "find_body": lambda t: find_body(t.body)[0] or [t.body],
    "sections": lambda t: outermost(t.body.css("article, main, section, div, ul")[:20]),
}


def _stripped(html, pick, reasons, strip):
    tree = LexborHTMLParser(html)
    stats = Stats()
    strip(pick(tree), stats, reasons)
    return tree.html, stats.removed


def _same_strip(html, reasons=None) -> int:
    """Compare on two parses for each way of picking the body nodes; return how many elements were removed."""
    removed = 0
    for pick in PICKS.values():
        fast = _stripped(html, pick, reasons, blocks.strip_chrome)
        assert fast == _stripped(html, pick, reasons, blocks._strip_chrome_py)
        removed += sum(fast[1].values())
    return removed


@pytest.mark.skipif(not PAGES, reason="shared scrapinghub set not present")
def test_strip_chrome_is_the_same_on_every_benchmark_page():
    removed = 0
    for path in PAGES:
        with gzip.open(path, "rb") as f:
            raw = f.read()
        removed += _same_strip(raw)
        removed += _same_strip(raw, {"share", "related", "comments"})
    assert removed > 1000  # the pages do hold chrome: the comparison is not vacuous


def test_the_compiled_decision_is_used(monkeypatch):
    calls = []
    real = NATIVE.chrome_outermost

    class Spy:
        def chrome_outermost(self, mem_id, run):
            calls.append(mem_id)
            return real(mem_id, run)

    monkeypatch.setattr(blocks, "_native", Spy())
    tree = LexborHTMLParser('<div><p>text</p><div class="share">x</div></div>')
    blocks.strip_chrome([tree.body], Stats())
    assert calls == [tree.body.mem_id] and tree.body.css_first(".share") is None


LONG = "prose words " * 60
CJK = "\u4e2d" * 300
CHROME_CRAFTED = [
    '<div class="share">s</div><div id="related-posts"><a>r</a></div><p>text</p><div class="Comments">c</div>',
    # nested chrome: only the outermost is removed and counted
    '<div class="related"><div class="share"><div class="newsletter">n</div></div></div><p>t</p>',
    # empty class, id only, empty id, attributes without values, class on the top node, body and html
    '<div class="" id="share">a</div><div class id>b</div><div id="">c</div><span class="sns">d</span>',
    # tags never judged alone, and a custom tag that may be one of them (<use>) or not
    '<a class="share">a</a><img class="share"><i class="share"></i><button class="share">b</button>'
    '<svg class="share"><use class="share"></use><path class="share"></path><g class="share"></g></svg>'
    '<custom-tag class="share">c</custom-tag><use class="share">u</use>',
    # heavy text: kept if it holds most of the body or is prose, removed if mostly links or a text-chrome reason
    f'<div class="share-wrapper">{LONG}</div><p>short</p>',
    f'<p>{LONG}{LONG}</p><div class="related">{LONG}</div>',
    f'<p>{LONG}{LONG}</p><div class="related">{"<a>link text here</a> " * 60}</div>',
    f'<p>{LONG}{LONG}</p><div class="comments">{LONG}</div><div id="cookie-box">{LONG}</div>',
    f'<p>{LONG}{LONG}</p><div class="sidebar">\u4e2d\u6587{CJK}</div>',
    # class and id longer than the key keeps; non-ASCII and upper case in names
    f'<div class="{"x" * 299}share" id="a">x</div><div class="{"x" * 300}share">y</div>'
    f'<div id="{"y" * 99}share">z</div><div id="{"y" * 100}share">w</div><div class="SHARE \u00e9">v</div>',
    '<div CLASS="share">upper</div><div class="a" class="share">dup</div><div xml:class="share">ns</div>',
    '<table class="ad"><tr><td class="ads">x</td></tr></table><p>t</p><template><div class="share">t</div></template>',
    # many siblings: reached from the nearer end, or by the query when the walk is long
    "<ul>" + "<li>item</li>" * 150 + '<li class="share">s</li>' + "<li>item</li>" * 3 + "</ul>"
    + "<ul>" + "<li>item</li>" * 3 + '<li class="related">r</li>' + "<li>item</li>" * 150 + "</ul>",
    "<div>" + "".join(f'<p class="{"share" if i % 7 == 0 else "x"}">p{i}</p>' for i in range(200)) + "</div>",
]


@pytest.mark.parametrize("html", CHROME_CRAFTED)
def test_strip_chrome_is_the_same_on_crafted_markup(html):
    for reasons in (None, {"share"}, set()):
        _same_strip(html, reasons)
        _same_strip(f'<div class="share">{html}</div>', reasons)


def test_strip_chrome_takes_the_body_weight_when_python_does():
    # once, when first needed: here after the article's share box is gone, so that the
    # section's related links (W ~420) hold more than half of what is left and stay
    html = (
        f'<article><div class="share">{"share words " * 32}</div><p>{"p" * 200}</p></article>'
        f'<section><div class="related">{"<a>link text here</a> " * 28}</div><p>x</p></section>'
    )
    pick = lambda t: t.body.css("article, section")  # noqa: E731
    fast = _stripped(html, pick, None, blocks.strip_chrome)
    assert fast == _stripped(html, pick, None, blocks._strip_chrome_py)
    assert fast[1] == {"share": 1} and "link text here" in fast[0]


NAMES = ["share", "related", "content", "story", "comments", "ad", "x", "", "Share-Bar", "cookie", "newsletter"]
CHROME_TAGS = ["div", "span", "a", "p", "section", "ul", "li", "use", "custom-tag", "svg", "i", "img", "b"]


@st.composite
def chrome_markup(draw, depth=0):
    parts = []
    for _ in range(draw(st.integers(0, 4 if depth < 4 else 1))):
        if depth < 5 and draw(st.booleans()):
            tag = draw(st.sampled_from(CHROME_TAGS))
            attrs = ""
            if draw(st.booleans()):
                attrs += f' class="{draw(st.sampled_from(NAMES))}"'
            if draw(st.booleans()):
                attrs += f' id="{draw(st.sampled_from(NAMES))}"'
            parts.append(f"<{tag}{attrs}>{draw(chrome_markup(depth + 1))}</{tag}>")
        else:
            parts.append(draw(st.sampled_from(["word ", LONG, "<a>link words</a>", "\u4e2d" * 150, " ", "<br>"])))
    return "".join(parts)


@settings(max_examples=300, deadline=None)
@given(chrome_markup(), st.sampled_from([None, {"share"}, {"related", "comments"}]))
def test_strip_chrome_is_the_same_on_random_markup(html, reasons):
    _same_strip(html, reasons)


WORDS = [w for words, tokens in CHROME_WORDS.values() for w in (*words, *tokens)]


def _may_name_chrome_is_safe(key):
    key = key.lower()
    assert NATIVE.may_name_chrome(key) or chrome_reason(key) is None, key


@pytest.mark.skipif(not PAGES, reason="shared scrapinghub set not present")
def test_chrome_pre_test_passes_every_class_and_id_of_the_pages_that_names_chrome():
    named = 0
    for path in PAGES:
        with gzip.open(path, "rb") as f:
            tree = LexborHTMLParser(f.read())
        for el in tree.root.css(":is([class], [id])"):
            attrs = el.attributes
            key = f"{(attrs.get('class') or '')[:300]} {(attrs.get('id') or '')[:100]}".lower()
            _may_name_chrome_is_safe(key)
            named += chrome_reason(key) is not None
    assert named > 1000


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(WORDS), st.sampled_from(WORDS).map(lambda w: w[:-1] or w), st.characters(),
                          st.sampled_from([" ", "\u3000", "\t", "\x1c", "\x85", "-", "_", "\u0130", "\u212a", "SHARE", "Ad"])),
                max_size=8))
def test_chrome_pre_test_passes_every_key_that_names_chrome(parts):
    _may_name_chrome_is_safe("".join(parts))
    _may_name_chrome_is_safe(" ".join(parts))


def test_chrome_pre_test_is_on_and_says_no_to_plain_keys():
    assert not NATIVE.may_name_chrome("entry-content clearfix main")
    assert all(NATIVE.may_name_chrome(f"x {w} y") for w in WORDS)
    assert all(NATIVE.may_name_chrome(f"{w}\u3000y") and NATIVE.may_name_chrome(f"x\t{w}") for w in WORDS)
    assert not NATIVE.may_name_chrome("header shadow load-more padded")  # "ad" only counts as a whole token
