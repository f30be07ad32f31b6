"""Images of the article: figures and captioned images leave the body as metadata.

A caption or a photo credit is not article text; it becomes `Image.caption` /
`Image.credit`. Figures (`<figure>`, WordPress-style `.wp-caption`, Korean CMS
photo tables) are read and removed before the body is turned into blocks.
"""

from __future__ import annotations

from urllib.parse import urljoin

from ..article import Image
from .body import outermost
from .measure import squash
from .tags import tag_id

# <figure>, and wrappers named for a photo or caption that hold an image (WordPress
# .wp-caption, Korean CMS photo boxes and tables, "image-container"...)
FIGURES = (
    'figure, [class*="caption" i]:has(img), [class*="photo" i]:has(img), [class*="image" i]:has(img), '
    '[class*="img" i]:has(img), [class*="picture" i]:has(img)'
)
CAPTIONS = 'figcaption, [class*="caption" i], [class*="cutline" i], [class*="desc" i]'
CREDITS = '[class*="credit" i], [class*="copyright" i], [class*="source" i], [class*="byline" i]'
_SRC_ATTRS = ("src", "data-src", "data-original", "data-lazy-src", "data-url")
MAX_CAPTION = 600  # a "caption" longer than this is more likely article text


def _tiny(attrs) -> bool:
    """A tracking pixel or spacer: declared 1-10 px wide or high."""
    for name in ("width", "height"):
        v = attrs.get(name)
        if v and v.strip().isdigit() and int(v) <= 10:
            return True
    return False


def _join(base: str | None, v: str) -> str:
    """`urljoin(base, v)`, without the parse when `v` is already an absolute http(s) URL it would keep."""
    if v.startswith(("https://", "http://")) and not v.endswith(("?", "#")) and v.isprintable():
        return v  # urljoin returns such a URL as it is (it only drops an empty query/fragment and tabs/newlines)
    return urljoin(base, v) if base else v


def image_src(img, base: str | None) -> str | None:
    attrs = img.attributes
    if _tiny(attrs):
        return None
    for name in _SRC_ATTRS:
        v = attrs.get(name)
        if v and not v.startswith("data:"):
            return _join(base, v.strip())
    srcset = attrs.get("srcset") or attrs.get("data-srcset")
    if srcset:
        first = srcset.split(",")[0].strip().split(" ")[0]
        if first:
            return _join(base, first)
    return None


_FIGURE_ID = tag_id("figure")
_IMG_ID = tag_id("img")
_FIGURE_CLASS_WORDS = ("caption", "photo", "image", "img", "picture")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _figure_candidates(node) -> dict:
    """What `node.css(FIGURES)` finds under `node` (not `node` itself), by mem_id.

    The same elements; an element found by climbing comes after figures inside
    it, so only elements that do not nest are in document order, which is all
    `take_figures` needs (it keeps the outermost).

    One `figure, img` query, then a climb from each image to `node` testing
    class names in Python: the `[class*=...]:has(img)` selectors cost a
    query with six selectors and a descendant search per element, several
    times this on pages with images. (Class matching with the `i` flag is
    ASCII-only, hence the ASCII lower-casing.)
    """
    top = node.mem_id
    found: dict = {}
    climbed: set[int] = set()
    for el in node.css("figure, img"):
        key = el.mem_id
        if key == top:
            continue
        if el.tag_id == _FIGURE_ID:
            if key not in found:
                found[key] = el
            continue
        up = el.parent
        while up is not None:
            k = up.mem_id
            if k == top or k in climbed:
                break
            climbed.add(k)
            cls = up.attributes.get("class")
            if cls:
                low = cls.lower() if cls.isascii() else cls.translate(_ASCII_LOWER)
                if any(w in low for w in _FIGURE_CLASS_WORDS) and k not in found:
                    found[k] = up
            up = up.parent
    return found


def take_figures(nodes: list, base: str | None, stats) -> list[Image]:
    """Read and remove figures inside `nodes`; return their images in document order."""
    images: list[Image] = []
    for node in nodes:
        found = _figure_candidates(node)
        if not found:
            continue
        # a wrapper misnamed "photo" holds text, not a figure; a figure inside a figure goes with it
        figs = [f for f in found.values() if len(f.text()) <= 4 * MAX_CAPTION]
        for fig in outermost(figs):
            own = fig.mem_id
            credit = None
            credits = [c for k, c in {c.mem_id: c for c in fig.css(CREDITS)}.items() if k != own]  # css() includes the figure itself
            for c in outermost(credits):
                credit = squash(c.text()) or credit
                c.decompose()
            caption = None
            captions = [c for k, c in {c.mem_id: c for c in fig.css(CAPTIONS)}.items() if k != own]
            for c in outermost(captions):
                caption = squash(c.text()) or caption
                c.decompose()
            if caption is None:
                caption = squash(fig.text()) or None
            if caption and len(caption) > MAX_CAPTION:
                continue
            srcs = [s for s in (image_src(i, base) for i in fig.css("img")) if s]
            for i, src in enumerate(srcs):
                images.append(Image(src, caption if i == 0 else None, credit if i == 0 else None))
            fig.decompose()
            stats.count("caption" if caption or credit else "figure")
    return images


def loose_images(nodes: list, base: str | None) -> list[Image]:
    """Images left in the body outside figures (their alt text as caption)."""
    images: list[Image] = []
    for node in nodes:
        for img in node.css("img"):
            src = image_src(img, base)
            if src:
                alt = squash(img.attributes.get("alt") or "") or None
                images.append(Image(src, alt, None))
    return images
