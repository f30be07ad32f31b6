"""Topic profiles: TOML data in, a compiled, read-only matcher out.

A profile says what a topic is made of (weighted groups of terms, each group
playing a role such as "korea", "us", "theme" or "negative"), how roles combine
into a score, and where the threshold lies. Keeping this as data lets users
write their own topics without touching code; compiling it once into token
dictionaries keeps scoring to a single pass over the text. See docs/profiles.md
for the file format.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

# A token is a run of letters or digits (Hangul runs included). "U.S." becomes
# the tokens U, S; "cost-sharing" becomes cost, sharing: so a profile term and
# the text are split the same way and punctuation variants match each other.
TOKEN_RE = re.compile(r"[^\W_]+")

_SCORING_DEFAULTS: dict[str, float] = {
    "title_weight": 3.0,
    "lead_weight": 2.0,
    "lead_tokens": 60,
    "body_tokens": 200,
    "saturation": 1.0,
    "scale": 1.0,
    "threshold": 0.5,
}
_SCORING_INT = {"lead_tokens", "body_tokens"}
_BLOCKS_DEFAULTS: dict[str, float] = {
    "max_chars": 160,
    "negative_min": 0.5,
    "max_share": 0.5,
}


class ProfileError(ValueError):
    """A profile file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True, slots=True)
class Group:
    """A named set of terms that all move the score by `weight` in favour of `role`."""

    name: str
    role: str
    weight: float
    terms: tuple[str, ...]
    cased: tuple[str, ...]
    cap: float | None  # most evidence one group may contribute, before position weights


@dataclass(frozen=True, slots=True)
class Rule:
    """Adds `weight` x the product of the activations of `roles` to the raw score."""

    roles: tuple[str, ...]
    weight: float

    @property
    def name(self) -> str:
        return "+".join(self.roles)


@dataclass(frozen=True, slots=True)
class Term:
    """One compiled term: its tokens, whether the last one is a prefix, its groups."""

    text: str
    tokens: tuple[str, ...]
    prefix: bool
    cased: bool
    groups: tuple[int, ...]  # indexes into Profile.groups


@dataclass(frozen=True, slots=True)
class Profile:
    """A compiled topic profile. Immutable; safe to share between threads and processes."""

    name: str
    description: str
    groups: tuple[Group, ...]
    rules: tuple[Rule, ...]
    scoring: Mapping[str, float]
    blocks: Mapping[str, float]
    saturation: Mapping[str, float] = field(default_factory=dict)  # role -> saturation
    source: str | None = None
    # compiled lookups: first token -> candidate terms, longest first
    first_ci: Mapping[str, tuple[Term, ...]] = field(default_factory=dict, repr=False)
    first_cs: Mapping[str, tuple[Term, ...]] = field(default_factory=dict, repr=False)
    prefix_ci: Mapping[str, tuple[Term, ...]] = field(default_factory=dict, repr=False)
    prefix_lens: tuple[int, ...] = field(default=(), repr=False)
    roles: tuple[str, ...] = field(default=(), repr=False)

    @property
    def threshold(self) -> float:
        return self.scoring["threshold"]

    def __hash__(self) -> int:  # profiles are compared by identity of their content
        return hash((self.name, self.source, len(self.groups)))


def _fail(src: str, msg: str) -> ProfileError:
    return ProfileError(f"topic profile {src}: {msg}")


def _number(src: str, key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _fail(src, f"{key} must be a number, not {value!r}")
    return float(value)


def _strings(src: str, key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _fail(src, f"{key} must be a list of non-empty strings")
    return tuple(value)


def _compile_term(src: str, key: str, text: str, cased: bool, group: int) -> Term:
    raw = text.strip()
    prefix = raw.endswith("*")
    body = raw[:-1] if prefix else raw
    tokens = TOKEN_RE.findall(body if cased else body.lower())
    if not tokens:
        raise _fail(src, f"{key}: term {text!r} has no letters or digits")
    # a Hangul (or other non-Latin) syllable carries more than a letter: 2 will do
    shortest = 3 if tokens[-1].isascii() else 2
    if prefix and len(tokens) == 1 and len(tokens[0]) < shortest:
        raise _fail(src, f"{key}: prefix term {text!r} is too short (at least {shortest} characters before '*')")
    if prefix and cased:
        raise _fail(src, f"{key}: prefix terms ('*') are not allowed in `cased`; use `terms`")
    return Term(text=raw, tokens=tuple(tokens), prefix=prefix, cased=cased, groups=(group,))


def parse_profile(data: Mapping[str, Any], *, source: str = "<profile>") -> Profile:
    """Validate a profile given as a dict (the parsed TOML) and compile it."""
    src = source
    if not isinstance(data, Mapping):
        raise _fail(src, "must be a TOML table")
    known_top = {"name", "description", "scoring", "saturation", "blocks", "groups", "rules"}
    unknown = set(data) - known_top
    if unknown:
        raise _fail(src, f"unknown top-level key(s) {sorted(unknown)}; expected {sorted(known_top)}")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise _fail(src, "`name` is required and must be a non-empty string")
    description = data.get("description", "")
    if not isinstance(description, str):
        raise _fail(src, "`description` must be a string")

    scoring = dict(_SCORING_DEFAULTS)
    raw_scoring = data.get("scoring", {})
    if not isinstance(raw_scoring, Mapping):
        raise _fail(src, "[scoring] must be a table")
    for key, value in raw_scoring.items():
        if key not in _SCORING_DEFAULTS:
            raise _fail(src, f"unknown key scoring.{key}; expected one of {sorted(_SCORING_DEFAULTS)}")
        num = _number(src, f"scoring.{key}", value)
        if key == "threshold" and not 0.0 < num < 1.0:
            raise _fail(src, "scoring.threshold must be between 0 and 1 (exclusive)")
        if key != "threshold" and num <= 0:
            raise _fail(src, f"scoring.{key} must be positive")
        scoring[key] = int(num) if key in _SCORING_INT else num

    blocks = dict(_BLOCKS_DEFAULTS)
    raw_blocks = data.get("blocks", {})
    if not isinstance(raw_blocks, Mapping):
        raise _fail(src, "[blocks] must be a table")
    for key, value in raw_blocks.items():
        if key not in _BLOCKS_DEFAULTS:
            raise _fail(src, f"unknown key blocks.{key}; expected one of {sorted(_BLOCKS_DEFAULTS)}")
        blocks[key] = _number(src, f"blocks.{key}", value)

    raw_sat = data.get("saturation", {})
    if not isinstance(raw_sat, Mapping):
        raise _fail(src, "[saturation] must be a table of role = number")
    saturation: dict[str, float] = {}
    for role, value in raw_sat.items():
        num = _number(src, f"saturation.{role}", value)
        if num <= 0:
            raise _fail(src, f"saturation.{role} must be positive")
        saturation[role] = num

    raw_groups = data.get("groups")
    if not isinstance(raw_groups, Mapping) or not raw_groups:
        raise _fail(src, "at least one [groups.NAME] table is required")
    groups: list[Group] = []
    terms: list[Term] = []
    for gname, g in raw_groups.items():
        key = f"groups.{gname}"
        if not isinstance(g, Mapping):
            raise _fail(src, f"[{key}] must be a table")
        unknown = set(g) - {"role", "weight", "terms", "cased", "cap", "description"}
        if unknown:
            raise _fail(src, f"unknown key(s) {sorted(unknown)} in [{key}]")
        role = g.get("role")
        if not isinstance(role, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", role or ""):
            raise _fail(src, f"{key}.role is required: a lower-case name such as \"theme\" or \"negative\"")
        if "weight" not in g:
            raise _fail(src, f"{key}.weight is required")
        weight = _number(src, f"{key}.weight", g["weight"])
        if weight <= 0:
            raise _fail(src, f"{key}.weight must be positive (use role = \"negative\" and a negative rule to subtract)")
        plain = _strings(src, f"{key}.terms", g.get("terms", []))
        cased = _strings(src, f"{key}.cased", g.get("cased", []))
        if not plain and not cased:
            raise _fail(src, f"[{key}] has no terms (give `terms` and/or `cased`)")
        cap = g.get("cap")
        if cap is not None:
            cap = _number(src, f"{key}.cap", cap)
            if cap <= 0:
                raise _fail(src, f"{key}.cap must be positive")
        index = len(groups)
        groups.append(Group(gname, role, weight, plain, cased, cap))
        terms += [_compile_term(src, f"{key}.terms", t, False, index) for t in plain]
        terms += [_compile_term(src, f"{key}.cased", t, True, index) for t in cased]

    roles = tuple(dict.fromkeys(g.role for g in groups))
    unknown = set(saturation) - set(roles)
    if unknown:
        raise _fail(src, f"[saturation] names role(s) {sorted(unknown)} that no group has; roles are {list(roles)}")
    raw_rules = data.get("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        raise _fail(src, "at least one [[rules]] entry is required")
    rules: list[Rule] = []
    for i, r in enumerate(raw_rules):
        key = f"rules[{i}]"
        if not isinstance(r, Mapping):
            raise _fail(src, f"{key} must be a table")
        unknown = set(r) - {"all", "weight", "description"}
        if unknown:
            raise _fail(src, f"unknown key(s) {sorted(unknown)} in {key}")
        need = _strings(src, f"{key}.all", r.get("all"))
        missing = [x for x in need if x not in roles]
        if missing:
            raise _fail(src, f"{key}.all names role(s) {missing} that no group has; roles are {list(roles)}")
        if "weight" not in r:
            raise _fail(src, f"{key}.weight is required")
        rules.append(Rule(need, _number(src, f"{key}.weight", r["weight"])))
    if not any(r.weight > 0 for r in rules):
        raise _fail(src, "no rule has a positive weight, so nothing could ever be relevant")

    # the same term in several groups counts for each of them (one Term, many groups)
    merged: dict[tuple[tuple[str, ...], bool, bool], Term] = {}
    for t in terms:
        ident = (t.tokens, t.prefix, t.cased)
        prev = merged.get(ident)
        if prev is None:
            merged[ident] = t
        elif t.groups[0] in prev.groups:
            raise _fail(src, f"term {t.text!r} appears twice in [groups.{groups[t.groups[0]].name}]")
        else:
            merged[ident] = Term(prev.text, prev.tokens, prev.prefix, prev.cased, prev.groups + t.groups)
    first_ci: dict[str, list[Term]] = {}
    first_cs: dict[str, list[Term]] = {}
    prefix_ci: dict[str, list[Term]] = {}
    for t in merged.values():
        if t.prefix and len(t.tokens) == 1:
            prefix_ci.setdefault(t.tokens[0], []).append(t)
        elif t.cased:
            first_cs.setdefault(t.tokens[0], []).append(t)
        else:
            first_ci.setdefault(t.tokens[0], []).append(t)

    def freeze(d: dict[str, list[Term]]) -> dict[str, tuple[Term, ...]]:
        return {k: tuple(sorted(v, key=lambda t: -len(t.tokens))) for k, v in d.items()}

    return Profile(
        name=name.strip(),
        description=description.strip(),
        groups=tuple(groups),
        rules=tuple(rules),
        scoring=scoring,
        blocks=blocks,
        saturation={r: saturation.get(r, scoring["saturation"]) for r in roles},
        source=source,
        first_ci=freeze(first_ci),
        first_cs=freeze(first_cs),
        prefix_ci=freeze(prefix_ci),
        prefix_lens=tuple(sorted({len(k) for k in prefix_ci})),
        roles=roles,
    )


def load_profile(path: str | Path) -> Profile:
    """Read and compile a TOML profile; raises ProfileError with a clear message."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise ProfileError(f"topic profile {p}: file not found") from None
    except OSError as e:
        raise ProfileError(f"topic profile {p}: cannot read ({e.strerror or e})") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ProfileError(f"topic profile {p}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as e:
        raise ProfileError(f"topic profile {p}: invalid TOML: {e}") from None
    return parse_profile(data, source=str(p))


PROFILES_DIR = Path(__file__).with_name("profiles")
DEFAULT_PROFILE_PATH = PROFILES_DIR / "korea-us.toml"

@functools.cache
def default_profile() -> Profile:
    """The shipped korea-us profile, compiled once per process (it is immutable)."""
    return load_profile(DEFAULT_PROFILE_PATH)
