"""Scoring one text against one profile: a single pass over its tokens.

Why it is built this way: a profile is a set of weighted term groups, each
group plays a role (an actor, a theme, a negative), and rules multiply role
activations ("a Korea actor AND a US actor AND a theme"). Terms in the title
and the lead count more, and the rest of a long body is scaled down so a page
that mentions Korea in passing does not look like a page about Korea. Every
number that moved the score is returned as evidence, so a label can always be
explained. Pure and deterministic: no I/O, no state.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from .profile import TOKEN_RE, Profile, Term

RELEVANT = "relevant"
OFF_TOPIC = "off_topic"
# a text with no title and at most this many tokens on one line is a headline
HEADLINE_TOKENS = 40


@dataclass(frozen=True, slots=True)
class Evidence:
    """One thing that moved the score: a fired rule, a group's total, or a matched term."""

    kind: str  # "rule", "group" or "term"
    name: str  # the rule's roles joined by "+", the group's name, or the term as written in the profile
    # rule: what it added to the raw score; group: its evidence (after its cap);
    # term: the evidence it added to its group (weight x position weights)
    weight: float
    group: str | None = None
    role: str | None = None
    count: int = 0  # how many times the term occurred (terms only)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"kind": self.kind, "name": self.name, "weight": round(self.weight, 4)}
        if self.kind == "term":
            d.update(group=self.group, role=self.role, count=self.count)
        elif self.kind == "group":
            d.update(role=self.role)
        return d


@dataclass(frozen=True, slots=True)
class Relevance:
    """How relevant one text is to one topic, and why."""

    label: str  # "relevant" or "off_topic"
    score: float  # in [0, 1]; relevant when score >= the profile's threshold
    evidence: tuple[Evidence, ...]
    topic: str
    roles: tuple[tuple[str, float], ...] = ()  # role -> activation in [0, 1]

    def role(self, name: str) -> float:
        return dict(self.roles).get(name, 0.0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "score": round(self.score, 4),
            "topic": self.topic,
            "evidence": [e.to_dict() for e in self.evidence],
            "roles": {k: round(v, 4) for k, v in self.roles},
        }


def _scan(profile: Profile, text: str, weights: list[float] | float, hits: dict[Term, list[float]]) -> int:
    """Add every term occurrence in `text` to `hits` (term -> [weighted count, count]).

    `weights` is the position weight of each token (a list) or one weight for all.
    Longest match wins; matched tokens are consumed. Returns the number of tokens.
    """
    toks = TOKEN_RE.findall(text)
    n = len(toks)
    if not n:
        return 0
    low = TOKEN_RE.findall(text.lower())
    if len(low) != n:  # a character whose lower case splits differently; rare
        low = [t.lower() for t in toks]
    first_ci, first_cs, prefix_ci, plens = profile.first_ci, profile.first_cs, profile.prefix_ci, profile.prefix_lens
    per_token = isinstance(weights, list)
    i = 0
    while i < n:
        lt = low[i]
        best: Term | None = None
        blen = 0
        cands = first_ci.get(lt)
        if cands:
            for t in cands:
                L = len(t.tokens)
                if L <= blen or i + L > n:
                    continue
                if L == 1 or _match(low, i, t):
                    best, blen = t, L
                    break
        cands = first_cs.get(toks[i])
        if cands:
            for t in cands:
                L = len(t.tokens)
                if L <= blen or i + L > n:
                    continue
                if L == 1 or _match(toks, i, t):
                    best, blen = t, L
                    break
        if plens and not blen:
            for L in plens:
                if len(lt) < L:
                    break
                cands = prefix_ci.get(lt[:L])
                if cands:
                    best, blen = cands[0], 1
                    break
        if best is None:
            i += 1
            continue
        w = weights[i] if per_token else weights
        h = hits.get(best)
        if h is None:
            hits[best] = [w, 1]
        else:
            h[0] += w
            h[1] += 1
        i += blen
    return n


def _match(words: list[str], i: int, t: Term) -> bool:
    toks = t.tokens
    last = len(toks) - 1
    for k in range(1, last):
        if words[i + k] != toks[k]:
            return False
    if t.prefix:
        return words[i + last].startswith(toks[last])
    return words[i + last] == toks[last]


def _split_lead(text: str, lead_tokens: int) -> tuple[str, str]:
    """Split `text` after roughly `lead_tokens` tokens, at a token boundary."""
    count = 0
    for m in TOKEN_RE.finditer(text):
        count += 1
        if count == lead_tokens:
            return text[: m.end()], text[m.end() :]
    return text, ""


def score(text: str, *, title: str | None = None, profile: Profile | None = None) -> Relevance:
    """Score `text` (an article body or one short block) against `profile`.

    With no title, a single short line is treated as a headline (it weighs like
    a title). Pure: same input, same output.
    """
    if profile is None:
        from .profile import default_profile

        profile = default_profile()
    elif not isinstance(profile, Profile):
        from .profile import load_profile

        profile = load_profile(profile)
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    sc = profile.scoring
    hits: dict[Term, list[float]] = {}
    text = text or ""
    if title is None and "\n" not in text.strip() and len(text) < 400:
        # one short line: a headline. Count it like a title.
        if _scan(profile, text, sc["title_weight"], hits) > HEADLINE_TOKENS:
            hits.clear()
            title = None
            _score_body(profile, text, hits)
    else:
        if title:
            _scan(profile, title, sc["title_weight"], hits)
        _score_body(profile, text, hits)
    return _finish(profile, hits)


def _score_body(profile: Profile, text: str, hits: dict[Term, list[float]]) -> None:
    sc = profile.scoring
    lead, rest = _split_lead(text, int(sc["lead_tokens"]))
    _scan(profile, lead, sc["lead_weight"], hits)
    if rest:
        rest_hits: dict[Term, list[float]] = {}
        n = _scan(profile, rest, 1.0, rest_hits)
        # the rest of a long body is scaled down: one passing mention in 2,000
        # words is not what the page is about
        norm = min(1.0, sc["body_tokens"] / n) if n else 1.0
        for t, (w, c) in rest_hits.items():
            h = hits.get(t)
            if h is None:
                hits[t] = [w * norm, c]
            else:
                h[0] += w * norm
                h[1] += c


def _finish(profile: Profile, hits: dict[Term, list[float]]) -> Relevance:
    sc = profile.scoring
    groups = profile.groups
    group_ev = [0.0] * len(groups)
    term_ev: list[Evidence] = []
    for t, (w, c) in hits.items():
        for gi in t.groups:
            g = groups[gi]
            ev = w * g.weight
            group_ev[gi] += ev
            term_ev.append(Evidence("term", t.text, ev, g.name, g.role, int(c)))
    role_ev: dict[str, float] = dict.fromkeys(profile.roles, 0.0)
    group_out: list[Evidence] = []
    for gi, ev in enumerate(group_ev):
        if ev:
            g = groups[gi]
            if g.cap is not None and ev > g.cap:
                ev = g.cap
            role_ev[g.role] += ev
            group_out.append(Evidence("group", g.name, ev, g.name, g.role))
    sat = profile.saturation
    act = {r: 1.0 - math.exp(-e / sat[r]) for r, e in role_ev.items()}
    raw = 0.0
    rule_ev: list[Evidence] = []
    for rule in profile.rules:
        a = rule.weight
        for r in rule.roles:
            a *= act[r]
        if abs(a) >= 1e-3:
            rule_ev.append(Evidence("rule", rule.name, a))
            raw += a
    s = raw / (raw + sc["scale"]) if raw > 0 else 0.0
    label = RELEVANT if s >= sc["threshold"] else OFF_TOPIC
    rule_ev.sort(key=lambda e: -abs(e.weight))
    group_out.sort(key=lambda e: (-e.weight, e.name))
    term_ev.sort(key=lambda e: (-e.weight, e.name))
    return Relevance(
        label=label,
        score=s,
        evidence=tuple(rule_ev + group_out + term_ev),
        topic=profile.name,
        roles=tuple((r, a) for r, a in act.items()),
    )
