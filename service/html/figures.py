"""Images of the article: figures and captioned images leave the body as metadata.

A caption or a photo credit is not article text; it becomes `Image.caption` /
`Image.credit`. Figures (`<figure>`, WordPress-style `.wp-caption`, Korean CMS
photo tables) are read and removed before the body is turned into blocks.
"""

from __future__ import annotations

from urllib.parse import urljoin

from ..article import Image
from ..native import load as _load_native
from .body import outermost
from .measure import squash
from .selectors import simple_selectors
from .tags import tag_bitmap, tag_id

_native = _load_native("dom")  # compiled DOM primitives (service/native/dom.pyx), or None: the Python code

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
    return src_of(img.attributes, base)


def src_of(attrs: dict, base: str | None) -> str | None:
    """The image URL an <img> with these attributes shows (None for a tracking pixel or no URL)."""
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
    if _native is not None:
        return _take_figures_ids(_native, nodes, base, stats)
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
    if _native is not None:
        return _loose_images_ids(_native, nodes, base)
    images: list[Image] = []
    for node in nodes:
        for img in node.css("img"):
            src = image_src(img, base)
            if src:
                alt = squash(img.attributes.get("alt") or "") or None
                images.append(Image(src, alt, None))
    return images


# --------------------------------------------------------------------------- on node ids
#
# With the compiled DOM primitives, the same steps as above on mem_ids: the
# figure/img walk, the class climb, the credit and caption queries (one walk
# each for their whole list, see selectors.py), texts, removal and the image
# attributes, without a node wrapper or a full attribute dict per element.

_FIGURE_OR_IMG = tag_bitmap((_FIGURE_ID, _IMG_ID))
_IMG_ONLY = tag_bitmap((_IMG_ID,))
_CREDITS = simple_selectors(CREDITS)
_CAPTIONS = simple_selectors(CAPTIONS)
_IMG_ATTRS = ("width", "height", *_SRC_ATTRS, "srcset", "data-srcset")  # all `src_of` reads
_EVERY = 1 << 30  # no limit on a query's matches


def _figure_candidates_ids(dom, top: int) -> list[int]:
    """`_figure_candidates(node)`'s elements, as mem_ids in the same order."""
    found: dict[int, None] = {}
    climbed: set[int] = set()
    for key, tid in dom.tagged(top, _FIGURE_OR_IMG):
        if key == top:
            continue
        if tid == _FIGURE_ID:
            found.setdefault(key)
            continue
        up = dom.parent(key)
        while up:
            if up == top or up in climbed:
                break
            climbed.add(up)
            cls = dom.class_of(up)
            if cls:
                low = cls.lower() if cls.isascii() else cls.translate(_ASCII_LOWER)
                if any(w in low for w in _FIGURE_CLASS_WORDS):
                    found.setdefault(up)
            up = dom.parent(up)
    return list(found)


def _take_figures_ids(dom, nodes: list, base: str | None, stats) -> list[Image]:
    """`take_figures` on node ids (see above)."""
    images: list[Image] = []
    for node in nodes:
        found = _figure_candidates_ids(dom, node.mem_id)
        if not found:
            continue
        figs = [f for f in found if len(dom.text(f)) <= 4 * MAX_CAPTION]
        for own in dom.outermost(figs):
            credit = None
            credits = [c for c in dict.fromkeys(dom.select(own, _CREDITS, _EVERY)) if c != own]
            for c in dom.outermost(credits):
                credit = squash(dom.text(c)) or credit
                dom.remove_deep(c)
            caption = None
            captions = [c for c in dict.fromkeys(dom.select(own, _CAPTIONS, _EVERY)) if c != own]
            for c in dom.outermost(captions):
                caption = squash(dom.text(c)) or caption
                dom.remove_deep(c)
            if caption is None:
                caption = squash(dom.text(own)) or None
            if caption and len(caption) > MAX_CAPTION:
                continue
            found_imgs = dom.tagged_with_attributes(own, _IMG_ONLY, _IMG_ATTRS)
            srcs = [s for s in (src_of(attrs, base) for _, _, attrs in found_imgs) if s]
            for i, src in enumerate(srcs):
                images.append(Image(src, caption if i == 0 else None, credit if i == 0 else None))
            dom.remove_deep(own)
            stats.count("caption" if caption or credit else "figure")
    return images


def _loose_images_ids(dom, nodes: list, base: str | None) -> list[Image]:
    """`loose_images` on node ids."""
    images: list[Image] = []
    for node in nodes:
        for _, _, attrs in dom.tagged_with_attributes(node.mem_id, _IMG_ONLY, _IMG_ATTRS + ("alt",)):
            src = src_of(attrs, base)
            if src:
                alt = squash(attrs.get("alt") or "") or None
                images.append(Image(src, alt, None))
    return images
