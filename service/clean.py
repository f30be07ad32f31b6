"""`clean()`: one page in, one Article out. Pure, synchronous, deterministic.

This is the front door of the functional core. It decides what the input is
(bytes or str, HTML or page text), hands it to the matching extractor and fills
the fields every article has (stats, fingerprint). It does no I/O.
"""

from __future__ import annotations

from .article import Article
from .errors import UnprocessablePage

KINDS = ("html", "text")
DEFAULT_MAX_BYTES = 32 * 1024 * 1024
_HTML_START_BYTES = 512  # enough to see a doctype or <html> after leading whitespace


def clean(
    page: str | bytes,
    *,
    url: str | None = None,
    kind: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    rules=None,
) -> Article:
    """Turn one scraped page into a clean Article.

    `kind` is "html", "text" (page text a scraper already extracted) or None to
    detect. Raises `UnprocessablePage` (and nothing else) for unusable input.
    """
    from .decode import decode, utf8_chars
    from .detect import detect_kind, starts_like_html
    from .fingerprint import fingerprint

    if kind is not None and kind not in KINDS:
        raise UnprocessablePage("invalid", f"kind must be one of {KINDS} or None, not {kind!r}")
    text = utf8 = None
    if isinstance(page, (bytes, bytearray, memoryview)):
        raw = bytes(page)
        if len(raw) > max_bytes:
            raise UnprocessablePage("too_large", f"page is {len(raw)} bytes, limit {max_bytes}")
        # The common case: UTF-8 HTML. Lexbor parses the bytes themselves, so the text is
        # never built; only its length is needed (and a prefix to see that it is HTML).
        html_start = kind != "text" and starts_like_html(raw[:_HTML_START_BYTES].decode("utf-8", "ignore"))
        chars = utf8_chars(raw) if html_start else None
        if chars:
            kind, utf8, encoding = "html", raw, "utf-8"
        else:
            text, encoding = decode(raw)
            # the bytes themselves are the page's UTF-8 (no BOM, nothing replaced): the HTML parser can take them
            if encoding == "utf-8" and not raw.startswith(b"\xef\xbb\xbf") and "\ufffd" not in text:
                utf8 = raw
    elif isinstance(page, str):
        if len(page) > max_bytes:
            raise UnprocessablePage("too_large", f"page is {len(page)} characters, limit {max_bytes}")
        text, encoding = page, None
    else:
        raise UnprocessablePage("invalid", f"page must be str or bytes, not {type(page).__name__}")
    if text is not None:
        if not text or text.isspace():  # (not text.strip(): that copies the whole page)
            raise UnprocessablePage("empty", "page is empty")
        chars = len(text)
        kind = kind or detect_kind(text)

    if kind == "html":
        from .html.extract import extract_html

        article = extract_html(text, url=url, utf8=utf8, rules=rules)
    else:
        from .text.extract import extract_text

        article = extract_text(text, url=url)

    article.kind = kind
    article.url = url
    article.encoding = encoding
    article.stats.input_chars = chars
    body = article.text  # a property that joins the blocks: build it once
    article.stats.kept_chars = len(body)
    article.fingerprint = fingerprint(body) if article.blocks else None
    return article
