"""`extract_html`: one HTML page in, one Article out (pure, deterministic, no I/O).

Parse once with Lexbor (after `guard.defuse` has capped pathological nesting);
read the page's own metadata before touching the tree; choose the body (a site
rule's selectors, else the paragraph vote in `body.find_body`); inside it remove
what is never article text (scripts, navigation, hidden elements), take figures
out as images, strip chrome named by class vocabulary (`blocks.strip_chrome`);
read typed blocks; drop blocks that are chrome by their text (link-dense runs,
"read more" stubs, a repeated title or dek, headings of related-links sections,
legal and byline lines at the edges). The JSON-LD `articleBody` stands in when
the DOM yields far less than it declares (teaser pages).
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborDocumentOptions, LexborHTMLParser

from ..article import Article, Block, Image, Stats
from ..errors import UnprocessablePage
from .blocks import MAX_BLOCKS, RawBlock, read_blocks, strip_chrome
from .body import find_body, outermost
from .figures import loose_images, take_figures
from .guard import defuse, ordinary_bytes
from .measure import squash, weight
from .tags import elements_with_tags, tag_bitmap, tag_ids
from .vocab import CHROME_ROLES, CHROME_TAGS, FLAGGED, HIDDEN_STYLES, NEVER_CONTENT, PAGE_CHROME

NEVER_CONTENT_TAGS = frozenset(NEVER_CONTENT)
# No DOM mutation events: they only mirror <option> text into <selectedcontent>, and cost ~3% of the parse.
_PARSE_OPTIONS = LexborDocumentOptions.WO_EVENTS.value
NOT_BODY_TAG_IDS = tag_ids(NEVER_CONTENT + CHROME_TAGS)
_HIDDEN_STYLE = re.compile("|".join(re.escape(s) for s in HIDDEN_STYLES))
NOT_BODY_TEXT = ", ".join(NEVER_CONTENT) + ", " + PAGE_CHROME  # what `_not_body_text` finds, as CSS

from ..native import load as _load_native
from ..rules import rule_for
from ..text.lines import line_reason
from .metadata import extract_metadata

_native = _load_native("dom")  # compiled DOM primitives (service/native/dom.pyx), or None: the Python code below

MAX_LINK_SHARE = 0.5
EDGE_HEAD, EDGE_TAIL = 3, 8  # blocks at the body's edges where bylines and legal lines sit
_STUB = re.compile(
    r"^(advertisement|advertising|sponsored|ad|share( this)?( article| story)?|tweet|e-?mail|print|"
    r"(continue )?read(ing)? (more|next|the full)|see also|related( articles| stories| content)?|"
    r"more (from|on|about)|click here|sign up|subscribe|follow us|comments?|leave a (comment|reply)|"
    r"(all rights reserved|copyright).*|©.*|image:? .*|photo:? .*|source:? .*|getty images|ap photo.*|"
    r"reuters|afp|file photo.*|back to top|top of page|explore further|loading( content)?|"
    r"((subscribe )?to (read|continue reading) the full (story|article)|to continue reading).*|"
    r"this (slideshow|video|content) requires javascript.*|this document is subject to copyright.*)\W*$",
    re.I,
)
# a heading (or a short line standing as one) that opens a section of links to other pages
_CHROME_HEADING = re.compile(
    r"^(most (read|popular|viewed|shared)|(you|we think you) (may|might) (also )?(like|enjoy)|related|"
    r"recommended|more (stories|news|articles|from|on)|trending|popular|don'?t miss|also read|see also|"
    r"read (more|next|also)|top stories|latest (news|stories)|editor'?s picks?|"
    r"관련\s?기사|많이 본 (기사|뉴스)|추천 기사|주요 뉴스|인기 기사)\b",
    re.I,
)
# Every alternative of _STUB opens with one of the letters a b c e f g i l m p r s t or "©", and every one
# of _CHROME_HEADING with one of a d e l m p r s t w y or a Hangul syllable; these sets hold each
# character re.I lets match them (with "ſ" for s, "İ" and "ı" for i; checked against the regexes over
# all code points in tests/test_html_fastpaths.py). Most blocks start with another character, and a set
# look-up of it spares the regex (~0.2 us).
_STUB_FIRST = frozenset("ABCEFGILMPRSTabcefgilmprst©İıſ")
_CHROME_HEADING_FIRST = frozenset("ADELMPRSTWYadelmprstwyſ관많인주추")
_TAIL = re.compile(  # matched against lower-cased text
    r"무단\s?전재|재배포\s?금지|기사제보|^\S{2,5}\s?(기자|특파원)\s*[\w.+-]+@[\w-]+\.[\w.]+$|"
    r"all rights reserved|copyright\s?(©|\(c\))"
)


def _tail(text: str) -> bool:
    """`_TAIL` matches (its words are looked for first: a substring test is far cheaper than the search).

    Every branch of _TAIL contains one of these words, the Korean ones only in
    non-ASCII text. Written as one `or` chain: a generator over a tuple of words
    cost more than the tests themselves.
    """
    low = text.lower()
    if "copyright" in low or "all rights reserved" in low or (
        not text.isascii()
        and ("무단" in low or "재배포" in low or "기사제보" in low or "기자" in low or "특파원" in low)
    ):
        return _TAIL.search(low) is not None
    return False


def _rule(url, rules=None):
    """The site rule for `url`: from `rules` (a RuleSet with the user's files) or the shipped set."""
    if not url:
        return None
    try:
        return rules.rule_for(url) if rules is not None else rule_for(url)
    except Exception:
        return None


FALLBACK_MIN = 60  # weight a block needs when the page has no paragraphs to vote with
BIG = 2000  # weight above which a matched element is checked against the page's size


def _not_body_text(node) -> list:
    """Elements under `node` that NOT_BODY_TEXT matches (in no particular order).

    Same result as `node.css(NOT_BODY_TEXT)` (checked on the benchmark pages) at
    about half the cost: tags by id in one walk of the subtree, the attribute
    selectors of PAGE_CHROME by one query for their attributes and a Python test
    of the values.
    """
    found = elements_with_tags(node, NOT_BODY_TAG_IDS)
    return found + _flagged(node, {el.mem_id for el in found})


_NOT_BODY_BITMAP = tag_bitmap(NOT_BODY_TAG_IDS)
_NEVER_CONTENT_IDS = tag_ids(NEVER_CONTENT)
_PAGE_IDS = tag_ids(("html", "body"))


def _remove_page_chrome(node, stats: Stats) -> None:
    """Decompose what `_not_body_text` finds under `node`, guarded as `_decompose_guarded` does.

    With the compiled DOM primitives the same steps run on node ids: the tag
    walk, the attribute query, text, outermost and removal in C, and no node
    wrapper is made.
    """
    dom = _native
    if dom is None:
        _decompose_guarded(node, _not_body_text(node), 1 / 2, stats, "page_chrome", always=NEVER_CONTENT_TAGS)
        return
    own = node.mem_id
    found = dom.tagged(own, _NOT_BODY_BITMAP)
    seen = {k for k, _ in found}
    for key, tid, attrs in dom.with_attributes(own, _FLAGGED_NAMES):
        if key not in seen and _flags_chrome(attrs):
            found += [(key, tid)] * len(attrs)  # as css(FLAGGED): once per selector of the list it matches
    root_weight = None
    doomed = []
    silent = set()
    for key, tid in found:
        if key == own or tid in _PAGE_IDS:
            continue
        if tid in _NEVER_CONTENT_IDS:
            doomed.append(key)
            silent.add(key)
            continue
        w = weight(dom.text(key))
        if w > BIG:
            if root_weight is None:
                root_weight = weight(dom.text(own))
            if w > root_weight / 2:
                continue
        doomed.append(key)
    if doomed:
        for key in dom.outermost(doomed):
            if key not in silent:
                stats.count("page_chrome")
            dom.remove_deep(key)


def _flags_chrome(attrs: dict) -> bool:
    """The element's attributes mark it as chrome or hidden."""
    return (
        attrs.get("role") in CHROME_ROLES
        or "hidden" in attrs
        or attrs.get("aria-hidden") == "true"
        or _HIDDEN_STYLE.search((attrs.get("style") or "").lower()) is not None
    )


_FLAGGED_NAMES = ("role", "hidden", "aria-hidden", "style")  # the attributes FLAGGED selects by
assert FLAGGED == ", ".join(f"[{name}]" for name in _FLAGGED_NAMES)


def _flagged(node, seen) -> list:
    """Elements under `node` (and `node`) with an attribute that marks chrome or hidden content, not in `seen`.

    The second half of `_not_body_text`: as `node.css(FLAGGED)` returns them (an
    element once per selector of the list it matches), kept when its role is a
    chrome role, it is hidden, or its style hides it.
    """
    return [el for el in node.css(FLAGGED) if el.mem_id not in seen and _flags_chrome(el.attributes)]


def _decompose_guarded(root, selector, share: float, stats: Stats, reason: str, always=frozenset()) -> None:
    """Decompose matches of `selector` (a CSS selector, or the matched elements) under `root`,
    except ones holding over `share` of its text.

    Tags in `always` (scripts, styles, forms controls) go uncounted and unguarded.
    Only the outermost matches are decomposed (descendants of a decomposed node are freed).
    """
    root_weight = None
    own = root.mem_id
    doomed = []
    silent = set()
    # css() includes `root` itself, and returns an element once per selector of a list it matches
    found = {el.mem_id: el for el in root.css(selector)}.values() if isinstance(selector, str) else selector
    for el in found:
        tag = el.tag
        if el.mem_id == own or tag in ("html", "body"):
            continue
        if tag in always:
            doomed.append(el)
            silent.add(el.mem_id)
            continue
        if share:
            w = weight(el.text())
            if w > BIG:
                if root_weight is None:
                    root_weight = weight(root.text())
                if w > share * root_weight:
                    continue
        doomed.append(el)
    if doomed:
        for el in outermost(doomed):
            if el.mem_id not in silent:
                stats.count(reason)
            el.decompose()


def _same(text: str, key: str | None) -> bool:
    """`text` repeats `key` (a title or dek), allowing for truncation with an ellipsis."""
    if not key:
        return False
    t = text.casefold().rstrip(" .…")
    if t == key:
        return True
    # a truncated copy, or the copy plus a site suffix; never a paragraph that merely opens with it
    return len(t) >= 40 and (key.startswith(t) or (t.startswith(key) and len(t) <= len(key) + 40))


def _filter(raw: list[RawBlock], meta, stats: Stats) -> list[Block]:
    out: list[Block] = []
    title_key = squash(meta.title).casefold().rstrip(" .…") if meta.title else None
    dek_key = squash(meta.description).casefold().rstrip(" .…") if meta.description else None
    last = len(raw) - EDGE_TAIL
    for i, b in enumerate(raw):
        text = b.text
        n = len(text)
        reason = None
        if n < 80 and text[:1] in _STUB_FIRST and _STUB.match(text):
            reason = "boilerplate"
        elif (b.kind == "heading" or n < 40) and text[:1] in _CHROME_HEADING_FIRST and _CHROME_HEADING.match(text):
            reason = "related"  # its teasers are links and go as link-dense blocks
        elif b.links and b.links >= MAX_LINK_SHARE * n:
            reason = "link_dense"
        elif n < 300 and _tail(text):
            reason = "legal"
        elif i < EDGE_HEAD and _same(text, title_key):
            reason = "title"
        elif i < EDGE_HEAD and b.kind == "heading" and _same(text, dek_key):  # a lead paragraph is often the dek
            reason = "description"
        elif n < 300 and (i < EDGE_HEAD or i >= last):
            reason = line_reason(text)
        if reason:
            stats.count(reason)
            continue
        out.append(Block(b.kind, text, b.level))
    # headings that end the body introduce chrome that was removed ("Related", "Comments")
    while out and out[-1].kind == "heading":
        out.pop()
        stats.count("heading_orphan")
    return out


def _json_ld_blocks(body: str) -> list[Block]:
    parts = [squash(p) for p in re.split(r"\n\s*\n|\r\n\s*\r\n|\n", body)]
    return [Block("paragraph", p) for p in parts if p]


def extract_html(html: str | None, *, url: str | None = None, utf8: bytes | None = None, rules=None) -> Article:
    """Extract the article of an HTML page. Raises UnprocessablePage("no_content") if there is none.

    `utf8`, when the caller has it, is `html` exactly as UTF-8 bytes (the page as
    received): Lexbor parses bytes as UTF-8, so handing them over skips
    re-encoding the page (about a fifth of the parse time). With `utf8` given,
    `html` may be None (valid UTF-8 is then required); it is decoded only for
    a page the nesting guard must rewrite.
    """
    stats = Stats()
    try:
        if utf8 is not None and ordinary_bytes(utf8):
            tree = LexborHTMLParser(utf8, options=_PARSE_OPTIONS)
        else:
            if html is None:
                html = utf8.decode("utf-8")
            safe = defuse(html)
            tree = LexborHTMLParser(utf8 if utf8 is not None and safe is html else safe, options=_PARSE_OPTIONS)
    except Exception as e:  # Lexbor refused the input
        raise UnprocessablePage("no_content", f"the HTML could not be parsed: {e}") from None
    rule = _rule(url, rules)
    meta = extract_metadata(tree, url=url, rule=rule)  # before the tree is touched; never raises
    root = tree.body or tree.root
    if root is None:
        raise UnprocessablePage("no_content", "the page has no document body")

    nodes: list = []
    how = "none"
    if rule is not None:
        try:
            for sel in getattr(rule, "strip", ()) or ():
                _decompose_guarded(root, sel, 0, stats, "rule")
            for sel in getattr(rule, "body", ()) or ():
                found = root.css(sel)
                if found:
                    nodes = outermost(list({n.mem_id: n for n in found}.values()))  # one entry per element
                    how = "rule"
                    break
        except Exception:  # a selector Lexbor rejects (SelectolaxError): the rule is unusable, the page is not
            nodes = []
    if not nodes:
        nodes, how = find_body(root)
        if not nodes:  # no paragraph anywhere: read the page itself, keep only substantial blocks
            nodes, how = [root], "fallback"

    images: list[Image] = []
    blocks: list[Block] = []
    if nodes:
        for node in nodes:
            _remove_page_chrome(node, stats)
        images = take_figures(nodes, url, stats)
        strip_chrome(nodes, stats)
        images += loose_images(nodes, url)  # after the chrome: icons and avatars are not article images
        raw = read_blocks(nodes)
        if len(raw) >= MAX_BLOCKS:
            stats.count("truncated")
        if how == "fallback":
            short = [b for b in raw if weight(b.text) < FALLBACK_MIN]
            if short:
                stats.count("short", len(short))
                raw = [b for b in raw if weight(b.text) >= FALLBACK_MIN]
        blocks = _filter(raw, meta, stats)

    ld_body = meta.json_ld_body
    if ld_body:
        ld_weight = weight(ld_body)
        have = sum(weight(b.text) for b in blocks)
        if ld_weight > 2 * have and ld_weight > 200:
            blocks = _json_ld_blocks(ld_body)
    if not blocks:
        raise UnprocessablePage("no_content", "no article text found in the page")

    art = Article(
        title=meta.title,
        blocks=blocks,
        description=meta.description,
        authors=list(meta.authors),
        published_at=meta.published_at,
        site_name=meta.site_name,
        canonical_url=meta.canonical_url,
        lang=meta.lang,
        tags=list(meta.tags),
        stats=stats,
    )
    lead = meta.lead_image
    if lead is not None and all(i.src != lead.src for i in images):
        images.insert(0, lead)  # the page's declared lead image first
    seen: set[str] = set()
    art.images = [i for i in images if not (i.src in seen or seen.add(i.src))]
    return art
