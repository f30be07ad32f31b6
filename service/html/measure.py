"""Text measures that treat Korean, Chinese and Japanese fairly.

Length thresholds written for Latin text undercount CJK text: one Hangul
syllable carries about as much as two or three Latin letters, and a run of
Hangul is not one "word". `weight` counts each CJK character twice, which is
enough to put a Korean sentence and its English translation in the same range.
"""

from __future__ import annotations

import re

_CJK = re.compile(r"[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


# every range of _CJK lies inside this one; a single-range class is searched ~10x faster
_MAYBE_CJK = re.compile("[\u1100-\uffff]")


def weight(text: str) -> int:
    """Length of `text` with CJK characters counted twice.

    English text is rarely ASCII (curly quotes, dashes), and those characters
    pass the cheap one-range pre-test; so the exact class is searched from
    there first, and only text that holds CJK is counted (a search without a
    match costs about half of counting; paragraphs are weighed ~30 times a page).
    """
    if text.isascii():
        return len(text)
    m = _MAYBE_CJK.search(text)
    if m is None:
        return len(text)
    m = _CJK.search(text, m.start())
    if m is None:  # curly quotes and dashes alone: no CJK
        return len(text)
    return len(text) + 1 + len(_CJK.findall(text, m.end()))


def squash(text: str) -> str:
    """Collapse runs of whitespace (including non-breaking spaces) to one space.

    Most block texts are already clean, and that is cheap to see: the only
    whitespace `isprintable()` lets through is the ASCII space, so a printable
    text without a double, leading or trailing space is returned as it is,
    without splitting it into words.
    """
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(text.split())
