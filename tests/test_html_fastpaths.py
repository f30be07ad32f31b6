"""The extractor's hand-written shortcuts return exactly what the CSS they replace returns.

Several steps of `service.html` replace a Lexbor selector list by a cheaper
query plus a test in Python (a list of selectors costs a test per selector per
element, and every query has a fixed cost). Each shortcut is checked here
against its reference selector, on crafted markup and on all benchmark pages.
"""

from __future__ import annotations

import glob
import gzip
import os

import pytest
from selectolax.lexbor import LexborHTMLParser

from service.html.body import outermost
from service.html.figures import FIGURES, MAX_CAPTION, _figure_candidates
from tests.conftest import SHARED

PAGES = sorted(glob.glob(os.path.join(SHARED, "datasets", "scrapinghub", "html", "*.html.gz")))


def _reference_figures(node) -> list:
    top = node.mem_id
    seen = {}
    for el in node.css(FIGURES):
        if el.mem_id != top and el.mem_id not in seen:
            seen[el.mem_id] = el
    return list(seen.values())


def _same_figures(node) -> int:
    """Assert the shortcut finds the same elements, and the same outermost ones in the same order
    (with and without take_figures' length filter); return how many there are."""
    fast, ref = list(_figure_candidates(node).values()), _reference_figures(node)
    assert sorted(el.mem_id for el in fast) == sorted(el.mem_id for el in ref)
    for keep in (lambda el: True, lambda el: len(el.text()) <= 4 * MAX_CAPTION):
        assert [el.html for el in outermost([el for el in fast if keep(el)])] == [
            el.html for el in outermost([el for el in ref if keep(el)])
        ]
    return len(ref)


CRAFTED = [
    # nested figures, a figure without an image, wrappers in any case, the node itself matching
    '<div class="photo"><figure><img src=a><figure><img src=b></figure></figure><figure>text</figure></div>',
    '<div><div class="Wp-CAPTION"><p><img src=a></p></div><span class="PictureBox"><img src=b></span></div>',
    '<div><div class="photo">no image here</div><div class="image"><div class="inner-img"><img src=c></div></div></div>',
    '<div><img class="photo" src=a><div class="x"><img src=b><img src=c></div><figure><img src=d></figure></div>',
    # only ASCII letters fold under the `i` flag: the Kelvin sign and dotted capital I do not
    '<div><div class="\u212aaption caption"><img src=a></div><div class="\u0130mage"><img src=b></div></div>',
    '<div><div class="caption"><div class="photo"><img src=a></div><img src=b></div></div>',
]


@pytest.mark.parametrize("html", CRAFTED)
def test_figure_candidates_match_the_selector_on_crafted_markup(html):
    tree = LexborHTMLParser(html)
    for node in (tree.body, tree.body.css_first("div")):
        _same_figures(node)


@pytest.mark.skipif(not PAGES, reason="shared scrapinghub set not present")
def test_figure_candidates_match_the_selector_on_every_benchmark_page():
    checked = 0
    for path in PAGES:
        with gzip.open(path, "rb") as f:
            tree = LexborHTMLParser(f.read())
        for node in [tree.body, *tree.body.css("article, main")[:3]]:
            checked += _same_figures(node)
    assert checked > 100  # the pages do hold figures: the comparison is not vacuous


from hypothesis import given, settings
from hypothesis import strategies as st

from service.html.measure import squash

_SPACES = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2007\u200a\u2028\u2029\u202f\u205f\u3000"


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet=st.one_of(st.sampled_from(_SPACES), st.characters()), max_size=60))
def test_squash_is_split_and_join(text):
    assert squash(text) == " ".join(text.split())


from service import clean
from service.decode import _CHUNK, decode, utf8_chars
from service.errors import UnprocessablePage


def _decode_verdict(raw: bytes):
    try:
        text, codec = decode(raw)
    except UnprocessablePage as e:
        return ("error", e.reason)
    strict = codec == "utf-8" and not raw.startswith(b"\xef\xbb\xbf")
    try:
        strict = strict and raw.decode("utf-8") == text
    except UnicodeDecodeError:
        strict = False
    return len(text) if strict else None


def _chars_verdict(raw: bytes):
    try:
        return utf8_chars(raw)
    except UnprocessablePage as e:
        return ("error", e.reason)


_PIECES = [b"a", b"<p>", b" ", b"\xc3\xa9", b"\xe2\x80\x99", b"\xed\x95\x9c", b"\xf0\x9f\x98\x80", b"\xff", b"\xc3",
           b"\x80", b"\x00", b"\x01", b"\xef\xbb\xbf", b"\xb0\xa1"]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40), st.integers(0, 3))
def test_utf8_chars_agrees_with_decode(pieces, pad):
    # padding puts the pieces across the chunk boundary, where a character may be cut in two
    raw = b"x" * (_CHUNK - pad) + b"".join(pieces) if pieces and pieces[0] != b"\xef\xbb\xbf" else b"".join(pieces)
    verdict, reference = _chars_verdict(raw), _decode_verdict(raw)
    # None sends the caller to decode(); anything else must be what decode() would say
    assert verdict is None or verdict == reference
    if isinstance(reference, int) and b"\x00" not in raw:  # strict UTF-8, no BOM, no UTF-16 look: taken
        assert verdict == reference


@pytest.mark.parametrize("cut", range(_CHUNK - 4, _CHUNK + 1))
def test_bytes_input_counts_characters_across_chunk_boundaries(cut):
    raw = b"<!doctype html><html><body><p>" + b"a" * cut + "\u2019한국 ".encode() * 400 + b"</p></body></html>"
    article = clean(raw)
    assert article.stats.input_chars == len(raw.decode("utf-8"))
    assert article.encoding == "utf-8"
    assert article.to_dict() == {**clean(raw.decode("utf-8")).to_dict(), "encoding": "utf-8"}


from service.html.measure import _CJK, weight


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet=st.one_of(st.sampled_from("a ,\u2019\u2014\u1100\u3042\u4e2d\ud55c\uff01\u3000"), st.characters()), max_size=40))
def test_weight_counts_cjk_twice(text):
    assert weight(text) == len(text) + len(_CJK.findall(text))


import re
import re._parser as _sre_parse  # noqa: E402  (the pattern's parse tree: which characters can start a match)

from service.html.extract import _CHROME_HEADING, _CHROME_HEADING_FIRST, _STUB, _STUB_FIRST

_ALL_CHARS = "".join(map(chr, range(0x110000)))


def _first_literals(items) -> tuple[set[int], bool]:
    """Code points the parsed pattern `items` can open with as a literal, and whether it can match
    empty; any other opening (a class, `.`, a look-around) fails the test."""
    out: set[int] = set()
    for op, av in items:
        if op is _sre_parse.AT:  # ^: zero width
            continue
        if op is _sre_parse.LITERAL:
            out.add(av)
            return out, False
        if op is _sre_parse.SUBPATTERN:
            first, empty = _first_literals(av[-1])
        elif op is _sre_parse.BRANCH:
            first, empty = set(), False
            for alt in av[1]:
                f, e = _first_literals(alt)
                first |= f
                empty = empty or e
        elif op in (_sre_parse.MAX_REPEAT, _sre_parse.MIN_REPEAT):
            first, empty = _first_literals(av[2])
            empty = empty or av[0] == 0
        else:
            raise AssertionError(f"cannot tell the first character after {op}")
        out |= first
        if not empty:
            return out, False
    return out, True


@pytest.mark.parametrize("rx, first", [(_STUB, _STUB_FIRST), (_CHROME_HEADING, _CHROME_HEADING_FIRST)])
def test_first_character_sets_hold_every_opening_of_their_regex(rx, first):
    """`_filter` runs a regex only on a block whose first character is in its set: every character
    that the regex's opening literals match (under its flags, over all code points) must be there,
    and nothing else (a larger set would only cost time)."""
    literals, empty = _first_literals(_sre_parse.parse(rx.pattern, rx.flags))
    assert not empty and literals
    openings = set()
    for lit in literals:
        openings |= set(re.compile(re.escape(chr(lit)), rx.flags).findall(_ALL_CHARS))
    assert openings == first, (openings - first, first - openings)


from service.html.extract import _PARSE_OPTIONS, NOT_BODY_TEXT, _not_body_text

NOT_BODY_CRAFTED = [
    '<div><!-- c --><script>x</script><nav><form><input></form></nav><p hidden>a</p><p style="DISPLAY:NONE">b</p>'
    '<div role="navigation" aria-hidden="true">c</div><svg><path/><use/></svg><aside><footer>d</footer></aside></div>',
    '<nav><p aria-hidden="false" role="main" style="color:red">x</p><template><p>y</p></template></nav>',
]


def _same_not_body_text(node) -> None:
    assert {el.mem_id for el in _not_body_text(node)} == {el.mem_id for el in node.css(NOT_BODY_TEXT)}


@pytest.mark.parametrize("html", NOT_BODY_CRAFTED)
def test_not_body_text_matches_the_selector_on_crafted_markup(html):
    tree = LexborHTMLParser(html, options=_PARSE_OPTIONS)
    for node in (tree.body, tree.body.child):
        _same_not_body_text(node)


def test_not_body_text_matches_the_selector_on_every_benchmark_page():
    assert len(PAGES) >= 100
    for path in PAGES:
        with gzip.open(path, "rb") as f:
            tree = LexborHTMLParser(f.read(), options=_PARSE_OPTIONS)
        body = tree.body or tree.root
        _same_not_body_text(body)
        for node in body.css("article, main, section, div")[:40]:
            _same_not_body_text(node)


from service.html.blocks import _A_ID, _BR_ID, BLOCKISH_IDS, _scan


def test_scan_finds_what_the_star_query_finds_on_every_benchmark_page():
    """`read_blocks` walks the subtree with traverse(): the same elements as css("*"), in document order."""
    for path in PAGES:
        with gzip.open(path, "rb") as f:
            tree = LexborHTMLParser(f.read(), options=_PARSE_OPTIONS)
        for node in [tree.body or tree.root] + tree.css("article, main, section")[:20]:
            every = node.css("*")
            expected = [[el.mem_id for el in every if test(el.tag_id)] for test in (
                lambda t: t in BLOCKISH_IDS, lambda t: t == _BR_ID, lambda t: t == _A_ID)]
            assert [[el.mem_id for el in found] for found in _scan(node)] == expected


def _same_class_or_id(node) -> None:
    one = [el.mem_id for el in node.css(":is([class], [id])")]
    assert len(one) == len(set(one)) and set(one) == {el.mem_id for el in node.css("[class], [id]")}


def test_class_or_id_query_of_strip_chrome_matches_the_selector_list():
    """`strip_chrome` asks one `:is()` selector for what `[class], [id]` finds, each element once."""
    tree = LexborHTMLParser('<div class=a id=b><p id=c><i class="">x</i><svg class=s><use id=u/></svg></p><p ID=d CLASS></p></div>')
    _same_class_or_id(tree.body.child)
    for path in PAGES:
        with gzip.open(path, "rb") as f:
            _same_class_or_id(LexborHTMLParser(f.read(), options=_PARSE_OPTIONS).body)
