"""The ScrapingHub article-extraction metric, reimplemented from its description.

A page is scored by comparing the multisets of 4-token shingles (tokens are
`\\w+` runs) of the predicted and the true body text. Each page gets a precision
and a recall; both are averaged over pages and the score is the F1 of the two
averages. An empty prediction counts 0 for recall and is left out of precision.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Iterable

_TOKEN = re.compile(r"\w+")
N = 4


def shingles(text: str, n: int = N) -> Counter:
    """Multiset of n-token shingles; a text shorter than n tokens is one shingle."""
    tokens = _TOKEN.findall(text or "")
    if not tokens:
        return Counter()
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)))


def page_scores(predicted: str | None, truth: str) -> tuple[float | None, float]:
    """(precision, recall) of one page; precision is None for an empty prediction."""
    pred = shingles(predicted or "")
    true = shingles(truth)
    if not pred:
        return None, 0.0
    overlap = sum((pred & true).values())
    precision = overlap / sum(pred.values())
    recall = overlap / sum(true.values()) if true else 1.0
    return precision, recall


@dataclass(frozen=True)
class Score:
    f1: float
    precision: float
    recall: float
    pages: int
    empty: int


def score(pairs: Iterable[tuple[str | None, str]]) -> Score:
    """Score (predicted, truth) pairs over a whole dataset."""
    precisions: list[float] = []
    recalls: list[float] = []
    empty = 0
    for predicted, truth in pairs:
        p, r = page_scores(predicted, truth)
        recalls.append(r)
        if p is None:
            empty += 1
        else:
            precisions.append(p)
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(recalls) / len(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(f1, precision, recall, len(recalls), empty)
