"""Chrome reasons for one line of page text, judged on the line alone.

Both extractors ask this about every block they consider keeping: is this a
share row, a byline glued to a date, a legal disclaimer, a comment prompt, a
markdown image, a photo credit, a copyright or Korean tail line, a breadcrumb,
a date on its own, a UI string? The answer is a short reason name (used in
`Stats.removed`) or None. It is conservative: a false positive deletes article
text, so each rule needs a strong signal (an anchored pattern, a closed
vocabulary, a length limit). It is also fast: long lines (most of an
article) skip every rule that only short lines can match, and the short-line
patterns are one precompiled alternation.
"""

from __future__ import annotations

import operator
import re
from datetime import date

from ..korean import korean_tail_reason
from .vocab import CHROME_HEADINGS, SHARE_WORDS, SOCIAL_NETWORKS, STOP_WORDS

SHORT_LINE = 200
COOKIE_LINE = 500  # cookie-consent paragraphs are at most this long  # only lines up to this many characters can be most kinds of chrome
MEDIUM_LINE = 400

_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4, "may": 5,
    "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9,
    "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}  # fmt: skip
_MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_ORD = r"(?:st|nd|rd|th)?"
_WEEKDAY = r"(?:(?:mon|tue|tues|wed|wednes|thu|thurs|fri|sat|satur|sun)(?:day)?\.?,?\s+)?"
_DATE_CORE = (
    rf"(?:{_WEEKDAY}(?P<m1>{_MONTH})\s+(?P<d1>\d{{1,2}}){_ORD},?\s+(?P<y1>\d{{4}})"
    rf"|{_WEEKDAY}(?P<d2>\d{{1,2}}){_ORD}\s+(?P<m2>{_MONTH}),?\s+(?P<y2>\d{{4}})"
    r"|(?P<y3>\d{4})\s*[-./]\s*(?P<mo3>\d{1,2})\s*[-./]\s*(?P<d3>\d{1,2})\.?"
    r"|(?P<y4>\d{4})\s*년\s*(?P<mo4>\d{1,2})\s*월\s*(?P<d4>\d{1,2})\s*일"
    r"|(?P<d5>\d{1,2})[./](?P<mo5>\d{1,2})[./](?P<y5>\d{4}))"
)
_TIME = r"(?:\s*[,|·•@-]?\s*(?:at\s+)?(?:오전|오후)?\s*\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?(?:\s*\(?(?:[A-Z]{2,4}|GMT|UTC|KST)(?:[+-]\d{1,2}(?::?\d{2})?)?\)?)?)?"
_DATE_LABEL = (
    r"(?:(?:published|updated|posted|last\s+updated|modified|first\s+published|date|created|"
    r"입력|수정|기사입력|최종수정|등록|승인|발행)\s*(?:on|at)?\s*[:：]?\s*)?"
)
_DATE_PLAIN = re.sub(r"\(\?P<\w+>", "(?:", _DATE_CORE)
# A line that is only a date (and maybe a time, a label, or a name glued in front: "adminJuly 10, 2025").
_DATE_LINE_RE = re.compile(
    rf"^[\W_]*(?:[^\W\d_]{{1,25}})?{_DATE_LABEL}{_DATE_PLAIN}{_TIME}(?:\s*[|·•,/-]?\s*{_DATE_LABEL}{_DATE_PLAIN}{_TIME})?[\W_]*$",
    re.I,
)
_DATE_ANY_RE = re.compile(_DATE_CORE, re.I)
# "2 days ago", "3 hours ago at 07:52 am", "yesterday at 5:10 pm"
_RELATIVE_DATE_RE = re.compile(
    rf"^(?:(?:\d+|an?|one)\s+(?:second|sec|minute|min|hour|hr|day|week|month|year)s?\s+ago|yesterday|today)(?:\s*(?:at\s+)?{_TIME})?\W*$"
    r"|^\d+\s*(?:초|분|시간|일|주|개월|년)\s*전$",
    re.I,
)
_TIME_LINE_RE = re.compile(r"^(?:updated\s+)?\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?\s*(?:[A-Z]{2,4})?$", re.I)
_MONTH_DAY_LINE_RE = re.compile(rf"^{_WEEKDAY}{_MONTH}\s+\d{{1,2}}{_ORD}$", re.I)

_NAME = r"[A-Z][\w.'’-]*(?:\s+(?:[A-Z][\w.'’-]*|[a-z]{1,3}|de|van|von|bin|al|la|le))*"
# "By Jane Doe", "Posted by admin", "Jae youngBy Jae youngJuly 10, 2025No Comments6 Mins Read"
_BYLINE_STARTS = ("by ", "posted by ", "written by ", "words by ", "story by ", "reporting by ", "written and reported by ")
_BY_ANYWHERE_RE = re.compile(
    r"(?:^|(?<=[a-z\s]))By\s+(?P<name>[^\W\d_][^\W\d_.'’-]*?(?:[\s.'’-]+[^\W\d_]+?){0,4}?)"
    r"(?=\s*(?:\d|(?i:" + _MONTH + r")\s|No\s+Comments?|[|•·,–—]|\s-\s|$))"
)
_READ_TIME_RE = re.compile(r"\b\d+\s*(?:min|mins|minute|minutes)\.?\s+read\b|\bno\s+comments?\d", re.I)
_MONTH_WORD_RE = re.compile(rf"^{_MONTH}$", re.I)

_IMAGE_MD_RE = re.compile(r"^\[?!\[(?P<alt>.*)\]\((?P<src>[^\s()]*)(?:\s+[\"'][^\"']*[\"'])?\)(?:\]\([^\s()]*\))?$")
_SEP_RE = re.compile(r"\s*(?:»|›|→|>|::)\s*|\s+[|/]\s+|\s*\|\s*")
_HOME = frozenset(("home", "홈", "main", "news", "뉴스", "start", "inicio", "accueil", "startseite"))
_SENTENCE_END = ".!?。"
_CLOSERS = "\"'”’»)]"
_DIGIT_RE = re.compile(r"\d")
_SHARE_TRIGGERS = SOCIAL_NETWORKS | {"share", "follow", "공유", "공유하기"}
_STRIP_PUNCT = operator.methodcaller("strip", "()[]{}.,;:!?|/•·-–—\"'“”‘’")
_YEAR_RE = re.compile(r"(?<!\d)(?:1[89]|20)\d\d(?!\d)")

# One alternation for the short-line rules; the group name is the reason.
_SHORT_RE = re.compile(
    r"^(?:"
    r"(?P<disclaimer>(?:legal\s+)?disclaimer\s*[:：.-]?\s*$)"
    r"|(?P<comment_prompt>(?:leave\s+a\s+(?:reply|comment)|post\s+a\s+comment|add\s+a\s+comment|write\s+a\s+comment"
    r"|cancel\s+reply|be\s+the\s+first\s+to\s+comment|join\s+the\s+(?:conversation|discussion)"
    r"|you\s+must\s+be\s+logged\s+in\s+to\s+post\s+a\s+comment|(?:log|sign)\s+in\s+to\s+(?:comment|reply)"
    r"|(?:to\s+)?(?:write|post|leave)\s+(?:a\s+)?comments?,?\s+(?:please\s+)?(?:log|sign)\s+in)\b.{0,80}$"
    r"|(?:no\s+comments?(?:\s+yet)?|comments\s+are\s+closed|\d+\s+(?:comments?|responses?|replies)|comments?\s*(?:\(\d+\))?|show\s+comments?|view\s+comments?"
    r"|load\s+(?:more\s+)?comments?|댓글\s*(?:\d+|쓰기|작성|달기|보기|입력)?)\W*$)"
    r"|(?P<copyright>(?:©|ⓒ|\(c\)\s|copyright\s*(?:©|\(c\)|\d{4})|all\s+rights\s+reserved).{0,250}$)"
    r"|(?P<credit>(?:(?:photo|image|picture|graphic|video|illustration|photograph|file\s+photo|top\s+photo|header\s+image|"
    r"featured\s+image|사진|그래픽|이미지)\s*)?(?:credits?|courtesy|source|출처|제공)\s*[:：=]\s*.{1,150}$"
    r"|(?:photo|image|picture|photograph|사진)s?\s*(?:by\s|[:：=]\s*).{1,120}$)"
    r"|(?P<tags>(?:tags?|topics?|keywords?|filed\s+under|categories|category|태그|키워드)\s*[:：]\s*.{1,300}$"
    r"|(?:#[^\s#]+\s*){2,}$)"
    r"|(?P<read_more>(?:read\s+more|also\s+read|read\s+also|related|see\s+also|recommended|more\s+on\s+this)\s*[:：»>|]\s*.{0,180}$"
    r"|(?:read\s+more|continue\s+reading(?:\s+the\s+(?:main\s+)?(?:story|article))?|read\s+the\s+full\s+(?:story|article)|click\s+here\s+to\s+read|show\s+more|load\s+more|view\s+more|더\s*보기)\W{0,3}$)"
    r"|(?P<menu>(?:close|open|main|toggle)?\s*(?:menu|navigation|search)\s*$|skip\s+to\s+(?:main\s+)?content\s*$"
    r"|back\s+to\s+top\s*$|scroll\s+to\s+(?:top|continue)\s*$|type\s+above\s+and\s+press\s+enter.{0,60}$"
    r"|press\s+esc\s+to\s+cancel.{0,10}$|(?:sign|log)\s*(?:in|up|out)\s*$|register\s*$|subscribe\s*(?:now)?\s*$"
    r"|(?:advertisement|advertising|advert|sponsored|ad|광고)\s*$|loading\W*$|print(?:\s+this\s+(?:article|page))?\s*$"
    r"|font\s*size.{0,20}$|text\s*size.{0,20}$|글자\s*크기.{0,20}$)"
    r"|(?P<url>(?:https?://|www\.)\S+$)"
    r"|(?P<cookie>(?:this\s+(?:web)?site|our\s+(?:web)?site|we)\s+uses?\s+cookies\b.{0,300}$"
    r"|(?:accept|reject|manage)\s+(?:all\s+)?cookies\s*$|cookie\s+(?:settings|preferences|policy)\s*$)"
    r")",
    re.I,
)
# The same rules for an ASCII line matched in lower case: the match is twice as fast without re.I (a
# case-insensitive literal is compared in both cases at every branch), and for ASCII text, where no
# character folds to another one's case ("ſ", "K"), lower() and re.I agree character for character.
_SHORT_LOWER_RE = re.compile(_SHORT_RE.pattern)
# Long-line rules: legal boilerplate that can run to a full paragraph.
_DISCLAIMER_RE = re.compile(
    r"without\s+warranty\s+of\s+any\s+kind|(?:do|does)\s+not\s+accept\s+any\s+responsibility\s+or\s+liability"
    r"|provides?\s+the\s+information\s+\W?as\s+is\W?\s+without",
    re.I,
)
# A comment's header: "Milan Griffes on September 12, 2018 at 4:47 pm said:"
_COMMENT_HEADER_RE = re.compile(
    rf"^.{{1,80}}?\s+(?:on\s+)?{_DATE_PLAIN}{_TIME}\s*(?:said|says|wrote|replied|commented)\s*:?$", re.I
)
# Cookie-consent prose: "cookies" next to the words of a consent box.
_COOKIE_CONTEXT_RE = re.compile(r"cookies?\b.{0,120}\b(?:website|browser|consent|your experience|opt[- ]out|third[- ]party)|(?:website|browser|consent)\b.{0,120}\bcookies?\b")
# "34 responses to “Title”", "12 thoughts on “Title”"
_RESPONSES_RE = re.compile(r"^\d+\s+(?:responses?|comments?|replies|thoughts)\s+(?:to|on)\b", re.I)
_NEWSLETTER_RE = re.compile(r"(?:sign\s+up\s+for|subscribe\s+to|get)\s+(?:our|the)\s+.{0,40}newsletter", re.I)
_COMMENT_COUNTER_RE = re.compile(r"\(\s*\d+\s*/\s*\d+\s*(?:자|characters?|chars?|글자)?\s*\)\s*$", re.I)


_EDGE_CHARS = " \t\u00a0.,;:!?\"'“”‘’()[]{}<>-–—|/\\*#•·»«›‹…_~+=&%$@^0123456789"


def normalize(line: str) -> str:
    """Case-folded line without surrounding punctuation, digits, bullets or spaces."""
    s = line.strip(_EDGE_CHARS)
    if s and not s[-1].isalnum():  # emoji and other symbols at the end ("Beauty & Fashion👗")
        end = len(s)
        while end and not s[end - 1].isalnum():
            end -= 1
        s = s[:end].rstrip(_EDGE_CHARS)
    return s.casefold().replace("’", "'")


def image_markdown(line: str) -> tuple[str, str] | None:
    """(alt text, src) when `line` is a markdown image, else None."""
    if not line.startswith(("!", "[!")):
        return None
    m = _IMAGE_MD_RE.match(line.strip())
    return (m.group("alt").strip(), m.group("src")) if m else None


def is_date_line(line: str) -> bool:
    """True when the line is only a date (with optional time, label or a name glued in front)."""
    s = line.strip()
    if len(s) > 90 or not _YEAR_RE.search(s):
        return False
    return _DATE_LINE_RE.match(s) is not None


def has_date(text: str) -> bool:
    """True when `text` contains a full date (every form we read has a four-digit year)."""
    return _YEAR_RE.search(text) is not None and _DATE_ANY_RE.search(text) is not None


def parse_date(text: str) -> str | None:
    """The first date in `text` as ISO 8601 (YYYY-MM-DD), or None."""
    if not _YEAR_RE.search(text):
        return None
    for m in _DATE_ANY_RE.finditer(text):
        g = m.groupdict()
        try:
            if g["y1"]:
                y, mo, d = int(g["y1"]), _MONTHS[g["m1"].lower().rstrip(".")], int(g["d1"])
            elif g["y2"]:
                y, mo, d = int(g["y2"]), _MONTHS[g["m2"].lower().rstrip(".")], int(g["d2"])
            elif g["y3"]:
                y, mo, d = int(g["y3"]), int(g["mo3"]), int(g["d3"])
            elif g["y4"]:
                y, mo, d = int(g["y4"]), int(g["mo4"]), int(g["d4"])
            else:
                y, mo, d = int(g["y5"]), int(g["mo5"]), int(g["d5"])
            return date(y, mo, d).isoformat()
        except (KeyError, ValueError):
            continue
    return None


def byline_authors(line: str) -> list[str]:
    """Author names in a byline ("By Jane Doe and John Roe", "Jae youngBy Jae youngJuly 10, 2025...")."""
    m = _BY_ANYWHERE_RE.search(line)
    if not m:
        return []
    names = re.split(r"\s*(?:,|&|\band\b|\bund\b|\bet\b)\s*", m.group("name").strip())
    return [n.strip(" .") for n in names if 1 < len(n.strip(" .")) <= 60]


def is_byline(line: str) -> bool:
    s = line.strip()
    return len(s) <= 160 and _is_byline(s, s.lower())


def _is_byline(s: str, low: str) -> bool:
    """is_byline() of a stripped line of at most 160 characters and its lower()."""
    if ("read" in low or "comment" in low) and _READ_TIME_RE.search(s):
        return True
    if low.startswith(_BYLINE_STARTS):
        # "By Jane Doe", "By Jane Doe, Reuters | July 1, 2025": a name, not a sentence
        # ("By the numbers", "By July 10, 2025, the deal must be signed." are not bylines).
        words = s.split()
        if low.startswith("by "):
            if len(words) < 2 or _MONTH_WORD_RE.match(words[1].rstrip(",")):
                return False
            if not words[1][:1].isupper() and not has_date(s):  # "By admin - 2018-09-16" is one
                return False
        return len(words) <= 14 and s.rstrip(_CLOSERS)[-1:] not in _SENTENCE_END
    if "by " not in low or len(s.split()) > 20 or not has_date(s):
        return False
    return _BY_ANYWHERE_RE.search(s) is not None


def is_share_row(line: str) -> bool:
    """A row of share/follow buttons: only share vocabulary, at least one network or share word."""
    s = line.strip()
    return len(s) <= 160 and _is_share_row(s.lower())


def _is_share_row(low: str) -> bool:
    """is_share_row() of the lower() of a stripped line of 1 to 160 characters."""
    if _STRIP_PUNCT(low.split(None, 1)[0]) not in SHARE_WORDS:
        return False
    # Up to 20 (non-empty) tokens, all share vocabulary or numbers. A line starting with a share word
    # ("The", "In", "This") is usually prose: stop at its first other word instead of stripping them all.
    hit = False
    count = 0
    for t in map(_STRIP_PUNCT, low.split()):
        if not t:
            continue
        count += 1
        if t in _SHARE_TRIGGERS:
            hit = True
        elif t not in SHARE_WORDS and not t.isdigit():
            return False
    return hit and count <= 20


def is_breadcrumb(line: str) -> bool:
    s = line.strip()
    # a separator: ~5x faster as substring tests than as a regex search (non-ASCII needles return at once on ASCII)
    if len(s) > SHORT_LINE or not (
        ">" in s or "|" in s or "/" in s or "::" in s or "»" in s or "›" in s or "→" in s
    ):
        return False
    parts = [p for p in _SEP_RE.split(s) if p]
    if len(parts) < 2:
        return False
    if len(parts) == 2 and parts[0].casefold() not in _HOME:
        return False
    for i, p in enumerate(parts):
        words = len(p.split())
        limit = 16 if i == len(parts) - 1 else 5
        if words > limit or p[-1] in _SENTENCE_END or p[-1] == ",":
            return False
    return True


def is_chrome_heading(line: str) -> bool:
    """A heading that opens a block of chrome ("Related Posts", "What's Hot", "About Us")."""
    if len(line) > 60:
        return False
    return normalize(line) in CHROME_HEADINGS


def line_reason(line: str) -> str | None:
    """The chrome reason for `line` on its own (see module doc), or None for a line to keep."""
    s = line.strip()
    n = len(s)
    if n == 0:
        return "empty"
    first = s[0]
    if first in "![" and image_markdown(s):
        return "image_markdown"
    low = s.lower()
    if ("warranty" in low or "liability" in low or "as is" in low) and _DISCLAIMER_RE.search(s):
        return "disclaimer"
    if n > MEDIUM_LINE:
        return None
    if n <= COOKIE_LINE and "cookie" in low and (low.count("cookie") >= 2 or _COOKIE_CONTEXT_RE.search(low)):
        return "cookie"
    if n > SHORT_LINE:
        if first in "©ⓒ" or (n < 300 and "all rights reserved" in low):
            return "copyright"
        return korean_tail_reason(s) if n <= 250 and not s.isascii() else None
    ascii_line = s.isascii()
    m = _SHORT_LOWER_RE.match(low) if ascii_line else _SHORT_RE.match(s)
    if m:
        return m.lastgroup
    if n <= 90 and _DIGIT_RE.search(s):  # dates are the most common short chrome lines
        if (_YEAR_RE.search(s) and _DATE_LINE_RE.match(s)) or _MONTH_DAY_LINE_RE.match(s):
            return "date"
    if s[-1] == ")" and _COMMENT_COUNTER_RE.search(s):
        return "comment_prompt"
    if not ascii_line:
        tail = korean_tail_reason(s)
        if tail:
            return tail
    if "all rights reserved" in low:
        return "copyright"
    if "newsletter" in low and _NEWSLETTER_RE.search(s):
        return "newsletter"
    if is_chrome_heading(s):
        return "chrome_heading"
    if n <= 160 and _is_byline(s, low):  # (s is stripped and low is its lower(): is_byline(s) without redoing them)
        return "byline"
    if low.endswith((" said:", " said", " wrote:", " replied:", " says:", " commented:")):
        name = low.rsplit(" ", 1)[0].split()
        if _COMMENT_HEADER_RE.match(s) or (
            low.endswith(":") and len(name) <= 3 and n <= 50 and STOP_WORDS.isdisjoint(name)
        ):
            return "comment"  # "Jane on May 1, 2019 at 4:47 pm said:", "thelastchargersfan says:"
    if low[:1].isdigit() and _RESPONSES_RE.match(s):
        return "comment_prompt"
    if n <= 24 and ":" in s and _TIME_LINE_RE.match(s):
        return "date"
    if n <= 40 and ("ago" in low or "yesterday" in low or "today" in low or "전" in s) and _RELATIVE_DATE_RE.match(s):
        return "date"
    if n <= 160 and _is_share_row(low):
        return "share"
    if is_breadcrumb(s):
        return "breadcrumb"
    return None
