"""The whole pure pipeline for one page: clean it, then judge its relevance.

This is what the stream worker runs in its process pool and what `POST
/v1/clean` answers with. Pure and deterministic: same page and profiles in,
same result out.
"""

from __future__ import annotations

from dataclasses import dataclass

from .article import Article
from .clean import clean


@dataclass(frozen=True, slots=True)
class Result:
    """An article and where it goes: label "relevant" or "off_topic", score in [0, 1]."""

    article: Article
    label: str
    score: float


def process(page: str | bytes, *, url: str | None = None, kind: str | None = None, profiles=None) -> Result:
    """Clean `page` and classify it against `profiles` (a sequence of topic profiles).

    With no profiles (an empty sequence) every article counts as relevant with
    score 1.0: winnow then only cleans. `None` means the default profile.
    Raises `UnprocessablePage` for unusable input.
    """
    article = clean(page, url=url, kind=kind)
    if profiles is not None and len(profiles) == 0:
        return Result(article, "relevant", 1.0)
    from .topic import apply_relevance

    label, score = apply_relevance(article, profiles)
    return Result(article, label, score)
