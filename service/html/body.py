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


class _Evidence:
    """Paragraph weights, the readability-style vote, and lazily summed subtree totals."""

    __slots__ = ("direct", "units", "br_units", "_totals")

    def __init__(self):
        self.direct: dict = {}
        self.units: dict = {}  # p/pre element -> weight
        self.br_units: dict = {}  # element holding <br>-separated text -> weight
        self._totals: dict = {}

    def total(self, node) -> float:
        """Paragraph weight inside `node` (one CSS query, cached)."""
        t = self._totals.get(node)
        if t is None:
            units = self.units
            t = units.get(node, 0.0)
            if node.tag not in ("p", "pre"):
                for p in node.css("p, pre"):
                    t += units.get(p, 0.0)
            if self.br_units:
                t += self.br_units.get(node, 0.0)
                seen = set()
                for br in node.css("br"):
                    holder = br.parent
                    if holder is not None and holder != node and holder not in seen:
                        seen.add(holder)
                        t += self.br_units.get(holder, 0.0)
            self._totals[node] = t
        return t


def _link_chars_by_paragraph(root) -> dict:
    """Characters of link text per p/pre element, from one query over the page."""
    out: dict = {}
    for a in root.css("p a, pre a"):
        node = a.parent
        hops = 0
        while node is not None and hops < 6:
            tag = node.tag
            if tag == "p" or tag == "pre":
                out[node] = out.get(node, 0) + len(a.text())
                break
            node = node.parent
            hops += 1
    return out


NOT_A_BODY = frozenset(("blockquote", "li", "ul", "ol", "td", "tr", "tbody", "table", "figure", "figcaption", "span", "a", "b", "i", "em", "strong", "font"))


def _vote(ev: _Evidence, holder, text: str, w: float) -> float:
    hops = 0
    while holder.tag in NOT_A_BODY and hops < 4:  # quotes, lists and tables are parts of a body
        parent = holder.parent
        if parent is None:
            break
        holder, hops = parent, hops + 1
    tail = text.rstrip()[-3:]
    if tail.endswith("…") or tail == "..." or tail.endswith("[…]"):
        w *= 0.3  # a truncated excerpt: a teaser for another page
    commas = text.count(",") + text.count("，") + text.count("、")
    s = w + 10 * min(commas, 10)
    direct = ev.direct
    direct[holder] = direct.get(holder, 0.0) + s
    gp = holder.parent
    if gp is not None:
        direct[gp] = direct.get(gp, 0.0) + s / 2
    return w


def score_paragraphs(root) -> _Evidence:
    """Weigh every paragraph once and credit it to its parent and grandparent."""
    ev = _Evidence()
    links = _link_chars_by_paragraph(root)
    for p in root.css("p, pre"):
        text = p.text()
        w = weight(text)
        if w < MIN_PARAGRAPH:
            continue
        la = links.get(p)
        if la:
            w *= max(0.0, 1.0 - 1.5 * la / max(1, len(text)))
            if w < MIN_PARAGRAPH:
                continue
        holder = p.parent
        if holder is None:
            continue
        ev.units[p] = _vote(ev, holder, text, w)
    seen: set = set()
    for br in root.css("br"):
        holder = br.parent
        if holder is None or holder in seen or holder.tag in ("p", "pre"):
            continue
        seen.add(holder)
        text = holder.text(deep=False)
        w = weight(text)
        if w >= MIN_PARAGRAPH:
            ev.br_units[holder] = _vote(ev, holder, text, w)
    return ev


def _is_inside(node, ancestor) -> bool:
    while node is not None:
        if node == ancestor:
            return True
        node = node.parent
    return False


MAX_DECLARED = 12  # declared containers examined (a listing repeats them per teaser)
_DECLARED = ", ".join(DECLARED_BODY)


def find_body(root) -> tuple[list, str]:
    """The element(s) holding the article, in document order, and how they were found."""
    ev = score_paragraphs(root)
    direct = ev.direct
    if not direct:
        return [], "none"
    total = ev.total
    ranked = sorted(direct, key=lambda n: direct[n] * _hint(n), reverse=True)[:3]
    best = max(ranked, key=lambda n: direct[n] * _hint(n) * _listing(n))
    best_total = total(best)

    # a declared container that holds most of the paragraph text wins
    # (the innermost one when they nest: an outer wrapper also holds chrome)
    declared = None
    for cand in root.css(_DECLARED)[:MAX_DECLARED]:
        t = total(cand)
        if t >= 0.7 * best_total and t >= MIN_PARAGRAPH * 3:
            if _is_inside(best, cand) or t >= 0.9 * best_total:
                if declared is None or t < declared[1] or (t == declared[1] and _is_inside(cand, declared[0])):
                    declared = (cand, t)
    if declared is not None:
        return [declared[0]], "declared"
    articles = root.css("article")
    if articles and len(articles) <= MAX_DECLARED:
        articles = [a for a in articles if total(a) > 0]
        if len(articles) == 1:
            a = articles[0]
            t = total(a)
            if _is_inside(best, a) and t <= 1.6 * best_total or _is_inside(a, best) and t >= 0.8 * best_total:
                return [a], "article"

    # a body split into several same-named containers (by ads, by pull quotes)
    cls = best.attributes.get("class")
    if cls and best.tag != "article":
        twins = [n for n in direct if n != best and n.tag == best.tag and n.attributes.get("class") == cls]
        twins = [n for n in twins if total(n) >= MIN_PARAGRAPH * 2]
        if twins:
            return _outermost([best, *twins]), "split"

    # climb to a content-named ancestor that adds little beyond the top element
    node, steps = best.parent, 0
    while node is not None and steps < 3 and node.tag not in ("body", "html"):
        t = total(node)
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
        if sib.tag == "article":
            continue
        if total(sib) >= threshold and _hint(sib) >= 1.0:
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
