"""From the body element(s) to typed blocks in reading order, chrome stripped.

Two passes. `strip_chrome` removes elements whose class/id words say they are
chrome (share bars, related lists, newsletter boxes...; vocabulary in `vocab`),
guarded so that a wrapper which happens to carry such a word but holds most of
the text, or is prose rather than links, survives. `read_blocks` then walks the
remaining tree: block elements become typed blocks, inline runs between them
become paragraphs, `<br>` splits lines. It recurses only through block
structure; inline subtrees are read by `.text()` in C.

Both passes have a compiled twin in service/native/blocks.pyx (read over
Lexbor's node pointers), used when built; the Python code here stays the
reference (`_read_blocks_py`, `_strip_chrome_py`), and tests hold the two to
identical results.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..native import load as _load_native
from .body import outermost
from .measure import squash, weight
from .tags import COMMENT_ID, TEXT_ID, holders, tag_id, tag_ids
from .vocab import CHROME_WORDS, chrome_reason

INLINE = frozenset(
    "a abbr b bdi bdo big cite code data del dfn em font i ins kbd mark nobr q rp rt ruby s samp small "
    "span strike strong sub sup time tt u var wbr img picture source".split()
)
LEAF = frozenset("p pre dd dt td th address".split())
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
SKIP = frozenset("-comment script style noscript template head title meta link hr".split())
BR = "\ue000"  # marks a <br> in buffered text (a private-use character, never in real text)
BLOCKISH = "p, div, section, article, ul, ol, li, h1, h2, h3, h4, h5, h6, blockquote, table, figure, pre, dl"
HAS_BLOCK = f":has({BLOCKISH})"
BLOCKISH_IDS = tag_ids(BLOCKISH.split(", "))


# elements not judged by their own class: a share link or icon is removed with its
# container, or as a link-dense block
_NEVER_CHROME_ALONE = frozenset(("a", "img", "i", "svg", "path", "use", "picture", "source", "input", "button"))
MAX_BLOCKS = 10_000  # no article has more; a page that does is cut here to bound memory
TEXT_HEAVY = 400  # weight above which a chrome-named element must prove it is chrome
TEXT_CHROME = frozenset({"comments", "cookie", "newsletter"})  # chrome even when prose-heavy


@dataclass(slots=True)
class RawBlock:
    """A candidate block before filtering: its text, kind, heading level and link share."""

    kind: str
    text: str
    level: int | None
    links: int  # characters of link text


def strip_chrome(nodes: list, stats, reasons=None) -> None:
    """Decompose chrome elements inside `nodes`, counting each by reason.

    One query for the elements with a class or an id per body node, then a
    regex on the lower-cased class and id (Lexbor re-parses a selector list on
    every query, so ~100 attribute selectors cost far more than this). Matches are collected first
    and only the outermost are decomposed: a node inside a decomposed one is
    freed memory and must never be touched again.

    The compiled `chrome_outermost` (service/native/blocks.pyx) decides from
    pointers without a Node or an attribute dict per element, and the elements
    are removed by id (`native.dom.remove_deep`, as `decompose()` removes
    them). `_strip_chrome_py` is the Python reference.
    """
    _strip_chrome(nodes, stats, reasons, _native)


def _strip_chrome_py(nodes: list, stats, reasons=None) -> None:
    """strip_chrome in Python: the reference the compiled decision is tested against."""
    _strip_chrome(nodes, stats, reasons, None)


class _ChromeRun:
    """What strip_chrome's passes over the body nodes share: the class/id -> reason
    cache (pages repeat their class names) and the body's weight, once needed."""

    __slots__ = ("body_weight", "nodes", "reasons", "seen")

    def __init__(self, nodes: list, reasons):
        self.nodes = nodes
        self.reasons = reasons
        self.seen: dict[str, str | None] = {}
        self.body_weight: int | None = None


def _strip_chrome(nodes: list, stats, reasons, native) -> None:
    run = _ChromeRun(nodes, reasons)
    for node in nodes:
        if native is not None:
            found = native.chrome_outermost(node.mem_id, run)
            if found is not None:  # None: a custom tag to judge, which needs its name (Python below)
                for mem_id, reason in found:  # outermost only, in document order: none is inside another
                    stats.count(reason)
                    _dom.remove_deep(mem_id)  # what decompose() does, on the id
                continue
        doomed = _doomed(node, run)
        if doomed:
            reason_of = {el.mem_id: reason for el, reason in doomed}
            for el in outermost([el for el, _ in doomed]):
                stats.count(reason_of[el.mem_id])
                el.decompose()


def _doomed(node, run: _ChromeRun) -> list:
    """The chrome elements in `node`, with their reasons, in document order (nested ones too)."""
    own = node.mem_id
    seen, reasons = run.seen, run.reasons
    doomed = []
    # css() includes the node itself; one `:is()` selector is one walk of the tree and
    # returns each element once (a `[class], [id]` list walks twice and repeats an
    # element with both; ~20% dearer with the dedupe)
    for el in node.css(":is([class], [id])"):
        if el.tag in _NEVER_CHROME_ALONE:
            continue
        attrs = el.attributes
        key = f"{(attrs.get('class') or '')[:300]} {(attrs.get('id') or '')[:100]}"
        if key in seen:
            reason = seen[key]
        else:
            reason = seen[key] = chrome_reason(key.lower())
        if reason is None or (reasons is not None and reason not in reasons):
            continue
        if el.mem_id == own or el.tag in ("body", "html"):
            continue
        w = weight(el.text())
        if w > TEXT_HEAVY:
            if run.body_weight is None:
                run.body_weight = sum(weight(n.text()) for n in run.nodes)
            if w > run.body_weight // 2:  # a wrapper holding most of the body, whatever its name
                continue
        if w > TEXT_HEAVY and reason not in TEXT_CHROME:
            # a large block of prose: chrome only if it is mostly links
            links = sum(len(a.text()) for a in el.css("a"))
            if links < 0.3 * w:
                continue
        doomed.append((el, reason))
    return doomed


class _Full(Exception):
    """Raised inside the walk once MAX_BLOCKS blocks are read."""


class _Walker:
    """Reads blocks in document order.

    Which elements hold block elements or line breaks somewhere inside is known
    up front (from one walk of each body node), so the walk never issues a
    query per element and never rewrites the tree.
    """

    __slots__ = ("blocks", "buf", "buf_links", "has_block", "has_br", "links")

    def __init__(self):
        self.blocks: list[RawBlock] = []
        self.buf: list[str] = []
        self.buf_links = 0
        self.has_block: set[int] = set()
        self.has_br: set[int] = set()
        self.links: dict[int, int] = {}  # mem_id of a block element -> characters of link text in it

    def _emit(self, block: RawBlock) -> None:
        self.blocks.append(block)
        if len(self.blocks) >= MAX_BLOCKS:
            raise _Full

    def flush(self, kind: str) -> None:
        if not self.buf:
            return
        text = "".join(self.buf)
        links = self.buf_links
        self.buf = []
        self.buf_links = 0
        if text.isspace():
            return
        if BR not in text:
            text = squash(text)
            if text:
                self._emit(RawBlock(kind, text, None, links))
            return
        total = len(text) or 1
        for line in text.split(BR):
            line = squash(line)
            if line:
                self._emit(RawBlock(kind, line, None, links * len(line) // total))

    def leaf(self, node, kind: str, level: int | None = None) -> None:
        """A block element without block children or line breaks: one block."""
        text = node.text(separator=" ") if level is not None and node.mem_id in self.has_br else node.text()
        if not text or text.isspace():
            return
        text = squash(text)
        if text:
            self._emit(RawBlock(kind, text, level, self.links.get(node.mem_id, 0)))

    def walk(self, node, kind: str = "paragraph", depth: int = 0, inline: bool = False) -> None:
        """Read `node`'s children; an inline walk leaves its text in the buffer.

        Children are told apart by Lexbor's integer `tag_id` (about half the
        cost of building the `tag` string; every child of the body passes here),
        and reached by `first_child`/`next` (the same nodes as `iter(include_text=True)`
        in a parsed document, at ~60% of the cost of its generator). A block
        element mostly follows another one, so `flush` is called only when
        something is buffered.
        """
        if depth > 200:  # pathological nesting: read what is left as one run
            self.buf.append(node.text())
            return
        has_block, has_br = self.has_block, self.has_br
        child = node.first_child
        while child is not None:
            tid = child.tag_id
            if tid == _TEXT_ID:
                self.buf.append(child.text_content or "")
            elif tid in _INLINE_IDS:
                key = child.mem_id
                if key in has_block:
                    if self.buf:
                        self.flush(kind)
                    self.walk(child, kind, depth + 1)
                elif key in has_br:
                    if tid == _A_ID:
                        before = sum(len(x) for x in self.buf)
                        self.walk(child, kind, depth + 1, inline=True)
                        self.buf_links += sum(len(x) for x in self.buf) - before
                    else:
                        self.walk(child, kind, depth + 1, inline=True)
                else:
                    t = child.text()
                    if t:
                        self.buf.append(t)
                        if tid == _A_ID:
                            self.buf_links += len(t)
                        else:
                            for a in child.css("a"):
                                self.buf_links += len(a.text())
            elif tid == _BR_ID:
                self.buf.append(BR)
                if len(self.buf) > 2000:  # a line break ends a line anyway: keep the buffer small
                    self.flush(kind)
            elif tid in _SKIP_IDS:
                pass
            elif tid in _HEADING_LEVELS:
                if self.buf:
                    self.flush(kind)
                self.leaf(child, "heading", _HEADING_LEVELS[tid])
            elif tid in _LEAF_OR_LI_IDS:
                if self.buf:
                    self.flush(kind)
                inner = kind if tid != _LI_ID else ("quote" if kind == "quote" else "list_item")
                key = child.mem_id
                if key in has_block or key in has_br:
                    self.walk(child, inner, depth + 1)
                else:
                    self.leaf(child, inner)
            elif tid == _BLOCKQUOTE_ID:
                if self.buf:
                    self.flush(kind)
                self.walk(child, "quote", depth + 1)
            else:
                if self.buf:
                    self.flush(kind)
                self.walk(child, kind, depth + 1)
            child = child.next
        if not inline:
            self.flush(kind)


_BLOCK_TAGS = LEAF | frozenset(HEADINGS) | {"li"}


_BLOCK_TAG_IDS = tag_ids(_BLOCK_TAGS)
_A_ID = tag_id("a")
_BR_ID = tag_id("br")
# the walk's tag sets as ids (standard tags have fixed ids; custom elements get ids
# outside that range, so they fall through to the generic branch as their names did)
_TEXT_ID, _COMMENT_ID = TEXT_ID, COMMENT_ID
_INLINE_IDS = tag_ids(INLINE)
_SKIP_IDS = tag_ids(SKIP - {"-comment"}) | {COMMENT_ID}
_HEADING_LEVELS = {tag_id(name): level for name, level in HEADINGS.items()}
_LEAF_OR_LI_IDS = tag_ids(LEAF | {"li"})
_LI_ID = tag_id("li")
_BLOCKQUOTE_ID = tag_id("blockquote")


def _links_by_block(anchors) -> dict[int, int]:
    """Characters of link text per enclosing block element."""
    out: dict[int, int] = {}
    for a in anchors:
        n = len(a.text())
        if not n:
            continue
        up, hops = a.parent, 0
        while up is not None and hops < 8:
            if up.tag_id in _BLOCK_TAG_IDS:
                k = up.mem_id
                out[k] = out.get(k, 0) + n
                break
            up, hops = up.parent, hops + 1
    return out


def _scan(node) -> tuple[list, list, list]:
    """Block elements, <br>s and links under `node` (and `node`), from one walk of the subtree.

    `traverse()` yields what `css("*")` matches (and comments, which no test
    here takes) for ~3/4 of its cost: it skips the selector engine.
    """
    blockish, brs, anchors = [], [], []
    for el in node.traverse():
        tid = el.tag_id
        if tid in BLOCKISH_IDS:
            blockish.append(el)
        elif tid == _BR_ID:
            brs.append(el)
        elif tid == _A_ID:
            anchors.append(el)
    return blockish, brs, anchors


def read_blocks(nodes: list) -> list[RawBlock]:
    """Typed raw blocks of `nodes` in document order (at most MAX_BLOCKS).

    The compiled walk (service/native/blocks.pyx) when built, else the Python
    reference below; both give identical lists.
    """
    if _native is not None:
        return _native.read_blocks(nodes)
    return _read_blocks_py(nodes)


def _read_blocks_py(nodes: list) -> list[RawBlock]:
    """read_blocks in Python: the reference the compiled walk is tested against."""
    w = _Walker()
    try:
        for node in nodes:
            blockish, brs, anchors = _scan(node)
            w.has_block = holders(blockish, node)  # = node.css(HAS_BLOCK)
            w.has_br = holders(brs, node)  # = node.css(":has(br)")
            w.links = _links_by_block(anchors)
            if node.tag in HEADINGS:
                w.leaf(node, "heading", HEADINGS[node.tag])
            elif node.mem_id in w.has_block or node.mem_id in w.has_br or node.tag not in LEAF:
                w.walk(node)
            else:
                w.leaf(node, "paragraph")
    except _Full:
        pass
    return w.blocks


_native = _load_native("blocks")  # None: the Python walk above
_dom = _load_native("dom")  # compiled DOM primitives: removal by id
if _native is not None:
    _native.configure(
        text_id=_TEXT_ID,
        a_id=_A_ID,
        br_id=_BR_ID,
        li_id=_LI_ID,
        blockquote_id=_BLOCKQUOTE_ID,
        inline_ids=_INLINE_IDS,
        skip_ids=_SKIP_IDS,
        heading_levels=_HEADING_LEVELS,
        leaf_or_li_ids=_LEAF_OR_LI_IDS,
        leaf_ids=tag_ids(LEAF),
        blockish_ids=BLOCKISH_IDS,
        block_tag_ids=_BLOCK_TAG_IDS,
        raw_block=RawBlock,
        br=BR,
        max_blocks=MAX_BLOCKS,
    )
    _native.configure_chrome(
        never_alone_ids=tag_ids(_NEVER_CHROME_ALONE),
        body_id=tag_id("body"),
        html_id=tag_id("html"),
        text_heavy=TEXT_HEAVY,
        text_chrome=TEXT_CHROME,
        chrome_reason=chrome_reason,
        weight=weight,
        # chrome_reason's regex branches are these words and tokens: a key without any is no chrome (a pre-test in C)
        chrome_words=[w for words, _ in CHROME_WORDS.values() for w in words],
        chrome_tokens=[t for _, tokens in CHROME_WORDS.values() for t in tokens],
    )
