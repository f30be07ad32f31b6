"""service/native/dom.pyx against the selectolax calls and Python code it stands in for.

Every primitive is compared on the benchmark pages and on generated markup:
`text` with `Node.text()`, `tagged` with a `traverse()` filter, `with_attributes`
with a `css("[a], [b]")` query, `outermost` with `html.body.outermost`,
`remove_deep` with `decompose()` (the serialised trees after the removal), and
`extract._remove_page_chrome` compiled with the Python `_decompose_guarded`.
"""

from __future__ import annotations

import glob
import gzip
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from conftest import SHARED
from service import native
from service.article import Stats
from service.html import extract
from service.html.body import find_body, outermost
from service.html.tags import elements_with_tags

dom = native.load("dom")
if dom is None and os.environ.get("WINNOW_NATIVE") != "1":
    pytest.skip(f"compiled code {native.STATUS}", allow_module_level=True)

PAGES = sorted(glob.glob(os.path.join(SHARED, "datasets", "scrapinghub", "html", "*.html.gz")))
OPTIONS = extract._PARSE_OPTIONS


def _tree(html):
    return LexborHTMLParser(html, options=OPTIONS)


def _pages():
    for path in PAGES:
        with gzip.open(path, "rb") as f:
            yield os.path.basename(path), f.read()


TAGS = ["p", "div", "span", "a", "br", "h2", "li", "ul", "script", "style", "nav", "aside", "form", "svg", "template",
        "my-widget", "table", "td", "button", "figure"]
ATTRS = ["role", "hidden", "aria-hidden", "style", "class", "id", "data-x", "a-very-long-attribute-name-x", "ROLE"]
VALUES = ["", "navigation", "true", "display:none", "Display: None", "x y", "한국", "\x00", "a\"b"]


@st.composite
def markup(draw, depth=0):
    parts = []
    for _ in range(draw(st.integers(0, 4 if depth < 4 else 0))):
        kind = draw(st.sampled_from(["text", "element", "element", "comment"]))
        if kind == "text":
            parts.append(draw(st.sampled_from(["x", " ", "Korea, and the US…", "한국어 문장", "\u00a0", "a&amp;b", "\ud7a3"])))
        elif kind == "comment":
            parts.append("<!-- c -->")
        else:
            tag = draw(st.sampled_from(TAGS))
            attrs = "".join(
                f' {name}="{value}"' if value is not None else f" {name}"
                for name, value in draw(st.lists(st.tuples(st.sampled_from(ATTRS), st.sampled_from(VALUES + [None])), max_size=3))
            )
            parts.append(f"<{tag}{attrs}>{draw(markup(depth + 1))}</{tag}>")
    return "".join(parts)


def _check_reads(tree):
    root = tree.root
    wanted = extract._NOT_BODY_BITMAP
    for node in [root, *root.traverse(include_text=True)]:
        assert dom.text(node.mem_id) == node.text()
    expected = [(el.mem_id, el.tag_id) for el in elements_with_tags(root, extract.NOT_BODY_TAG_IDS)]
    assert dom.tagged(root.mem_id, wanted) == expected
    names = extract._FLAGGED_NAMES
    matched = [
        (key, tid) for key, tid, attrs in dom.with_attributes(root.mem_id, names) for _ in range(len(attrs))
    ]
    assert matched == [(el.mem_id, el.tag_id) for el in root.css(extract.FLAGGED)]
    for key, _, attrs in dom.with_attributes(root.mem_id, names):
        el = next(el for el in root.traverse() if el.mem_id == key)
        assert attrs == {k: v for k, v in el.attributes.items() if k in names}


@settings(max_examples=300, deadline=None)
@given(markup())
def test_reads_match_selectolax_on_generated_markup(body):
    _check_reads(_tree(f"<html><body>{body}</body></html>"))


@pytest.mark.skipif(not PAGES, reason="shared scrapinghub set not present")
def test_reads_match_selectolax_on_the_benchmark_pages():
    for _name, raw in list(_pages())[::6]:  # every node of every 6th page (31 pages)
        _check_reads(_tree(raw))


def _page_chrome_both(html: bytes | str):
    """(serialised body, stats) after page-chrome removal, compiled and Python."""
    out = []
    for impl in (dom, None):
        tree = _tree(html)
        nodes, _ = find_body(tree.body) if tree.body is not None else ([], "none")
        nodes = nodes or ([tree.body] if tree.body is not None else [])
        stats = Stats()
        saved = extract._native
        extract._native = impl
        try:
            for node in nodes:
                extract._remove_page_chrome(node, stats)
        finally:
            extract._native = saved
        out.append((tree.root.html, list(stats.to_dict().items())))
    return out


@settings(max_examples=300, deadline=None)
@given(markup())
def test_page_chrome_removal_matches_python_on_generated_markup(body):
    compiled, python = _page_chrome_both(f"<html><body><div>{body}</div><p>{'word ' * 40}</p></body></html>")
    assert compiled == python


@pytest.mark.skipif(not PAGES, reason="shared scrapinghub set not present")
def test_page_chrome_removal_matches_python_on_the_benchmark_pages():
    for name, raw in _pages():
        compiled, python = _page_chrome_both(raw)
        assert compiled == python, name


def test_outermost_and_remove_deep_match_python_and_decompose():
    html = "<div id=a><p id=b><span id=c>x</span></p><p id=d>y</p></div><p id=e>z</p>"
    tree = _tree(html)
    nodes = [tree.css_first(f"#{i}") for i in "cbaed"] + [tree.css_first("#b")]
    assert dom.outermost([n.mem_id for n in nodes]) == [n.mem_id for n in outermost(nodes)]
    other = _tree(html)
    dom.remove_deep(tree.css_first("#b").mem_id)
    other.css_first("#b").decompose()
    assert tree.root.html == other.root.html
    span = tree.css_first("#c")  # a wrapper into the removed subtree reads a lone node, as after decompose()
    assert span is None or span.parent is None


def test_deep_nesting_is_walked_without_recursion():
    tree = _tree("<div>" * 5000 + "deep" + "</div>" * 5000)
    assert dom.text(tree.body.mem_id) == "deep"
    assert len(dom.tagged(tree.body.mem_id, bytes(256))) == 0


def _head_both(tree):
    from service.html import metadata

    out = []
    for impl in (dom, None):
        saved = metadata._native
        metadata._native = impl
        try:
            scripts, metas, title = metadata._head_nodes(tree.head)
        finally:
            metadata._native = saved
        out.append((scripts, metadata._read_metas(metas), title))
    return out


@pytest.mark.skipif(not PAGES, reason="shared scrapinghub set not present")
def test_head_walk_matches_python_on_the_benchmark_pages():
    for name, raw in _pages():
        tree = _tree(raw)
        if tree.head is not None:
            compiled, python = _head_both(tree)
            assert compiled == python, name


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(
    st.sampled_from(["meta", "script", "title", "link", "style"]),
    st.lists(st.tuples(st.sampled_from(["name", "property", "itemprop", "http-equiv", "content", "value", "type",
                                        "NAME", "data-x", "charset"]),
                       st.sampled_from(["og:title", "description", "application/ld+json", "", "x y", "Keywords"])),
             max_size=4),
    st.sampled_from(["", "{}", '{"@type": "NewsArticle", "headline": "h"}', "t & u"]),
), max_size=8))
def test_head_walk_matches_python_on_generated_heads(elements):
    head = "".join(
        f"<{tag}{''.join(f' {k}={v!r}' for k, v in attrs)}>{body if tag != 'meta' else ''}</{tag}>"
        for tag, attrs, body in elements
    )
    compiled, python = _head_both(_tree(f"<html><head>{head}</head><body><p>x</p></body></html>"))
    assert compiled == python


def _selector_lists():
    from service.html import figures, metadata

    return (
        list(zip(metadata._BYLINE_SELECTORS, metadata._BYLINE_SIMPLE))
        + list(zip(metadata._TIME_SELECTORS, metadata._TIME_SIMPLE))
        + [(metadata._LD_SCRIPT, metadata._LD_SIMPLE), *metadata._HEAD_LINKS.items()]
        + [(figures.CREDITS, figures._CREDITS), (figures.CAPTIONS, figures._CAPTIONS)]
    )


def _check_select(tree):
    root = tree.root
    for selector, simple in _selector_lists():
        expected = [el.mem_id for el in root.css(selector)]
        assert dom.select(root.mem_id, simple, 10_000) == expected, selector
        assert dom.select(root.mem_id, simple, 5) == expected[:5], selector
        first = root.css_first(selector)
        assert dom.select(root.mem_id, simple, 1) == ([first.mem_id] if first is not None else []), selector


@pytest.mark.skipif(not PAGES, reason="shared scrapinghub set not present")
def test_simple_selectors_match_lexbor_on_the_benchmark_pages():
    for _name, raw in _pages():
        _check_select(_tree(raw))


SELECT_ATTRS = ["itemprop", "rel", "class", "pubdate", "datetime", "ITEMPROP", "Rel", "type"]
SELECT_VALUES = ["author", "Author", "AUTHOR", "x author", "author\tx", "datePublished", "datepublished", "byline",
                 "Byline", "byline__name", "published", "author-name", "", " author ", "authors", "entry-date\n",
                 "application/LD+JSON", "ld+jso", "Canonical", "image_src", "photo-Credit", "xCUTLINEx", "Desc"]


@st.composite
def select_markup(draw, depth=0):
    parts = []
    for _ in range(draw(st.integers(0, 3 if depth < 4 else 0))):
        tag = draw(st.sampled_from(["div", "span", "a", "time", "article", "p", "svg", "meta", "link", "script",
                                    "figcaption"]))
        attrs = "".join(
            f' {name}="{value}"'
            for name, value in draw(st.lists(st.tuples(st.sampled_from(SELECT_ATTRS), st.sampled_from(SELECT_VALUES)), max_size=3))
        )
        parts.append(f"<{tag}{attrs}>t{draw(select_markup(depth + 1))}</{tag}>")
    return "".join(parts)


@settings(max_examples=400, deadline=None)
@given(select_markup(), st.booleans())
def test_simple_selectors_match_lexbor_on_generated_markup(body, quirks):
    # no doctype: quirks mode, where class names ignore ASCII case
    _check_select(_tree(("" if quirks else "<!DOCTYPE html>") + f"<html><body>{body}</body></html>"))


def test_text_joined_matches_selectolax():
    tree = _tree("<div>a<b>b</b><!--c--><i></i>d <span>é</span></div>")
    for node in tree.root.traverse(include_text=True):
        for sep in (" ", "", " | "):
            assert dom.text_joined(node.mem_id, sep) == node.text(deep=True, separator=sep)


def _figures_both(html, base="https://example.com/a/"):
    from service.html import figures

    out = []
    for impl in (dom, None):
        tree = _tree(html)
        body = tree.body
        if body is None:
            return [None, None]
        nodes = find_body(body)[0] or [body]
        stats = Stats()
        saved = figures._native
        figures._native = impl
        try:
            images = figures.take_figures(nodes, base, stats) + figures.loose_images(nodes, base)
        finally:
            figures._native = saved
        out.append((images, list(stats.to_dict().items()), tree.root.html))
    return out


@pytest.mark.skipif(not PAGES, reason="shared scrapinghub set not present")
def test_figures_match_python_on_the_benchmark_pages():
    for name, raw in _pages():
        compiled, python = _figures_both(raw)
        assert compiled == python, name


FIGURE_CLASSES = ["wp-caption", "Photo-box", "IMAGE", "credit", "Copyright", "source", "byline", "cutline", "desc",
                  "img-wrap", "pictureX", "caption", "plain", ""]


@st.composite
def figure_markup(draw, depth=0):
    parts = []
    for _ in range(draw(st.integers(0, 3 if depth < 4 else 0))):
        tag = draw(st.sampled_from(["figure", "div", "span", "figcaption", "img", "p", "table", "td"]))
        cls = draw(st.sampled_from(FIGURE_CLASSES))
        attrs = f' class="{cls}"' if cls else ""
        if tag == "img":
            src = draw(st.sampled_from(["/i.jpg", "data:x", "", "http://x/y.png", " rel.png "]))
            size = draw(st.sampled_from(["", ' width="1"', ' height="400"', ' width=" 5 "']))
            extra = draw(st.sampled_from(["", ' srcset="/a.jpg 1x, /b.jpg 2x"', ' data-src="/lazy.jpg"', ' alt="An alt"']))
            parts.append(f'<img{attrs} src="{src}"{size}{extra}>')
        else:
            text = draw(st.sampled_from(["", "Caption text", "Photo: AP", "x" * 700, "한국 사진"]))
            parts.append(f"<{tag}{attrs}>{text}{draw(figure_markup(depth + 1))}</{tag}>")
    return "".join(parts)


@settings(max_examples=400, deadline=None)
@given(figure_markup())
def test_figures_match_python_on_generated_markup(body):
    compiled, python = _figures_both(f"<html><body><article><p>{'words ' * 30}</p>{body}</article></body></html>")
    assert compiled == python


def _find_body_both(html):
    from service.html import body

    out = []
    for vote, queries in ((body._native, body._dom), (None, None)):
        saved = body._native, body._dom
        body._native, body._dom = vote, queries
        try:
            tree = _tree(html)
            nodes, how = find_body(tree.body)
            out.append(([n.html for n in nodes], how))
        finally:
            body._native, body._dom = saved
    return out


@pytest.mark.skipif(not PAGES, reason="shared scrapinghub set not present")
def test_find_body_queries_match_python_on_the_benchmark_pages():
    for name, raw in _pages():
        compiled, python = _find_body_both(raw)
        assert compiled == python, name


DECLARED_MARKS = ['class="article-body"', 'class="Article-Body"', 'class="x entry-content"', 'id="articleBody"',
                  'id="ARTICLEBODY"', 'id="dic_area"', 'itemprop="articleBody"', 'itemprop="ArticleBody"',
                  'class="comments"', 'id="main"', ""]
PARAGRAPH = "<p>" + "A sentence of the article, with words and commas, long enough to vote. " * 3 + "</p>"


@st.composite
def body_markup(draw, depth=0):
    parts = []
    for _ in range(draw(st.integers(1, 3 if depth < 4 else 1))):
        kind = draw(st.sampled_from(["p", "p", "wrap"]))
        if kind == "p" or depth >= 4:
            parts.append(PARAGRAPH * draw(st.integers(1, 3)))
        else:
            tag = draw(st.sampled_from(["div", "article", "section", "nav", "aside", "main"]))
            parts.append(f"<{tag} {draw(st.sampled_from(DECLARED_MARKS))}>{draw(body_markup(depth + 1))}</{tag}>")
    return "".join(parts)


@settings(max_examples=300, deadline=None)
@given(body_markup(), st.booleans())
def test_find_body_queries_match_python_on_generated_markup(markup, quirks):
    html = ("" if quirks else "<!DOCTYPE html>") + f"<html><body>{markup}</body></html>"
    compiled, python = _find_body_both(html)
    assert compiled == python
