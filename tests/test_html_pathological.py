"""Pathological HTML never crashes the extractor and stays bounded in time and memory.

Each case runs in a fresh subprocess (so a crash in C code would show up as a
failed exit, not take pytest down) under an address-space limit, and reports
its wall time, its tracemalloc peak (Python allocations) and its peak RSS growth
(Lexbor's C tree included). Bounds are generous: this machine is shared.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.article import BLOCK_KINDS, Article
from service.errors import UnprocessablePage
from service.html.extract import extract_html

ROOT = Path(__file__).resolve().parent.parent

RUNNER = r"""
import json, resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, (3 * 1024 ** 3, 3 * 1024 ** 3))
sys.path.insert(0, sys.argv[2])
from service.html.extract import extract_html
from service.errors import UnprocessablePage
import service

PARA = "<p>" + "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod. " * 8 + "</p>\n"
TEXT = "Seoul and Washington agreed on a new chips deal, officials said on Tuesday. " * 4
CASES = {
    "nested_div": lambda: "<div>" * 100_000 + TEXT + "</div>" * 100_000,
    "nested_blockquote": lambda: "<blockquote>" * 100_000 + TEXT,
    "nested_list": lambda: "<ul><li>" * 50_000 + TEXT,
    "nested_inline": lambda: "<p>" + "<span><b><i>" * 33_000 + TEXT,
    "nested_table": lambda: "<table><tr><td>" * 30_000 + TEXT,
    "unclosed_p": lambda: ("<p>" + TEXT) * 20_000,
    "page_20mb": lambda: "<html><body><article>" + PARA * 35_000 + "</article></body></html>",
    "many_brs": lambda: "<div>" + ("line of text<br>" * 500_000) + "</div>",
    "broken": lambda: "<html><body><div><p>Unclosed <b>bold <i>" + TEXT + "</p></div></span></td><p>" + TEXT + "<table><tr><td>x<!-- unterminated",
    "no_body": lambda: "<html><head><title>t</title></head></html>",
    "binary_junk": lambda: bytes(range(256)).decode("latin-1") * 4000,
    "attributes_huge": lambda: '<div class="' + "x" * 5_000_000 + '"><p>' + TEXT + "</p></div>",
}
page = CASES[sys.argv[1]]()
import tracemalloc
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
tracemalloc.start()
t0 = time.perf_counter()
try:
    art = extract_html(page, url="https://example.com/x")
    out = {"ok": True, "blocks": len(art.blocks), "chars": len(art.text)}
except UnprocessablePage as e:
    out = {"ok": False, "reason": e.reason}
out["seconds"] = time.perf_counter() - t0
out["python_peak_mb"] = tracemalloc.get_traced_memory()[1] / 1e6
tracemalloc.stop()
out["rss_growth_mb"] = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
out["input_mb"] = len(page) / 1e6
try:  # the public front door with the same page as bytes must not crash either
    service.clean(page.encode("utf-8", "surrogatepass"), url="https://example.com/x")
    out["clean"] = "ok"
except UnprocessablePage as e:
    out["clean"] = e.reason
print(json.dumps(out))
"""

CASES = ["nested_div", "nested_blockquote", "nested_list", "nested_inline", "nested_table", "unclosed_p",
         "page_20mb", "many_brs", "broken", "no_body", "binary_junk", "attributes_huge"]


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES)
def test_pathological_input_is_bounded(case):
    proc = subprocess.run(
        [sys.executable, "-c", RUNNER, case, str(ROOT)],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["seconds"] < 30, out
    # memory stays a bounded multiple of the input. Lexbor's tree dominates (it
    # allocates through Python's allocator, so tracemalloc sees it too): about
    # 170 bytes per node, ~20x the input for a page that is nothing but tags
    assert out["python_peak_mb"] < 60 + 40 * out["input_mb"], out
    assert out["rss_growth_mb"] < 60 + 40 * out["input_mb"], out
    if not out["ok"]:
        assert out["reason"] == "no_content", out


def test_nested_text_is_still_read():
    """Text buried under 100,000 nested divs (flattened past the depth cap) is still found."""
    text = "Seoul and Washington agreed on a new chips deal, officials said on Tuesday. " * 3
    art = extract_html("<div>" * 100_000 + text + "</div>" * 100_000, url=None)
    assert "new chips deal" in art.text


_TAGS = st.sampled_from(["p", "div", "span", "a", "li", "ul", "h2", "blockquote", "figure", "figcaption",
                         "article", "br", "img", "table", "td", "script", "nav", "aside"])
_ATTRS = st.sampled_from(["", ' class="share"', ' class="article-body"', ' id="comments"', ' itemprop="articleBody"',
                          ' class="related"', ' src="/a.jpg"', " hidden", ' class="wp-caption"'])
_TOKEN = st.one_of(
    st.builds(lambda t, a: f"<{t}{a}>", _TAGS, _ATTRS),
    st.builds(lambda t: f"</{t}>", _TAGS),
    st.text(min_size=0, max_size=80),
    st.sampled_from(["Seoul and Washington signed the agreement, officials said. " * 2, "<!--", "-->", "<", ">", "&amp;", "&#0;"]),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_TOKEN, max_size=60).map("".join))
def test_any_markup_gives_an_article_or_no_content(html):
    try:
        art = extract_html(html, url="https://example.com/a")
    except UnprocessablePage as e:
        assert e.reason == "no_content"
        return
    assert isinstance(art, Article)
    assert art.blocks
    for b in art.blocks:
        assert b.kind in BLOCK_KINDS
        assert b.text and b.text == b.text.strip()
        assert (b.level is not None) == (b.kind == "heading")
    assert art.text == "\n\n".join(b.text for b in art.blocks)
    art.to_dict()


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=3000) | st.text(alphabet="<a> ", max_size=30000).map(str.encode))
def test_count_lt_counts_every_lt(data):
    from service.html.guard import SCAN_ABOVE, count_lt, ordinary_bytes

    assert count_lt(data) == data.count(b"<")
    assert ordinary_bytes(data) == (len(data) <= 1_000_000 and data.count(b"<") <= SCAN_ABOVE)


def test_ordinary_bytes_threshold():
    from service.html.guard import SCAN_ABOVE, ordinary_bytes

    assert ordinary_bytes(b"<" * SCAN_ABOVE)
    assert not ordinary_bytes(b"<" * (SCAN_ABOVE + 1))
    assert ordinary_bytes(b"x<" * SCAN_ABOVE)
    assert not ordinary_bytes(b"x<" * (SCAN_ABOVE + 1))
