"""Which element holds the article: declared containers checked against the DOM.

Pages declare their body (`itemprop="articleBody"`, `<article>`, CMS and Korean
portal ids); the DOM shows it too, as the element whose paragraphs carry the
most non-link text. We score paragraphs once (a CSS query plus `.text()` calls
in C; Python only touches paragraphs and their ancestors, never the whole DOM),
credit each paragraph to its parent and, halved, to its grandparent, and keep
the top element plus sibling elements that carry article-like paragraphs. A
declared container wins when it holds most of that paragraph text.
"""

from __future__ import annotations

import re

from .measure import weight
from .vocab import DECLARED_BODY

MIN_PARAGRAPH = 30  # weight below which a paragraph does not vote
_POSITIVE = re.compile(r"article|body|content|entry|main|post|story|text|news|view|dic_area", re.I)
_NEGATIVE = re.compile(
    r"comment|related|recommend|sidebar|widget|footer|menu|nav|promo|share|social|popular|trending|"
    r"sponsor|newsletter|subscribe|consent|cookie|privacy|gdpr|modal|popup|disclaimer",
    re.I,
)
_WEAK_NEGATIVE = re.compile(r"header|teaser|card|list|rail|ad-|ads|author|bio|tweet|twitter|instagram|embed|caption", re.I)
_PARAGRAPHS = "p, pre, br"


def _hint(node) -> float:
    """Multiplier from the element's class and id words."""
    attrs = node.attributes
    s = f"{attrs.get('class') or ''} {attrs.get('id') or ''}"
    if s == " ":
        return 1.0
    f = 1.0
    if _POSITIVE.search(s):
        f *= 1.3
    if _NEGATIVE.search(s):
        f *= 0.4
    elif _WEAK_NEGATIVE.search(s):
        f *= 0.7
    return f


def _listing(node) -> float:
    """Penalty for an element that holds several stories (a listing, not an article)."""
    return 0.3 if len(node.css("article")) >= 2 else 1.0


def _link_chars(node) -> int:
    return sum(len(a.text()) for a in node.css("a"))


def score_paragraphs(root):
    """(direct scores, subtree totals) keyed by node, from paragraph evidence."""
    direct: dict = {}
    total: dict = {}
    seen_br_parents: set = set()
    for p in root.css(_PARAGRAPHS):
        if p.tag == "br":
            node = p.parent
            if node is None or node in seen_br_parents:
                continue
            seen_br_parents.add(node)
            text = node.text(deep=False)
            holder = node
        else:
            text = p.text()
            holder = p.parent
        if holder is None:
            continue
        w = weight(text.strip())
        if w < MIN_PARAGRAPH:
            continue
        if p.tag != "br":
            links = _link_chars(p)
            if links:
                w *= max(0.0, 1.0 - 1.5 * links / max(1, len(text)))
                if w < MIN_PARAGRAPH:
                    continue
        tail = text.rstrip()[-3:]
        if tail.endswith("…") or tail == "..." or tail.endswith("[…]"):
            w *= 0.3  # a truncated excerpt: a teaser for another page
        commas = text.count(",") + text.count("，") + text.count("、")
        s = w + 10 * min(commas, 10)
        direct[holder] = direct.get(holder, 0.0) + s
        gp = holder.parent
        if gp is not None:
            direct[gp] = direct.get(gp, 0.0) + s / 2
        node = holder if p.tag == "br" else p
        while node is not None:
            total[node] = total.get(node, 0.0) + w
            node = node.parent
    return direct, total


def _is_inside(node, ancestor) -> bool:
    while node is not None:
        if node == ancestor:
            return True
        node = node.parent
    return False


def find_body(root) -> tuple[list, str]:
    """The element(s) holding the article, in document order, and how they were found."""
    direct, total = score_paragraphs(root)
    if not direct:
        return [], "none"
    ranked = sorted(direct, key=lambda n: direct[n] * _hint(n), reverse=True)[:3]
    best = max(ranked, key=lambda n: direct[n] * _hint(n) * _listing(n))
    best_total = total.get(best, 0.0)

    # a declared container that holds most of the paragraph text wins
    for sel in DECLARED_BODY:
        for cand in root.css(sel):
            t = total.get(cand, 0.0)
            if t >= 0.7 * best_total and t >= MIN_PARAGRAPH * 3:
                if _is_inside(best, cand) or t >= 0.9 * best_total:
                    return [cand], "declared"
    articles = [a for a in root.css("article") if total.get(a, 0.0) > 0]
    if len(articles) == 1:
        a = articles[0]
        t = total[a]
        if _is_inside(best, a) and t <= 1.6 * best_total or _is_inside(a, best) and t >= 0.8 * best_total:
            return [a], "article"

    # a body split into several same-named containers (by ads, by pull quotes)
    cls = best.attributes.get("class")
    if cls and best.tag != "article":
        twins = [n for n in direct if n.tag == best.tag and n.attributes.get("class") == cls and n != best]
        twins = [n for n in twins if total.get(n, 0.0) >= MIN_PARAGRAPH * 2]
        if twins:
            return _outermost([best, *twins]), "split"

    # climb to a content-named ancestor that adds little beyond the top element
    node, steps = best.parent, 0
    while node is not None and steps < 3 and node.tag not in ("body", "html"):
        t = total.get(node, 0.0)
        if t > 1.8 * best_total:
            break
        if t > 1.05 * best_total and _hint(node) > 1.0:
            best, best_total = node, t
            break
        node, steps = node.parent, steps + 1

    # the top element plus siblings that carry article-like paragraphs
    parent = best.parent
    if parent is None:
        return [best], "scored"
    threshold = max(MIN_PARAGRAPH * 2, 0.2 * direct.get(best, 0.0))
    nodes = []
    for sib in parent.iter():
        if sib == best:
            nodes.append(sib)
            continue
        if sib.tag == "article":  # another story
            continue
        t = total.get(sib, 0.0)
        if t >= threshold and _hint(sib) >= 1.0:
            nodes.append(sib)
    return nodes, "scored"


def _outermost(nodes: list) -> list:
    """Nodes not inside another node of the list, in document order."""
    ids = set(nodes)
    keep = []
    for n in nodes:
        p = n.parent
        while p is not None and p not in ids:
            p = p.parent
        if p is None:
            keep.append(n)
    # document order: Lexbor node ids grow with parse order for parsed nodes
    return keep
