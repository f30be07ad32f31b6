"""Measuring a profile on labelled data: precision, recall, F1 and a threshold table.

Users tune their own profiles with this (`winnow relevance eval`), and the test
suite and bench/relevance.py use it to hold the shipped profile to its targets.
Pure: takes already-parsed examples, returns numbers.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from typing import Iterable, Sequence

from .profile import Profile
from .score import RELEVANT, Relevance, score

THRESHOLDS = (0.2, 0.3, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7, 0.8)


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled item: `title` may be None (a headline or a bare excerpt)."""

    text: str
    label: str  # "relevant" or "off_topic"
    title: str | None = None
    id: str | None = None


@dataclass(frozen=True, slots=True)
class Metrics:
    """Counts and rates for the relevant class at one threshold."""

    threshold: float
    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def accuracy(self) -> float:
        n = self.tp + self.fp + self.fn + self.tn
        return (self.tp + self.tn) / n if n else 0.0


def metrics_at(scores: Sequence[float], labels: Sequence[str], threshold: float) -> Metrics:
    tp = fp = fn = tn = 0
    for s, y in zip(scores, labels):
        pred = s >= threshold
        gold = y == RELEVANT
        if pred and gold:
            tp += 1
        elif pred:
            fp += 1
        elif gold:
            fn += 1
        else:
            tn += 1
    return Metrics(threshold, tp, fp, fn, tn)


def threshold_table(
    scores: Sequence[float], labels: Sequence[str], thresholds: Iterable[float] = THRESHOLDS
) -> list[Metrics]:
    return [metrics_at(scores, labels, t) for t in thresholds]


def evaluate(examples: Sequence[Example], profile: Profile) -> tuple[Metrics, list[Relevance]]:
    """Score every example; metrics at the profile's own threshold, and each result."""
    results = [score(e.text, title=e.title, profile=profile) for e in examples]
    m = metrics_at([r.score for r in results], [e.label for e in examples], profile.threshold)
    return m, results


def example_from_json(obj: dict, *, text_field: str = "text") -> Example:
    """A JSONL line `{"title", "text", "label"}` (title optional) as an Example."""
    if not isinstance(obj, dict):
        raise ValueError("each line must be a JSON object")
    text = obj.get(text_field)
    label = obj.get("label")
    if not isinstance(text, str):
        raise ValueError(f"missing or non-string field {text_field!r}")
    if label not in ("relevant", "off_topic"):
        raise ValueError(f"label must be \"relevant\" or \"off_topic\", not {label!r}")
    title = obj.get("title")
    if title is not None and not isinstance(title, str):
        raise ValueError("title must be a string or null")
    return Example(text=text, label=label, title=title or None, id=obj.get("id"))


def story_halves(ids: Iterable[str], *, numbered: str = r"pg-(\d+)") -> dict[str, str]:
    """id -> "A" or "B", so that no story has items in both halves.

    A held-out check only means something on stories the profile was not tuned
    on. Ids matching `numbered` that follow each other ("pg-040", "pg-041", ...)
    are one story; any other id is a story of its own. Halves come from a
    stable hash of the story key, so the split is the same on every run.
    """
    pattern = re.compile(numbered)
    out: dict[str, str] = {}
    prev: int | None = None
    story = ""
    for i in ids:
        m = pattern.fullmatch(i)
        if m:
            n = int(m.group(1))
            if prev is None or n != prev + 1:
                story = f"{i[: m.start(1)]}story-{n:03d}"  # "pg-040" -> "pg-story-040"
            prev = n
            key = story
        else:
            key, prev = i, None
        out[i] = half_of(key)
    return out


def half_of(key: str) -> str:
    """"A" or "B" for a story key, by a hash that is the same in every process."""
    return "A" if zlib.crc32(key.encode()) % 2 == 0 else "B"
