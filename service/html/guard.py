"""Keep pathological markup from reaching slow paths (the parser's and ours).

Lexbor's tree builder is quadratic in nesting depth for block elements: 100,000
nested `<div>`s take about 25 s to parse, 100,000 nested `<blockquote>`s
longer. No real page nests deeper than a few hundred elements, so on pages with
many tags (cheap to count) we scan the tags once and drop opening tags (and
their closing tags) beyond MAX_DEPTH. Attribute values of megabytes (a class
list, an inline data URI) make every attribute selector crawl; on large pages
values longer than MAX_ATTRIBUTE are emptied. Ordinary pages skip both scans.
"""

from __future__ import annotations

import re

from ..native import load as _load_native

_native = _load_native("scan")  # compiled byte scans (service/native/scan.pyx), or None: the Python code

MAX_DEPTH = 256
MAX_ATTRIBUTE = 20_000
LARGE_PAGE = 1_000_000  # characters above which long attribute values are looked for
_LONG_VALUE = re.compile(r'=\s*("[^"]{%d,}"|\'[^\']{%d,}\')' % (MAX_ATTRIBUTE, MAX_ATTRIBUTE))
SCAN_ABOVE = 20_000  # "<" count above which the page is scanned (the largest real pages have ~10,000)
# elements that never nest: void elements, and ones the parser closes implicitly
_FLAT = frozenset(
    "area base br col embed hr img input link meta param source track wbr "
    "p li dt dd option tr td th thead tbody tfoot".split()
)
# tags that can nest; flat ones are skipped by the regex engine, not by Python
_TAG = re.compile(
    r"<(/?)(?!(?:" + "|".join(sorted(_FLAT)) + r")\b)([A-Za-z][A-Za-z0-9-]{0,30})\b[^<>]{0,4000}?(/?)>",
    re.I,
)


def limit_depth(html: str, max_depth: int = MAX_DEPTH) -> str:
    """`html` with element nesting capped at `max_depth` (unchanged for ordinary pages)."""
    if html.count("<") <= SCAN_ABOVE:
        return html
    depth = 0
    dropped: dict[str, int] = {}  # tag -> opening tags dropped and not yet matched by a close
    cuts: list[tuple[int, int]] = []
    for m in _TAG.finditer(html):
        closing, name, selfclose = m.group(1), m.group(2).lower(), m.group(3)
        if selfclose:
            continue
        if closing:
            if dropped.get(name):
                dropped[name] -= 1
                cuts.append(m.span())
            elif depth > 0:
                depth -= 1
        elif depth >= max_depth:
            dropped[name] = dropped.get(name, 0) + 1
            cuts.append(m.span())
        else:
            depth += 1
    if not cuts:
        return html
    parts = []
    pos = 0
    for start, end in cuts:
        parts.append(html[pos:start])
        pos = end
    parts.append(html[pos:])
    return "".join(parts)


def ordinary_bytes(utf8: bytes) -> bool:
    """True when `defuse` would leave the page these UTF-8 bytes encode unchanged.

    The byte length bounds the character length from above, so this never says
    "ordinary" for a page `defuse` would change.
    """
    if len(utf8) <= SCAN_ABOVE:  # too short to hold more than SCAN_ABOVE "<"
        return True
    return len(utf8) <= LARGE_PAGE and count_lt(utf8) <= SCAN_ABOVE


def count_lt(data: bytes) -> int:
    """`data.count(b"<")`, about twice as fast on real pages.

    Deleting one byte value copies the rest with memchr-sized jumps, while
    `bytes.count` of one byte tests every byte in a loop (18 vs 39 us on the
    median benchmark page). On text that is mostly "<" it is ~20x slower than
    `count` (9 ms per MB), still far below what parsing such a page costs.
    """
    if _native is not None:
        return _native.count_byte(data, 0x3C)  # eight bytes a step, no copy (13 vs 27 us)
    return len(data) - len(data.replace(b"<", b""))


def defuse(html: str) -> str:
    """`html` made safe to parse and query in bounded time (unchanged for ordinary pages)."""
    if len(html) > LARGE_PAGE:
        html = _LONG_VALUE.sub('=""', html)
    return limit_depth(html)
