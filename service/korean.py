"""CJK-aware text measures and the Korean tail lines outlets append.

Length and stop-word thresholds written for English fail on Korean, Chinese
and Japanese: a run of Hangul is not one "word" and a CJK character carries
roughly two Latin characters' worth of content. These measures put CJK text
on the same scale as Latin text so one set of thresholds works for both.
Korean outlets also append boilerplate (copyright "무단전재 및 재배포 금지",
tip-off addresses, reporter sign-offs) that scrapers otherwise keep.
"""

from __future__ import annotations

import re

# Hangul syllables and jamo, CJK ideographs, kana, full-width forms.
_CJK_CLASS = "\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3\uf900-\ufaff"
_CJK_RE = re.compile(f"[{_CJK_CLASS}]")
_HAN_KANA = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Han/kana are written without spaces: every character is a token (two make a word);
# Hangul is spaced into eojeol, so a \w run (Hangul included) is a word.
_TOKEN_RE = re.compile(f"[{_HAN_KANA}]|[^\\W{_HAN_KANA}]+")
_LETTER_RE = re.compile(r"[^\W\d_]")

CJK_WEIGHT = 2  # one CJK character counts as this many Latin characters


def cjk_count(text: str) -> int:
    """Number of CJK (Hangul, Han, kana) characters in `text`."""
    return len(_CJK_RE.findall(text))


def text_len(text: str) -> int:
    """Length on a Latin scale: CJK characters count CJK_WEIGHT, others 1, surrounding space 0."""
    text = text.strip()
    if text.isascii():
        return len(text)
    return len(text) + (CJK_WEIGHT - 1) * cjk_count(text)


def word_count(text: str) -> int:
    """Words: \\w runs (a Hangul eojeol is one word), Han/kana characters two to a word."""
    if text.isascii():
        return len(text.split())
    tokens = _TOKEN_RE.findall(text)
    han = sum(1 for t in tokens if len(t) == 1 and _CJK_RE.match(t) and not ("\uac00" <= t <= "\ud7a3"))
    return len(tokens) - han + (han + 1) // 2


def is_cjk_heavy(text: str, threshold: float = 0.3) -> bool:
    """True when at least `threshold` of the letters are CJK."""
    if text.isascii():
        return False
    letters = len(_LETTER_RE.findall(text))
    return letters > 0 and cjk_count(text) >= threshold * letters


_EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
_TAIL_RES = (
    # copyright notices: "무단전재 및 재배포 금지", "무단 전재-재배포, AI 학습 및 활용 금지", "무단전재 배포금지"
    re.compile(r"무단\s*전재.{0,40}?금지[\W_]{0,5}$"),
    re.compile(r"(?:저작권자|copyright)\s*(?:[©ⓒ]|\(c\)).{0,80}(?:금지|reserved)", re.I),
    re.compile(r"^\s*[<\[(]?\s*(?:저작권자\s*)?[©ⓒ]\s*\S.{0,60}$"),
    # tip-off lines: "기사제보 및 보도자료 press@example.co.kr", "▶ 제보는 카카오톡 okjebo"
    re.compile(r"(?:기사\s*제보|보도\s*자료|제보\s*하기|제보는).{0,60}(?:" + _EMAIL + r"|카카오톡|전화|☎|\d{2,4}-\d{3,4}-\d{4})"),
    # reporter sign-offs: "홍길동 기자 hong@example.com", "워싱턴=김철수 특파원"
    re.compile(
        r"^\s*[/(\[]?\s*(?:[가-힣]{1,6}=)?\s*[가-힣]{2,4}\s*(?:기자|특파원|객원기자|인턴기자|선임기자|논설위원|통신원)"
        r"\s*[)\]]?\s*(?:" + _EMAIL + r")?\s*[)\]]?\s*$"
    ),
    re.compile(r"^\s*" + _EMAIL + r"\s*$"),
)
_TAIL_MAX_CHARS = 200
_TAIL_HINT_RE = re.compile("[\uac00-\ud7a3©ⓒ]")


def korean_tail_reason(line: str) -> str | None:
    """"korean_tail" when `line` is a Korean copyright, tip-off or reporter sign-off line."""
    if len(line) > _TAIL_MAX_CHARS:
        return None
    if line.isascii() or not _TAIL_HINT_RE.search(line):
        # "Copyright © 2025 X. All rights reserved." without Hangul is handled as "copyright".
        return None
    for rx in _TAIL_RES:
        if rx.search(line):
            return "korean_tail"
    return None
