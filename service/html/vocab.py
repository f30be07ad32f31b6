"""Class, id, tag and role words that mark page chrome, kept as data.

Everything here is matched inside the chosen body only, so a word that is
sometimes part of a content wrapper's class (say "post-share-wrapper" around the
whole story) is handled by the size and link-density guards in
`blocks.strip_chrome` rather than by making the lists timid.
"""

from __future__ import annotations

import re


# Never article text: removed from the body unconditionally.
NEVER_CONTENT = (
    "script", "style", "noscript", "template", "iframe", "svg", "canvas", "object", "embed",
    "button", "select", "input", "textarea", "label", "dialog", "map", "audio", "video", "head",
)

# Page furniture by structure, ARIA role and visibility: removed from the body
# unless it holds most of it.
CHROME_TAGS = ("nav", "aside", "footer", "form")
CHROME_ROLES = frozenset(("navigation", "complementary", "contentinfo", "search", "dialog", "alert"))
HIDDEN_STYLES = ("display:none", "display: none", "visibility:hidden")  # inline styles, any case
FLAGGED = "[role], [hidden], [aria-hidden], [style]"  # elements whose attributes may mark them as chrome
PAGE_CHROME = ", ".join([
    *CHROME_TAGS,
    *(f'[role="{r}"]' for r in sorted(CHROME_ROLES)),
    '[hidden]', '[aria-hidden="true"]',
    *(f'[style*="{s}" i]' for s in HIDDEN_STYLES),
])

# reason -> (substrings of a lower-cased class/id, whole class tokens or ids),
# matched inside the chosen body, first reason first. Substrings catch the
# many spellings ("share-bar", "c-social-buttons"); whole tokens are for short
# words that hide inside others ("ad" in "header").
CHROME_WORDS = {
    "share": (("share", "sharing", "social", "addthis", "sns"), ()),
    "related": ((
        "related", "recommend", "more-from", "morefrom", "also-read", "read-next", "readnext",
        "trending", "popular", "most-read", "mostread", "most-viewed",
        "outbrain", "taboola", "more-stories", "morestories", "you-may", "recirc", "further-reading",
    ), ()),
    "newsletter": (("newsletter", "subscribe", "subscription", "signup", "sign-up"), ()),
    "cookie": (("cookie", "consent", "gdpr"), ()),
    "author": (("byline", "author", "contributor", "bio-box", "biobox"), ()),
    "comments": (("comment", "disqus", "respond"), ()),
    "ads": ((
        "advert", "ad-slot", "adslot", "ad-container", "ad-wrapper", "adwrap", "ad-unit", "sponsor", "promo",
        "dfp", "banner",
    ), ("ad", "ads", "adv", "advertisement")),
    "boilerplate": ((
        "breadcrumb", "toolbar", "sidebar", "widget", "modal", "popup", "sr-only", "visually-hidden",
        "screen-reader", "print-only", "skip-link", "post-meta", "entry-meta", "article-meta", "tags",
        "tag-list", "taglist", "rating", "timestamp", "dateline-",
    ), ()),
    "caption": (("caption", "credit", "photo-info"), ()),
}


def trie_pattern(words) -> str:
    """A regex matching exactly `words`, as a prefix tree: Python's regex engine tries
    the branches of a flat alternation one by one at every position (~2.5x slower)."""
    tree: dict = {}
    for w in words:
        node = tree
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(tree)


def _pattern(words, tokens) -> str:
    parts = [trie_pattern(words)] if words else []
    if tokens:
        parts.append(r"(?:^|\s)(?:" + "|".join(re.escape(t) for t in tokens) + r")(?:\s|$)")
    return "|".join(parts)


# one regex to find chrome, then one per reason to name it (both on lower-cased "class id")
CHROME_ANY = re.compile(_pattern(
    [w for words, _ in CHROME_WORDS.values() for w in words], [t for _, tokens in CHROME_WORDS.values() for t in tokens]
))
CHROME_REASONS = tuple((reason, re.compile(_pattern(w, t))) for reason, (w, t) in CHROME_WORDS.items())


def chrome_reason(class_and_id: str) -> str | None:
    """The chrome reason a lower-cased "class id" string names, or None."""
    if not CHROME_ANY.search(class_and_id):
        return None
    for reason, rx in CHROME_REASONS:
        if rx.search(class_and_id):
            return reason
    return None


# Containers that declare the article body. Korean portals and CMSs are listed
# by the ids they use (Naver `#dic_area`, many regional outlets
# `#article-view-content-div`); Daum marks paragraphs `dmcf-ptype="general"`,
# which the paragraph vote finds on its own.
DECLARED_IDS = (
    "dic_area", "newsct_article", "article-view-content-div", "articleBodyContents", "articeBody", "articleBody",
)
DECLARED_CLASSES = (
    "article_body", "article-body", "articleBody", "story-body", "entry-content", "post-content",
    "article-content", "story-content",
)
DECLARED_BODY = ('[itemprop="articleBody"]',) + tuple(f"#{i}" for i in DECLARED_IDS) + tuple(
    f".{c}" for c in DECLARED_CLASSES
)
