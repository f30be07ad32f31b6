"""Is this page HTML or page text a scraper already extracted?

The two need different extractors, and callers often do not say. Page text
contains no markup (at most markdown images), HTML shows a doctype or tags
near its start. The check looks only at the first few KB, so it costs
microseconds on any page size.
"""

from __future__ import annotations

import re

SAMPLE_CHARS = 8192
MIN_TAGS = 3  # known tags needed in the sample when the page does not start like HTML

_START_RE = re.compile(r"\s*(?:<!doctype\s+html|<html[\s>]|<\?xml|<head[\s>]|<body[\s>]|<!--|<meta\s|<title[\s>])", re.I)
_TAG_RE = re.compile(
    r"</?(?:a|abbr|article|aside|b|blockquote|body|br|button|div|em|figcaption|figure|footer|form|h[1-6]|head|"
    r"header|hr|html|i|iframe|img|input|li|link|main|meta|nav|noscript|ol|p|picture|script|section|source|"
    r"span|strong|style|table|tbody|td|th|time|title|tr|u|ul|svg|path|template|label|select|option|video)"
    r"(?:\s[^<>]{0,2000})?/?>",
    re.I,
)


def starts_like_html(prefix: str) -> bool:
    """True when a page beginning with `prefix` is HTML by its start (then `detect_kind` says "html").

    A match on a prefix is a match on the whole page's sample: the pattern is
    anchored at the start and needs nothing after what it matched.
    """
    return _START_RE.match(prefix[:SAMPLE_CHARS].lstrip("\ufeff")) is not None


def detect_kind(text: str) -> str:
    """Return "html" or "text"."""
    head = text[:SAMPLE_CHARS].lstrip("\ufeff")
    if "<" not in head:
        return "text"
    if starts_like_html(head):
        return "html"
    count = 0
    for _ in _TAG_RE.finditer(head):
        count += 1
        if count >= MIN_TAGS:
            return "html"
    return "text"
