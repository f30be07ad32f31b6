"""Which element holds the article: the paragraph vote, checked against declarations.

The DOM shows the body as the element whose paragraphs carry the most non-link
text; pages also declare it (`itemprop="articleBody"`, `<article>`, CMS and
Korean portal ids). We weigh paragraphs once (one CSS query plus `.text()` in
C; Python touches paragraphs and a few candidates' ancestors, never the whole
DOM), credit each to its parent and, halved, to its grandparent, skip
candidates inside navigation or comment threads, then prefer a declared
container around (or inside) the winner that holds most of its text, merge a
body split into same-named containers, climb to a content-named wrapper, and
add sibling elements that carry article-like paragraphs. Weights are CJK-aware
(`measure.weight`), so Korean pages vote like English ones.
"""

from __future__ import annotations

import re

from ..native import load as _load_native
from .measure import weight
from .selectors import simple_selectors
from .tags import tag_id, tag_ids
from .vocab import DECLARED_BODY, DECLARED_CLASSES, DECLARED_IDS, trie_pattern

_native = _load_native("body")  # the compiled vote (service/native/body.pyx); None: the Python code below
_dom = _load_native("dom")  # compiled DOM primitives, for the queries find_body makes once the vote is in

MIN_PARAGRAPH = 30  # weight below which a paragraph does not vote
# matched against lower-cased "class id" (case-insensitive regexes are several times slower)
# (written as prefix trees: a flat alternation of words is ~2.5x slower in Python's regex engine)
_POSITIVE = re.compile(trie_pattern("article body content entry main post story text news view dic_area".split()))
_NEGATIVE = re.compile(trie_pattern(
    "comment related recommend sidebar widget footer menu nav promo share social popular trending "
    "sponsor newsletter subscribe consent cookie privacy gdpr modal popup disclaimer".split()
))
_WEAK_NEGATIVE = re.compile(trie_pattern(
    "header teaser card list rail ad- ads author bio tweet twitter instagram embed caption".split()
))


_MAX_HINT = 1.3  # the largest multiplier `_hint` gives


def _hint(node) -> float:
    """Multiplier from the element's class and id words (at most `_MAX_HINT`)."""
    attrs = node.attributes
    return _hint_words(attrs.get("class"), attrs.get("id"))


def _hint_words(cls: str | None, ident: str | None) -> float:
    """`_hint` from the class and id values (the compiled vote reads them without a node)."""
    s = f"{(cls or '')[:300]} {(ident or '')[:100]}"
    if s == " ":
        return 1.0
    s = s.lower()
    f = 1.0
    if _POSITIVE.search(s):
        f *= _MAX_HINT
    if _NEGATIVE.search(s):
        f *= 0.4
    elif _WEAK_NEGATIVE.search(s):
        f *= 0.7
    return f


def _listing(articles: list) -> float:
    """Penalty for an element that holds several stories (a listing, not an article).

    `articles` is the element's `css("article")`, kept for the <article> check
    that follows (one subtree walk instead of two).
    """
    return 0.3 if len(articles) >= 2 else 1.0


class _Evidence:
    """Paragraph weights, the readability-style vote, and lazily summed subtree totals.

    Everything is keyed by `mem_id`: selectolax nodes compare (`==`, and so dict
    and set look-ups with a fresh wrapper) by serialising their HTML, which is
    quadratic on large pages.

    From the compiled vote, `nodes` is its `Votes` mapping (also `votes`): it
    builds a node only when one is asked for, and sums `total` over pointers;
    valid only until the tree changes (find_body is done before any decompose).
    """

    __slots__ = ("direct", "nodes", "units", "unit_parents", "br_units", "units_query", "_totals", "votes")

    def __init__(self):
        self.direct: dict[int, float] = {}  # mem_id -> vote
        self.nodes: dict[int, object] = {}  # mem_id -> node, for every voted element
        self.units: dict[int, float] = {}  # p/pre mem_id -> weight
        self.unit_parents: dict[int, int] = {}  # p/pre mem_id -> its parent's mem_id
        self.br_units: dict[int, float] = {}  # mem_id of an element holding <br>-separated text -> weight
        self.units_query = "p, pre"  # "p" when the page has no <pre> (one pass per query instead of two)
        self._totals: dict[int, float] = {}
        self.votes = None  # the compiled vote's Votes, or None

    def hint(self, key: int) -> float:
        """`_hint` of the voted element `key`."""
        votes = self.votes
        if votes is None:
            return _hint(self.nodes[key])
        return _hint_words(*votes.class_id(key))

    def twins(self, best, cls: str) -> list:
        """Voted elements other than `best` with its tag and the class `cls`, in voting order."""
        best_key, tag = best.mem_id, best.tag
        votes = self.votes
        if votes is None:
            return [
                n for k, n in self.nodes.items()
                if k != best_key and n.tag == tag and n.attributes.get("class") == cls
            ]
        # the compiled side narrows by tag id and class; the nodes found are checked as above
        found = (votes[k] for k in votes.same_tag_class(best_key, best.tag_id, cls))
        return [n for n in found if n.tag == tag and n.attributes.get("class") == cls]

    def total(self, node) -> float:
        """Paragraph weight inside `node` (one CSS query, or one pointer walk after the compiled vote; cached)."""
        key = node.mem_id
        t = self._totals.get(key)
        if t is None:
            units = self.units
            t = units.get(key, 0.0)
            votes = self.votes
            if votes is not None:  # the same sums in the same order, over pointers
                not_p = node.tag_id not in _P_IDS
                if not_p or self.br_units:
                    t = votes.total(key, t, not_p)
                self._totals[key] = t
                return t
            if node.tag_id not in _P_IDS:
                for p in node.css(self.units_query):
                    t += units.get(p.mem_id, 0.0)
            br_units = self.br_units
            if br_units:
                t += br_units.get(key, 0.0)
                for holder in node.css(":has(> br)"):  # includes `node` itself when it holds a <br>
                    h = holder.mem_id
                    if h != key:
                        t += br_units.get(h, 0.0)
            self._totals[key] = t
        return t


NOT_A_BODY = frozenset(
    ("blockquote", "li", "ul", "ol", "td", "tr", "tbody", "table", "figure", "figcaption",
     "span", "a", "b", "i", "em", "strong", "font")
)


NOT_A_BODY_IDS = tag_ids(NOT_A_BODY)
_P_IDS = tag_ids(("p", "pre"))
_A_ID = tag_id("a")
_BR_ID = tag_id("br")


def _vote(ev: _Evidence, holder, h: int, text: str, w: float, climbs: dict) -> float:
    """Credit a paragraph's weight to its holder `h` and, halved, to the holder's parent.

    `climbs` caches, per holder, where its votes go (most paragraphs share their
    parent with others, and each `.parent` builds a node wrapper); the voted
    elements enter `ev.nodes` on their first vote, as they enter `ev.direct`.
    """
    found = climbs.get(h)
    if found is None:
        hops = 0
        while holder.tag_id in NOT_A_BODY_IDS and hops < 4:  # quotes, lists and tables are parts of a body
            parent = holder.parent
            if parent is None:
                break
            holder, hops = parent, hops + 1
        nodes = ev.nodes
        k = holder.mem_id
        nodes.setdefault(k, holder)
        gp = holder.parent
        gk = None
        if gp is not None:
            gk = gp.mem_id
            nodes.setdefault(gk, gp)
        found = climbs[h] = (k, gk)
    k, gk = found
    if text.rstrip().endswith(("…", "...", "[…]")):
        w *= 0.3  # a truncated excerpt: a teaser for another page
    commas = text.count(",") if text.isascii() else text.count(",") + text.count("，") + text.count("、")
    s = w + 10 * (commas if commas < 10 else 10)
    direct = ev.direct
    direct[k] = direct.get(k, 0.0) + s
    if gk is not None:
        direct[gk] = direct.get(gk, 0.0) + s / 2
    return w


# ("pre a" is queried apart, only on pages that have a <pre>: each selector of a
# list costs a pass over the page, and <pre> is rare in articles)
_ALL = "p, pre, br, p a"
_PRE_ID = tag_id("pre")
_DECLARED = ", ".join(DECLARED_BODY)
_DECLARED_SIMPLE = simple_selectors(_DECLARED)
_ARTICLE_SIMPLE = simple_selectors("article")
_EVERY = 1 << 30  # no limit on a query's matches
_DECL_IDS = frozenset(DECLARED_IDS)
_DECL_CLASSES = frozenset(DECLARED_CLASSES)


def score_paragraphs(root) -> _Evidence:
    """Weigh every paragraph once and credit it to its parent and grandparent (compiled when built)."""
    # (documents only: in a fragment, css() also covers the top node's siblings and .parent stops below
    # Lexbor's wrapper element, which the pointer walk does not know)
    if _native is not None and (top := root.parser.root) is not None and top.parent is not None:
        ev = _Evidence()
        ev.votes = _native.score_paragraphs(root, ev)
        return ev
    return _score_paragraphs_py(root)


def _score_paragraphs_py(root) -> _Evidence:
    """Weigh every paragraph once and credit it to its parent and grandparent.

    One CSS query over the page collects paragraphs, their links and line
    breaks (each whole-page query costs about as much as the rest of the vote).
    """
    ev = _Evidence()
    paragraphs, brs, anchors, links = [], [], [], {}
    p_ids = _P_IDS
    has_pre = False
    for node in root.css(_ALL):
        tid = node.tag_id  # an int: cheaper than the `tag` string
        if tid in p_ids:
            paragraphs.append(node)
            if tid == _PRE_ID:
                has_pre = True
        elif tid == _A_ID:
            anchors.append(node)
        elif tid == _BR_ID:
            brs.append(node)
    if has_pre:
        anchors += root.css("pre a")  # a link inside both a <p> and a <pre> counts twice, as it always did
    else:
        ev.units_query = "p"
    for node in anchors:
        up, hops = node.parent, 0
        while up is not None and hops < 6:
            if up.tag_id in p_ids:
                k = up.mem_id
                links[k] = links.get(k, 0) + len(node.text())
                break
            up, hops = up.parent, hops + 1
    units, unit_parents = ev.units, ev.unit_parents
    climbs: dict = {}
    for p in paragraphs:
        text = p.text()
        w = len(text) if text.isascii() else weight(text)
        if w < MIN_PARAGRAPH:
            continue
        key = p.mem_id
        la = links.get(key)
        if la:
            w *= max(0.0, 1.0 - 1.5 * la / max(1, len(text)))
            if w < MIN_PARAGRAPH:
                continue
        holder = p.parent
        if holder is None:
            continue
        h = holder.mem_id
        units[key] = _vote(ev, holder, h, text, w, climbs)
        unit_parents[key] = h
    seen: set[int] = set()
    for br in brs:
        holder = br.parent
        if holder is None:
            continue
        h = holder.mem_id
        if h in seen or holder.tag_id in p_ids:
            continue
        seen.add(h)
        text = holder.text(deep=False)
        w = weight(text)
        if w >= MIN_PARAGRAPH:
            ev.br_units[h] = _vote(ev, holder, h, text, w, climbs)
    return ev


def is_inside(node, ancestor) -> bool:
    """True if `node` is `ancestor` or one of its descendants."""
    target = ancestor.mem_id
    while node is not None:
        if node.mem_id == target:
            return True
        node = node.parent
    return False


if _native is not None:
    _native.configure(tag_id("p"), _PRE_ID, _A_ID, _BR_ID, NOT_A_BODY_IDS, MIN_PARAGRAPH)


WEAK_VOTE = 1000  # paragraph weight under which the vote alone is not trusted
MAX_DECLARED = 12  # declared containers examined (a listing repeats them per teaser)


_EXCLUDED_TAGS = frozenset(("nav", "aside", "footer", "form", "header"))
_EXCLUDED_WORDS = re.compile(r"comment|consent|cookie|disqus|respond")


_EXCLUDED_IDS = tag_ids(_EXCLUDED_TAGS)
_TOP_IDS = tag_ids(("body", "html"))
_ARTICLE_ID = tag_id("article")


def _judge_context(own: int, ancestors) -> tuple[bool, list, list]:
    """(inside page furniture or a comment thread?, declared body containers and
    <article>s among the element and its ancestors up to <body>, nearest first).

    `ancestors` gives (mem_id, tag id, attributes) of the element `own` and each
    ancestor, nearest first; the containers are returned as mem_ids. One walk
    and one attribute dict per ancestor serve all three; the comment words are
    searched once in all the ancestors' class and id strings joined by spaces
    (the words hold no space, so no match spans two of them).
    """
    declared, articles, words = [], [], []
    excluded = False
    for key, tid, attrs in ancestors:
        if tid in _TOP_IDS:
            break
        if tid in _EXCLUDED_IDS and key != own:
            excluded = True
        else:
            cls, ident = attrs.get("class"), attrs.get("id")
            words.append(f"{(cls or '')[:300]} {(ident or '')[:100]}")
            if (
                attrs.get("itemprop") == "articleBody"
                or ident in _DECL_IDS
                or (cls and not _DECL_CLASSES.isdisjoint(cls.split()))
            ):
                declared.append(key)
        if tid == _ARTICLE_ID:
            articles.append(key)
    if not excluded and _EXCLUDED_WORDS.search(" ".join(words).lower()):
        excluded = True
    return excluded, declared, articles


def _context(node) -> tuple[bool, list, list]:
    """`_judge_context` of the node, walking up through node wrappers; returns nodes."""
    seen = {}

    def ancestors():
        up = node
        while up is not None:
            seen[up.mem_id] = up
            yield up.mem_id, up.tag_id, up.attributes
            up = up.parent

    excluded, declared, articles = _judge_context(node.mem_id, ancestors())
    return excluded, [seen[k] for k in declared], [seen[k] for k in articles]


_CONTEXT_ATTRS = ("class", "id", "itemprop")


def _context_ids(votes, node) -> tuple[bool, list, list]:
    """`_judge_context` from one C walk up the tree (`dom.ancestor_attributes`); nodes built only for what it returns."""
    own = node.mem_id
    excluded, declared, articles = _judge_context(own, _dom.ancestor_attributes(own, _CONTEXT_ATTRS))
    return excluded, [votes.node(k) for k in declared], [votes.node(k) for k in articles]


def _inner_bound(ev: _Evidence, best_key: int, best_total: float) -> float:
    """An upper bound on the paragraph weight of any element strictly inside the top element.

    A paragraph whose parent is the top element is inside no other descendant
    but itself, so a descendant holds either one such paragraph or only the
    rest. When this bound is below the declared-container threshold, the
    query for declared containers inside the top element cannot change the
    result and is skipped (it costs about as much as the whole vote).
    """
    direct = biggest = 0.0
    parents = ev.unit_parents
    for key, w in ev.units.items():
        if parents[key] == best_key:
            direct += w
            if w > biggest:
                biggest = w
    return max(biggest, best_total - direct - ev.br_units.get(best_key, 0.0))


def find_body(root) -> tuple[list, str]:
    """The element(s) holding the article, in document order, and how they were found."""
    ev = score_paragraphs(root)
    direct = ev.direct
    if not direct:
        return [], "none"
    total = ev.total
    node_of = ev.nodes
    # with the compiled vote, the queries below run as C walks and nodes are built only for what they find
    votes = ev.votes if _dom is not None else None
    if votes is not None:
        context = lambda n: _context_ids(votes, n)  # noqa: E731
        articles_of = lambda n: [votes.node(k) for k in _dom.select(n.mem_id, _ARTICLE_SIMPLE, _EVERY)]  # noqa: E731
    else:
        context = _context
        articles_of = lambda n: n.css("article")  # noqa: E731
    # the best-voted element that is not inside navigation, a footer or a comment thread
    # (a story listing is penalised; that needs a query, so only the leader is checked
    # until one passes)
    top = sorted(direct, key=direct.__getitem__, reverse=True)[:15]
    # Hints cost three regex searches each, and the leader passes its checks on
    # almost every page: hint candidates in vote order only while one can still
    # reach the lead (a hint is at most _MAX_HINT), pick the leader as the full
    # ranking below would, and rank them all only if the leader fails.
    hinted = {}
    lead = -1.0
    for k in top:
        if direct[k] * _MAX_HINT < lead:
            break
        h = hinted[k] = direct[k] * ev.hint(k)
        if h > lead:
            lead = h
    tied = [k for k, h in hinted.items() if h == lead]  # in vote order, as the stable sort keeps them
    k = tied[min(len(tied), 6) - 1]  # of equals among the six ranked, the last one is tried first
    node = node_of[k]
    articles = articles_of(node)
    articles_in = {k: articles}  # mem_id -> its css("article"), for the <article> check
    best = None
    if _listing(articles) == 1.0:
        excluded, declared_around, outer = context(node)
        if not excluded:
            best = node
    if best is None:
        for k in top:
            if k not in hinted:
                hinted[k] = direct[k] * ev.hint(k)
        ranked = sorted(top, key=hinted.__getitem__, reverse=True)[:6]
        scored = [[hinted[k], i, k, False] for i, k in enumerate(ranked)]
        while scored:
            scored.sort(reverse=True)
            entry = scored[0]
            k = entry[2]
            node = node_of[k]
            if not entry[3]:
                entry[3] = True
                articles = articles_in.get(k)
                if articles is None:
                    articles = articles_in[k] = articles_of(node)
                penalty = _listing(articles)
                if penalty < 1.0:
                    entry[0] *= penalty
                    continue
            excluded, declared_around, outer = context(node)
            if not excluded:
                best = node
                break
            scored.pop(0)
    if best is None:
        return [], "none"
    best_key = best.mem_id
    best_total = total(best)

    # a declared container (an ancestor, or inside the top element) that holds most
    # of the paragraph text wins; the innermost one when they nest
    # (when the vote is weak, say paragraphs are <div>s, a declared container anywhere)
    declared = None
    scope = best if best_total >= WEAK_VOTE else root
    inside = []
    if scope is root or _inner_bound(ev, best_key, best_total) >= max(0.7 * best_total, MIN_PARAGRAPH * 3) - 1e-6:
        if votes is not None:
            found = _dom.select(scope.mem_id, _DECLARED_SIMPLE, MAX_DECLARED)
            inside = [votes.node(k) for k in found if k != best_key]
        else:
            inside = [d for d in scope.css(_DECLARED)[:MAX_DECLARED] if d.mem_id != best_key]
    for cand in declared_around + inside:
        t = total(cand)
        if t >= 0.7 * best_total and t >= MIN_PARAGRAPH * 3:
            if declared is None or t < declared[1]:
                declared = (cand, t)
    if declared is not None:
        return [declared[0]], "declared"
    # the one <article> around the top element, or the one inside it
    inner = [a for a in articles_in[best_key] if a.mem_id != best_key] if best.tag != "p" else []
    if len(outer) == 1 and not inner:
        t = total(outer[0])
        if t <= 1.6 * best_total:
            return [outer[0]], "article"
    elif not outer and len(inner) == 1:
        t = total(inner[0])
        if t >= 0.8 * best_total:
            return [inner[0]], "article"

    # a body split into several same-named containers (by ads, by pull quotes)
    cls = best.attributes.get("class")
    if cls and best.tag != "article":
        twins = [n for n in ev.twins(best, cls) if total(n) >= MIN_PARAGRAPH * 2 and not context(n)[0]]
        if twins:
            return outermost([best, *twins]), "split"

    # climb to a content-named ancestor that adds little beyond the top element
    # (an ancestor without a content name is passed without its total, a query over
    # its subtree: where that total would stop the climb (> 1.8x), every ancestor
    # above it holds at least as much and stops it too, and the top element stays;
    # all but a <p>/<pre>, whose total is its own weight, so those check the passed)
    node, steps = best.parent, 0
    passed = []
    while node is not None and steps < 3 and node.tag not in ("body", "html"):
        if _hint(node) > 1.0:
            if node.tag_id in _P_IDS and any(total(n) > 1.8 * best_total for n in passed):
                break
            t = total(node)
            if t > 1.8 * best_total:
                break
            if t > 1.05 * best_total:
                best, best_total = node, t
                break
        else:
            passed.append(node)
        node, steps = node.parent, steps + 1

    # the top element plus siblings that carry article-like paragraphs
    parent = best.parent
    if parent is None:
        return [best], "scored"
    best_key = best.mem_id
    threshold = max(MIN_PARAGRAPH * 2, 0.2 * direct.get(best_key, 0.0))
    nodes = []
    for sib in parent.iter():
        if sib.mem_id == best_key:
            nodes.append(sib)
            continue
        k = sib.mem_id
        if k not in direct and k not in ev.units:  # no paragraph within two levels: not article text
            continue
        if sib.tag == "article" or sib.tag == "-text":  # another story
            continue
        if total(sib) >= threshold and _hint(sib) >= 1.0:
            nodes.append(sib)
    return nodes, "scored"


def outermost(nodes: list) -> list:
    """Nodes not inside another node of the list, in the given order."""
    ids = {n.mem_id for n in nodes}
    keep = []
    for n in nodes:
        p = n.parent
        while p is not None and p.mem_id not in ids:
            p = p.parent
        if p is None:
            keep.append(n)
    return keep
