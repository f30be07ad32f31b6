"""Per-site extraction rules, kept as data: one small TOML file per site.

Most pages need no rule; the generic extractor finds their body. A rule is for
a site we care about whose markup we know: it names the body container, the
chrome inside it, and where title, date and author live, as CSS selectors
(selectolax/Lexbor dialect). The format is documented in `docs/rules.md`.

Loading reads files, so it happens once at start-up: the shipped set is read
lazily on first use and cached as a read-only constant; user rule files are
loaded by `load_rules(paths)`. Matching a URL to a rule (`RuleSet.rule_for`,
`rule_for`) is pure.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, Iterable, Iterator, Mapping
from urllib.parse import urlsplit

__all__ = ["SiteRule", "RuleSet", "RuleError", "load_rules", "rule_for", "parse_rule_file"]

SELECTOR_KEYS = ("body", "strip", "title", "date", "author")
ALLOWED_KEYS = frozenset(("name", "domains", "test_url", "test_contains", "test_absent", "notes") + SELECTOR_KEYS)


class RuleError(ValueError):
    """A rule file that cannot be used; the message names the file and the problem."""


@dataclass(frozen=True, slots=True)
class SiteRule:
    """Where the article lives on one site (or one family of sites).

    `body`: containers of the article text, in order of preference; the first
    selector that matches anything wins and all its (outermost) matches form
    the body. `strip`: chrome removed from the page before the body is taken.
    `title`, `date`, `author`: the first selector that yields text (for dates
    also a `datetime`/`content`/`data-*` attribute) beats the page's meta.
    """

    name: str
    domains: tuple[str, ...]
    body: tuple[str, ...] = ()
    strip: tuple[str, ...] = ()
    title: tuple[str, ...] = ()
    date: tuple[str, ...] = ()
    author: tuple[str, ...] = ()
    test_url: tuple[str, ...] = ()
    test_contains: tuple[str, ...] = ()
    test_absent: tuple[str, ...] = ()
    source: str = ""


@dataclass(frozen=True, slots=True)
class RuleSet:
    """Rules indexed by domain. Later rules win over earlier ones for the same domain."""

    rules: tuple[SiteRule, ...] = ()
    index: Mapping[str, SiteRule] = field(default_factory=lambda: MappingProxyType({}), compare=False, repr=False)

    @classmethod
    def of(cls, rules: Iterable[SiteRule]) -> RuleSet:
        rules = tuple(rules)
        index: dict[str, SiteRule] = {}
        for rule in rules:
            for domain in rule.domains:
                index[domain] = rule
        return cls(rules, MappingProxyType(index))

    def rule_for(self, url: str | None) -> SiteRule | None:
        """The rule for `url`'s host or its nearest parent domain, or None. Pure."""
        host = _host(url)
        if not host or not self.index:
            return None
        labels = host.split(".")
        for i in range(len(labels) - 1):  # never match a bare TLD
            rule = self.index.get(".".join(labels[i:]))
            if rule is not None:
                return rule
        return None

    def __reduce__(self):
        # The index is derived from the rules (and a mappingproxy does not pickle): rebuild
        # it on the other side. The service hands a RuleSet to its pipeline processes.
        return (RuleSet.of, (self.rules,))

    def __len__(self) -> int:
        return len(self.rules)

    def __iter__(self) -> Iterator[SiteRule]:
        return iter(self.rules)

    def __add__(self, other: RuleSet) -> RuleSet:
        return RuleSet.of(self.rules + other.rules)


def plain_host(url: str) -> str | None:
    """`urlsplit(url).hostname` for an http(s) URL whose host is plain letters, digits,
    dots and hyphens (no user, port or brackets), found without urlsplit; else None."""
    if not url.startswith(("https://", "http://")):
        return None
    rest = url[8:] if url[4] == "s" else url[7:]
    end = len(rest)
    for ch in "/?#":
        i = rest.find(ch)
        if 0 <= i < end:
            end = i
    netloc = rest[:end]
    if netloc and netloc.isascii() and netloc.replace(".", "").replace("-", "").isalnum():
        return netloc.lower()
    return None


def _host(url: str | None) -> str | None:
    if not isinstance(url, str) or not url.strip():
        return None
    u = url.strip()[:4000]
    plain = plain_host(u)
    if plain is not None:  # the common case, without urlsplit
        return plain.rstrip(".") or None
    if "://" not in u and not u.startswith("//"):
        u = "//" + u  # "example.com/path" as a host, not a path
    try:
        host = urlsplit(u).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host.rstrip(".").lower() or None


# --------------------------------------------------------------------------- parsing


def _selectors(value: Any, key: str, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RuleError(f"{where}: {key!r} must be a string or a list of strings")
    out = tuple(v.strip() for v in value if v.strip())
    if key in SELECTOR_KEYS:
        for sel in out:
            _check_selector(sel, key, where)
    return out


def _check_selector(selector: str, key: str, where: str) -> None:
    from selectolax.lexbor import LexborHTMLParser

    try:
        LexborHTMLParser("<p>probe</p>").css(selector)
    except Exception as e:  # selectolax raises its own error type for bad CSS
        raise RuleError(f"{where}: {key} selector {selector!r} is not valid CSS: {e}") from None


def _domain(value: str, where: str) -> str:
    d = value.strip().lower().rstrip(".")
    if d.startswith("*."):
        d = d[2:]
    d = d.lstrip(".")
    if "://" in d or "/" in d or " " in d or "." not in d:
        raise RuleError(f"{where}: {value!r} is not a domain name (write 'example.com', subdomains match)")
    return d


def _rule(table: Mapping[str, Any], *, name: str, where: str) -> SiteRule:
    unknown = set(table) - ALLOWED_KEYS
    if unknown:
        raise RuleError(f"{where}: unknown keys {sorted(unknown)} (allowed: {sorted(ALLOWED_KEYS)})")
    domains = _selectors(table.get("domains", []), "domains", where)
    if not domains:
        raise RuleError(f"{where}: 'domains' must list at least one domain")
    fields = {k: _selectors(table.get(k, []), k, where) for k in SELECTOR_KEYS}
    if not any(fields.values()):
        raise RuleError(f"{where}: a rule needs at least one of {', '.join(SELECTOR_KEYS)}")
    rule_name = table.get("name", name)
    if not isinstance(rule_name, str) or not rule_name.strip():
        raise RuleError(f"{where}: 'name' must be a non-empty string")
    return SiteRule(
        name=rule_name.strip(),
        domains=tuple(dict.fromkeys(_domain(d, where) for d in domains)),
        test_url=_selectors(table.get("test_url", []), "test_url", where),
        test_contains=_selectors(table.get("test_contains", []), "test_contains", where),
        test_absent=_selectors(table.get("test_absent", []), "test_absent", where),
        source=where,
        **fields,
    )


def parse_rule_file(text: str, *, name: str, source: str = "<string>") -> tuple[SiteRule, ...]:
    """The rules in one TOML document: top-level keys for one rule, or `[[site]]` tables for several."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise RuleError(f"{source}: not valid TOML: {e}") from None
    if "site" in data:
        if set(data) != {"site"} or not isinstance(data["site"], list):
            raise RuleError(f"{source}: use either top-level keys or [[site]] tables, not both")
        return tuple(
            _rule(t, name=f"{name}[{i}]", where=f"{source} [[site]] #{i + 1}") for i, t in enumerate(data["site"])
        )
    return (_rule(data, name=name, where=source),)


def _read(path: Path) -> tuple[SiteRule, ...]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise RuleError(f"{path}: cannot read: {e}") from None
    return parse_rule_file(text, name=path.stem, source=str(path))


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.glob("*.toml") if p.is_file())
    if path.is_file():
        return [path]
    raise RuleError(f"{path}: no such rule file or directory")


@functools.cache
def _shipped() -> RuleSet:
    rules: list[SiteRule] = []
    sites = resources.files(__package__).joinpath("sites")
    for entry in sorted(sites.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            rules.extend(parse_rule_file(entry.read_text(encoding="utf-8"), name=entry.name[:-5], source=f"rules/sites/{entry.name}"))
    return RuleSet.of(rules)


def load_rules(paths: Iterable[str | Path] | str | Path | None = None, *, shipped: bool = True) -> RuleSet:
    """The shipped rules plus the rule files (or directories of `*.toml`) in `paths`.

    User rules come after the shipped ones, so a user file for a domain
    replaces the shipped rule. Raises `RuleError` on any bad file: a broken
    rule should stop start-up, not silently do nothing.
    """
    base = _shipped() if shipped else RuleSet()
    if paths is None:
        return base
    if isinstance(paths, (str, Path)):
        paths = [paths]
    extra: list[SiteRule] = []
    for p in paths:
        for f in _files(Path(p)):
            extra.extend(_read(f))
    return base + RuleSet.of(extra) if extra else base


def rule_for(url: str | None) -> SiteRule | None:
    """The shipped rule for `url`, or None."""
    return _shipped().rule_for(url)
