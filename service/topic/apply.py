"""Relevance inside the pipeline: label the article, drop off-topic sidebars.

Chrome removal (service.html / service.text) knows page structure; it cannot
know that "aespa Takes 2nd Win On M Countdown" is noise on a page about tariffs.
This module can: it scores short headline-like blocks on their own and drops
runs of them (with the dates glued to them) when they are clearly off-topic by
the profile's negative groups. Ordinary paragraphs are never touched: a
paragraph that does not mention Korea is still part of the article. Then the
whole article is scored against every profile.
"""

from __future__ import annotations

import re
from typing import Any, Sequence

from ..article import Article
from .profile import Profile, default_profile, load_profile
from .score import OFF_TOPIC, Relevance, score

REASON = "off_topic"

_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
# a block that is only a date (maybe glued to an author name or a time)
_DATE_RE = re.compile(
    rf"""^\W*(?:[a-z][a-z .]{{0,20}}?)?\s*(?:
        {_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}
      | \d{{1,2}}\s+{_MONTH},?\s+\d{{4}}
      | \d{{4}}[-./]\s?\d{{1,2}}[-./]\s?\d{{1,2}}\.?
      | \d{{1,2}}[-/.]\d{{1,2}}[-/.]\d{{2,4}}
      | \d+\s+(?:minute|hour|day|week|month|year)s?\s+ago
    )(?:\s*[,|·-]?\s*\d{{1,2}}:\d{{2}}(?:\s*[ap]\.?m\.?)?)?\W*$""",
    re.IGNORECASE | re.VERBOSE,
)


def is_date_block(text: str) -> bool:
    t = text.strip()
    return len(t) <= 48 and bool(_DATE_RE.match(t))


def _headline_like(text: str, max_chars: float) -> bool:
    t = text.strip()
    if not t or len(t) > max_chars or "\n" in t:
        return False
    # a sentence that ends with a full stop is prose; headlines do not end so
    # (a teaser cut off with "..." or "…" still counts as a headline)
    if t.endswith(".") and not t.endswith("..."):
        return False
    return len(re.findall(r"[.!?](?:\s|$)", t)) <= 1


def _as_profiles(profiles: Any) -> list[Profile]:
    if profiles is None:
        return [default_profile()]
    if isinstance(profiles, Profile):
        return [profiles]
    out = []
    for p in profiles:
        out.append(p if isinstance(p, Profile) else load_profile(p))
    return out


def _clearly_off_topic(text: str, profiles: Sequence[Profile]) -> bool:
    """Off-topic for every profile, and pulled down by the primary profile's negatives."""
    primary = None
    for p in profiles:
        r = score(text, profile=p)
        if r.label != OFF_TOPIC:
            return False
        if primary is None:
            primary = (r, p)
    r, p = primary  # type: ignore[misc]
    return r.role("negative") >= p.blocks["negative_min"]


def drop_off_topic_runs(
    blocks: Sequence[Any], profiles: Sequence[Profile], title: str | None = None
) -> tuple[list[Any], int]:
    """Return (kept blocks, number dropped).

    A run is a maximal sequence of blocks that are each a clearly off-topic
    headline-like block or a date next to one. A run is dropped when it holds
    at least two off-topic headlines, or one headline with its date. Nothing is
    dropped when the runs would be more than `max_share` of the text (then they
    are the article, not a sidebar), nor when what is left is not relevant to
    any profile (an off-topic page keeps its content).
    """
    if not blocks or not profiles:
        return list(blocks), 0
    cfg = profiles[0].blocks
    n = len(blocks)
    kind = [""] * n  # "h": off-topic headline, "d": date, "": keep
    for i, b in enumerate(blocks):
        t = b.text
        if is_date_block(t):
            kind[i] = "d"
        elif _headline_like(t, cfg["max_chars"]) and _clearly_off_topic(t, profiles):
            kind[i] = "h"
    # Does a listing put the date after its headline (headline, date) or before it?
    # Decides which headline a date at the edge of a run belongs to.
    heads = [_headline_like(b.text, cfg["max_chars"]) and kind[i] != "d" for i, b in enumerate(blocks)]
    after = sum(1 for i in range(1, n) if kind[i] == "d" and heads[i - 1])
    before = sum(1 for i in range(n - 1) if kind[i] == "d" and heads[i + 1])
    dates_follow = after >= before
    drop = [False] * n
    i = 0
    while i < n:
        if not kind[i]:
            i += 1
            continue
        j = i
        while j < n and kind[j]:
            j += 1
        lo, hi = i, j
        # a date at the edge of the run that belongs to a kept neighbour stays
        if dates_follow and kind[lo] == "d" and lo > 0 and heads[lo - 1]:
            lo += 1
        if not dates_follow and hi > lo and kind[hi - 1] == "d" and hi < n and heads[hi]:
            hi -= 1
        run = kind[lo:hi]
        n_heads = run.count("h")
        # one off-topic headline alone is not a run, unless its date is with it
        if n_heads >= 2 or (n_heads == 1 and len(run) >= 2):
            for k in range(lo, hi):
                drop[k] = True
        i = j
    total = sum(len(b.text) for b in blocks)
    dropped_chars = sum(len(b.text) for b, d in zip(blocks, drop) if d)
    if not dropped_chars or (total and dropped_chars / total > cfg["max_share"]):
        return list(blocks), 0
    kept = [b for b, d in zip(blocks, drop) if not d]
    # Sidebars are only cleaned out of articles winnow will publish as relevant.
    # A page that is itself off-topic (a K-pop story, a workout plan) keeps all
    # its blocks: its short lines are its content, not a sidebar.
    text = "\n\n".join(b.text for b in kept)
    if not any(score(text, title=title, profile=p).label != OFF_TOPIC for p in profiles):
        return list(blocks), 0
    return kept, n - len(kept)


# article.relevance keeps every rule and group and the strongest terms; `winnow relevance
# explain` shows them all
MAX_TERMS = 20


def _relevance_dict(r: Relevance, topics: dict[str, float]) -> dict[str, Any]:
    d = r.to_dict()
    head = [e for e in d["evidence"] if e["kind"] != "term"]
    terms = [e for e in d["evidence"] if e["kind"] == "term"]
    d["evidence"] = head + terms[:MAX_TERMS]
    d["topics"] = topics
    return d


def apply_relevance(article: Article, profiles: Any = None) -> tuple[str, float]:
    """Drop off-topic sidebar runs from `article`, score it, fill `article.relevance`.

    `profiles`: None for the default profile, or a sequence of Profiles (or
    paths). Returns (label, score) of the first (primary) profile.
    """
    plist = _as_profiles(profiles)
    if not plist:
        return "relevant", 1.0
    kept, dropped = drop_off_topic_runs(article.blocks, plist, title=article.title)
    if dropped:
        article.blocks = kept
        article.stats.count(REASON, dropped)
        article.stats.kept_chars = len(article.text)
    text = article.text
    results = [score(text, title=article.title, profile=p) for p in plist]
    topics: dict[str, float] = {}
    for p, r in zip(plist, results):
        topics.setdefault(p.name, round(r.score, 4))
    primary = results[0]
    article.relevance = _relevance_dict(primary, topics)
    return primary.label, primary.score
