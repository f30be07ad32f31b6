"""Class, id and role words that mark page chrome, kept as data.

Each reason maps to CSS selectors. Selectors are matched inside the chosen body
only, so a word that is sometimes part of a content wrapper's class (say
"post-share-wrapper" around the whole story) can be guarded by a size check in
`blocks.strip_chrome` rather than by making the list timid.
"""

from __future__ import annotations


def _words(*words: str) -> list[str]:
    """`[class*=w]` and `[id*=w]` for each word (case-insensitive substring)."""
    out = []
    for w in words:
        out.append(f'[class*="{w}" i]')
        out.append(f'[id*="{w}" i]')
    return out


def _tokens(*tokens: str) -> list[str]:
    """Whole class tokens and exact ids (for short words that are substrings of others)."""
    out = []
    for t in tokens:
        out.append(f'[class~="{t}" i]')
        out.append(f'[id="{t}" i]')
    return out


# Removed from the whole page before the body is chosen: never article text.
NEVER_CONTENT = (
    "script", "style", "noscript", "template", "iframe", "svg", "canvas", "object", "embed",
    "button", "select", "input", "textarea", "label", "dialog", "map", "audio", "video", "head",
)

# Removed from the whole page before scoring, by structure and ARIA role.
PAGE_CHROME = ", ".join([
    "nav", "aside", "footer", "form",
    '[role="navigation"]', '[role="complementary"]', '[role="contentinfo"]', '[role="search"]',
    '[role="dialog"]', '[role="alert"]', '[hidden]', '[aria-hidden="true"]',
    '[style*="display:none" i]', '[style*="display: none" i]', '[style*="visibility:hidden" i]',
])

# reason -> selector, matched inside the chosen body.
CHROME = {
    "share": ", ".join(_words("share", "sharing", "social", "addthis", "sharethis", "sns")),
    "related": ", ".join(_words(
        "related", "recommend", "more-from", "morefrom", "also-read", "read-next", "readnext",
        "trending", "popular", "most-read", "mostread", "most-viewed",
        "outbrain", "taboola", "more-stories", "morestories", "you-may", "recirc", "further-reading",
    )),
    "newsletter": ", ".join(_words("newsletter", "subscribe", "subscription", "signup", "sign-up")),
    "cookie": ", ".join(_words("cookie", "consent", "gdpr")),
    "author": ", ".join(_words("byline", "author", "contributor", "bio-box", "biobox")),
    "comments": ", ".join(_words("comment", "disqus", "respond")),
    "ads": ", ".join(_words("advert", "ad-slot", "adslot", "ad-container", "ad-wrapper", "adwrap", "ad-unit",
                            "sponsor", "promo", "dfp", "banner")
                     + _tokens("ad", "ads", "adv", "advertisement")),
    "boilerplate": ", ".join(_words("breadcrumb", "toolbar", "sidebar", "widget", "modal", "popup",
                                    "sr-only", "visually-hidden", "screen-reader", "print-only", "skip-link",
                                    "post-meta", "entry-meta", "article-meta", "tags", "tag-list", "taglist",
                                    "rating", "timestamp", "dateline-")),
    "caption": ", ".join(_words("caption", "credit", "photo-info")),
}

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
