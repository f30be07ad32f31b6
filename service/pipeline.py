"""The whole pure pipeline for one page: clean it, then judge its relevance.

This is what the stream worker runs in its process pool and what `POST
/v1/clean` answers with. Pure and deterministic: same page and profiles in,
same result out. The shell may pass a `clock` (time.perf_counter) to learn how
long each stage took; the article, label and score never depend on it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .article import Article
from .clean import clean


@dataclass(frozen=True, slots=True)
class Result:
    """An article and where it goes: label "relevant" or "off_topic", score in [0, 1]."""

    article: Article
    label: str
    score: float
    timings: dict[str, float] = field(default_factory=dict)  # stage -> seconds, only with a clock


def process(
    page: str | bytes,
    *,
    url: str | None = None,
    kind: str | None = None,
    profiles=None,
    rules=None,
    clock: Callable[[], float] | None = None,
) -> Result:
    """Clean `page` and classify it against `profiles` (a sequence of topic profiles).

    With no profiles (an empty sequence) every article counts as relevant with
    score 1.0: winnow then only cleans. `None` means the default profile.
    `rules` is a `service.rules.RuleSet` (shipped plus user site rules); None
    means the shipped rules.
    Raises `UnprocessablePage` for unusable input.
    """
    t0 = clock() if clock else 0.0
    article = clean(page, url=url, kind=kind, rules=rules)
    t1 = clock() if clock else 0.0
    if profiles is not None and len(profiles) == 0:
        return Result(article, "relevant", 1.0, {"extract": t1 - t0} if clock else {})
    from .topic import apply_relevance

    label, score = apply_relevance(article, profiles)
    timings = {"extract": t1 - t0, "relevance": clock() - t1} if clock else {}
    return Result(article, label, score, timings)
