"""The Article: what winnow makes of one page, and its versioned JSON form.

Everything downstream (the stream worker, the HTTP API, the CLI, consumers of
`winnow:articles`) sees an article only through `Article.to_dict()`, so the
dict layout is the public contract. Bump SCHEMA_VERSION on any breaking change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SCHEMA = "winnow.article"
SCHEMA_VERSION = 1

BLOCK_KINDS = ("heading", "paragraph", "list_item", "quote")


@dataclass(frozen=True, slots=True)
class Block:
    """One unit of body text, in reading order."""

    kind: str  # one of BLOCK_KINDS
    text: str
    level: int | None = None  # heading level 1-6 for headings, else None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"kind": self.kind, "text": self.text}
        if self.level is not None:
            d["level"] = self.level
        return d


@dataclass(frozen=True, slots=True)
class Image:
    """An image of the article; captions and credits live here, not in the body."""

    src: str
    caption: str | None = None
    credit: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"src": self.src, "caption": self.caption, "credit": self.credit}


@dataclass(slots=True)
class Stats:
    """How much of the page survived, and why the rest did not."""

    input_chars: int = 0
    kept_chars: int = 0
    removed: dict[str, int] = field(default_factory=dict)  # reason -> blocks removed

    def count(self, reason: str, n: int = 1) -> None:
        self.removed[reason] = self.removed.get(reason, 0) + n

    def to_dict(self) -> dict[str, Any]:
        return {
            "input_chars": self.input_chars,
            "kept_chars": self.kept_chars,
            "removed": dict(sorted(self.removed.items())),
        }


@dataclass(slots=True)
class Article:
    """A clean article. `text` is derived from `blocks`, so the two never disagree."""

    title: str | None = None
    blocks: list[Block] = field(default_factory=list)
    description: str | None = None
    authors: list[str] = field(default_factory=list)
    published_at: str | None = None  # ISO 8601
    site_name: str | None = None
    canonical_url: str | None = None
    url: str | None = None  # the URL the page was fetched from, as given by the caller
    lang: str | None = None
    images: list[Image] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    kind: str = "html"  # what the input was: "html" or "text"
    encoding: str | None = None  # how bytes input was decoded (None for str input)
    fingerprint: str | None = None  # near-duplicate fingerprint of the body text
    stats: Stats = field(default_factory=Stats)
    relevance: dict[str, Any] | None = None  # filled by the pipeline when a topic profile is set

    @property
    def text(self) -> str:
        return "\n\n".join(b.text for b in self.blocks)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "schema_version": SCHEMA_VERSION,
            "title": self.title,
            "text": self.text,
            "blocks": [b.to_dict() for b in self.blocks],
            "description": self.description,
            "authors": list(self.authors),
            "published_at": self.published_at,
            "site_name": self.site_name,
            "canonical_url": self.canonical_url,
            "url": self.url,
            "lang": self.lang,
            "images": [i.to_dict() for i in self.images],
            "tags": list(self.tags),
            "kind": self.kind,
            "encoding": self.encoding,
            "fingerprint": self.fingerprint,
            "stats": self.stats.to_dict(),
            "relevance": self.relevance,
        }
