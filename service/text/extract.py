"""Page text to Article: classify lines and blocks, keep the article.

Scrapers often deliver the visible text of a page, not its HTML: the article
with the site's chrome around it (menus, headline lists with their dates, share
rows, bylines, disclaimers, "Related Posts"). Without markup, structure must be
read from the text itself, in the spirit of jusText:

1. Lines become blocks (hard-wrapped lines are joined, a subheading glued to
   its paragraph is split off).
2. Each block gets a chrome reason on its own (`lines.line_reason`) or a class
   by its shape: good (long prose: length, stop-word density, lower-case
   words), near-good (a short sentence) or short (headline, label, name).
3. Context revises that: a run of headline + date pairs is a headline list,
   a run of "headline, one short paragraph" units a teaser list; chrome
   headings ("Related Posts", "About Us"), lists, comment and newsletter
   prompts split the page into regions; the region with the most good text is
   the article (one under a chrome heading counts half, comment threads never
   count; neighbours join it only when they hold substantial prose of their
   own); inside it short lines between paragraphs are subheadings, the lines
   before the last repetition of the title are the page header (title, dek,
   byline), short lines after the last paragraph are tails (agency credits,
   tag rows), and a sentence seen twice is kept once.

Everything is pure and runs in well under a millisecond for a typical page.
"""

from __future__ import annotations

import operator
import re

from ..article import Article, Block, Image, Stats
from ..errors import UnprocessablePage
from ..korean import CJK_WEIGHT, cjk_count, is_cjk_heavy
from . import lines as L
from .vocab import STOP_WORDS

# Block classes
GOOD, NEAR, SHORT, CHROME = 3, 2, 1, 0

GOOD_MIN_LEN = 140  # Latin-scale characters (CJK counted double)
GOOD_MIN_WORDS = 12
GOOD_STOPWORDS = 0.2
NEAR_MIN_WORDS = 5
NEAR_STOPWORDS = 0.12
LOWER_PROSE = 0.5  # share of lower-case words that marks prose in languages we have no stop words for
HEADLINE_CAPS = 0.6  # share of capitalised words that marks a Title Case headline
HEADING_MAX_WORDS = 20
HEADING_MAX_LEN = 150
LIST_HEADLINE_MAX = 220
JOIN_MIN_GOOD = 3  # a neighbouring region joins the article with this many good blocks...
JOIN_MIN_SHARE = 0.25  # ...and this share of the article's good text
JOIN_GAP_BLOCKS = 6  # ...also across one prose-less box of at most this many blocks
CHROME_OPENED_WEIGHT = 0.5  # a region under a chrome heading counts half when picking the article
DEK_MAX_LEN = 500
TITLE_MAX_LEN = 250
TITLE_LEAD_BLOCKS = 8  # the title's words are looked for in this many blocks after it...
TITLE_LEAD_CHARS = 400  # ...in the first characters of each
_STRIP_WORD = operator.methodcaller("strip", "\"'“”‘’()[]{}.,;:!?…—–-*#%$&@/\\|«»")
DEDUPE_MIN_LEN = 60  # a repeated sentence is an artifact; repeated short cells ("Meal 1") are structure

BARRIERS = frozenset(
    ("chrome_heading", "disclaimer", "headline_list", "teaser_list", "comment", "comment_prompt", "newsletter", "cookie")
)
_SENTENCE_END = frozenset(".!?。…")
_CLOSERS = "\"'”’»)]"
_SURROGATE_RE = re.compile("[\ud800-\udfff]")
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_ALNUM_RE = re.compile(r"[^\W_]")
_BULLET_RE = re.compile(r"^(?:[-*•·▪►▶◆■□○●–]|\d{1,2}[.)])\s+")
_GLUE_RE = re.compile(r"[a-z0-9)’'”?](?=[A-Z][a-z]*\s)")
_CAPTION_CREDIT_RE = re.compile(r"\s*[\[(]([A-Z][A-Z0-9 .&/,'-]{1,60})[\])]\s*$")
_HANGUL_RE = re.compile("[\uac00-\ud7a3]")
_KANA_RE = re.compile("[\u3040-\u30ff]")
_HAN_RE = re.compile("[\u4e00-\u9fff]")
_LETTERS_RE = re.compile(r"[^\W\d_]")
_REPORTER_RE = re.compile(r"([가-힣]{2,4})\s*(?:기자|특파원)")
_GLUE_STARTERS = frozenset(
    "A An The At In On As For But And While When With After Before Although Though Despite Since If This That "
    "These Those It Its Such Amid Under Over During Meanwhile However Yet According Last Earlier".split()
)


class _Block:
    __slots__ = ("text", "reason", "cls", "words", "length", "key", "blank_before", "stops", "lang_words")

    def __init__(self, text: str, blank_before: bool):
        self.text = text
        self.blank_before = blank_before
        self.reason: str | None = None
        self.cls = SHORT
        self.words = 0
        self.length = 0
        self.key: str | None = None
        self.stops = 0
        self.lang_words = 0


def _ends_sentence(text: str) -> bool:
    t = text.rstrip(_CLOSERS)
    return bool(t) and t[-1] in _SENTENCE_END


def _split_lines(text: str) -> list[_Block]:
    """Non-empty lines as blocks, whitespace collapsed, hard wraps joined, glued subheadings split."""
    blocks: list[_Block] = []
    blank = True
    for raw in text.splitlines():
        line = raw.strip()
        if "  " in line or "\t" in line or "\xa0" in line or "\u3000" in line or "\u2009" in line or "\u202f" in line:
            line = " ".join(line.split())  # runs of spaces, tabs and the common Unicode spaces
        line = line.strip(_INVISIBLE)
        if not line or not _ALNUM_RE.search(line):  # separators ("***", "—") and invisible characters
            blank = True
            continue
        if (
            blocks
            and not blank
            and line[0].islower()
            and not _ends_sentence(blocks[-1].text)
            and blocks[-1].text[-1] not in ":;"
            and not _BULLET_RE.match(line)
        ):
            blocks[-1].text += " " + line
            continue
        head = _glued_heading(line)
        if head:
            blocks.append(_Block(head, blank))
            line = line[len(head) :]
            blank = False
        blocks.append(_Block(line, blank))
        blank = False
    return blocks


def _glued_heading(line: str) -> str | None:
    """The subheading glued to the start of a paragraph ("What the US wantsAt the heart of..."), if any."""
    if len(line) < 120:
        return None
    m = _GLUE_RE.search(line, 0, 90)
    if not m:
        return None
    head = line[: m.end()]
    rest = line[m.end() :]
    first = rest.split(" ", 1)[0]
    words = head.split()
    if (
        first in _GLUE_STARTERS
        and not words[-1][0].isupper()  # "LinkedIn", "WeChat": a CamelCase name, not a glued heading
        and 2 <= len(words) <= 12
        and head[0].isupper()
        and not any(c in head for c in ".!?;")
        and len(rest) >= 100
    ):
        return head
    return None


MEASURE_CHARS = 240  # word ratios are estimated on the start of a block
PROSE_FAST_LEN = 300  # a block this long with two sentence breaks is prose without further tests
LANG_SAMPLE_CHARS = 100
_FIRST = operator.itemgetter(0)


def _measure(block: _Block) -> None:
    """Length, word count and class (GOOD, NEAR or SHORT) of a block without a chrome reason.

    Everything here is C-level string work (split, map): this runs on every
    block of every page.
    """
    text = block.text
    cjk = 0 if text.isascii() else cjk_count(text)
    block.length = len(text) + (CJK_WEIGHT - 1) * cjk
    n = block.words = text.count(" ") + 1
    if cjk and is_cjk_heavy(text):
        # Korean/Chinese/Japanese prose: length and sentence shape, no English stop words.
        # Headlines, however long, end on a noun without a full stop ("…관세 협상 마무리 수순").
        if block.length >= GOOD_MIN_LEN and n >= 4 and (_ends_sentence(text) or ". " in text or "。" in text):
            block.cls = GOOD
        elif _ends_sentence(text) and block.length >= 40:
            block.cls = NEAR
        else:
            block.cls = SHORT
        return
    if block.length >= PROSE_FAST_LEN and text.count(". ") >= 2 and _ends_sentence(text):
        # Several sentences and hundreds of characters: prose, whatever its words (menus and
        # headlines never look like this). Stop words are counted on a short sample only,
        # for the language guess.
        toks = text[:LANG_SAMPLE_CHARS].lower().split()[:-1]
        block.stops = sum(map(STOP_WORDS.__contains__, toks))
        block.lang_words = len(toks)
        block.cls = GOOD
        return
    toks = text[:MEASURE_CHARS].split()
    if len(text) > MEASURE_CHARS and len(toks) > 1:
        toks.pop()  # a word cut in half
    seen = len(toks)
    firsts = list(map(_FIRST, toks))
    stops = sum(map(STOP_WORDS.__contains__, map(str.lower, toks)))
    caps = sum(map(str.isupper, firsts))
    lower = sum(map(str.islower, firsts))
    block.stops = stops
    block.lang_words = seen
    sw = stops / seen
    headline = seen > 2 and caps >= HEADLINE_CAPS * seen and not _ends_sentence(text)
    prose = sw >= GOOD_STOPWORDS or lower >= LOWER_PROSE * seen
    if block.length >= GOOD_MIN_LEN and n >= GOOD_MIN_WORDS and prose and not headline:
        block.cls = GOOD
    elif n >= NEAR_MIN_WORDS and _ends_sentence(text) and (sw >= NEAR_STOPWORDS or lower >= LOWER_PROSE * seen):
        block.cls = NEAR
    else:
        block.cls = SHORT


_SUFFIX_SEPS = (" – ", " — ", " | ", " - ", " · ", " :: ", " : ")


def _strip_suffix(title: str) -> tuple[str, str | None]:
    """("Title", "Site") for "Title – Site" when the tail looks like a site name."""
    cut = -1
    width = 0
    for sep in _SUFFIX_SEPS:
        i = title.rfind(sep)
        if i > cut:
            cut, width = i, len(sep)
    if cut < 0:
        return title, None
    tail = title[cut + width :].strip()
    head = title[:cut].rstrip(" –—|·:-")
    tail_words = tail.split()
    if (
        1 <= len(tail_words) <= 4
        and len(tail) <= 35
        and not any(w[0].islower() for w in tail_words)  # "Asia Times", "연합뉴스", "BBC News"
        and (len(head.split()) >= 4 or (len(head) >= 8 and is_cjk_heavy(head)))
    ):
        return head, tail
    return title, None


def _key(text: str) -> str | None:
    """Comparison key of a short line (titles repeat); None for long blocks, which never are titles."""
    if len(text) > TITLE_MAX_LEN:
        return None
    return L.normalize(_strip_suffix(text)[0])


LIST_GAP_TIGHT = 1  # blocks allowed between one "headline, date" pair and the next (a teaser)...
LIST_GAP_LOOSE = 3  # ...or, in runs of three or more pairs, a teaser plus a kicker/byline line


def _mark_headline_lists(blocks: list[_Block]) -> None:
    """Runs of "headline, date" pairs become a headline list.

    Two pairs with at most one block between them (a teaser) make a list; with
    up to three blocks between pairs ("headline, author, date, summary" cards)
    it takes three pairs, and the run is only removed when enough prose (two
    good blocks) remains elsewhere, so a live blog of dated updates is kept.
    The same guard applies to every run.
    """
    n = len(blocks)
    pairs: list[int] = []
    for i in range(n - 1):
        b, nxt = blocks[i], blocks[i + 1]
        if (
            nxt.reason == "date"
            and b.reason not in ("date", "chrome_heading")
            and len(b.text) <= LIST_HEADLINE_MAX
            and not (b.text[-1] == "." and b.cls == GOOD)
        ):
            pairs.append(i)
    if len(pairs) < 2:
        return
    runs: list[tuple[list[int], int]] = [([pairs[0]], 0)]  # (pair starts, widest gap)
    for p in pairs[1:]:
        run, widest = runs[-1]
        gap = p - (run[-1] + 2)  # blocks between the previous pair's date and this headline
        if gap <= LIST_GAP_LOOSE:
            run.append(p)
            runs[-1] = (run, max(widest, gap))
        else:
            runs.append(([p], 0))
    total_good = sum(1 for b in blocks if b.reason is None and b.cls == GOOD)
    for run, widest in runs:
        if len(run) < 2 or (widest > LIST_GAP_TIGHT and len(run) < 3):
            continue
        start = run[0]
        if widest > LIST_GAP_TIGHT:
            # cards: the headline line(s) above the first card's byline belong to the list
            while start > 0 and run[0] - start < widest - 1:
                above = blocks[start - 1]
                if above.reason is not None or above.cls != SHORT:
                    break
                start -= 1
        span = range(start, run[-1] + 2)
        good_in_run = sum(1 for i in span if blocks[i].reason is None and blocks[i].cls == GOOD)
        if total_good - good_in_run < 2:
            continue
        for i in span:
            if blocks[i].reason not in BARRIERS:  # comment headers and chrome headings keep their meaning
                blocks[i].reason = "headline_list"


TEASER_MIN_UNITS = 4
TEASER_MAX_LEN = 600


def _heading_shaped(b: _Block) -> bool:
    return (
        b.reason is None
        and b.cls == SHORT
        and 2 <= b.words <= HEADING_MAX_WORDS
        and b.length <= HEADING_MAX_LEN
        and not _ends_sentence(b.text)
    )


def _mark_teaser_lists(blocks: list[_Block]) -> None:
    """Runs of "headline, one-paragraph summary" units (a teaser list) become chrome.

    An article's subheadings usually lead several paragraphs; four or more
    headings in a row that each lead exactly one short paragraph are a list of
    other stories. The run is only removed when enough prose (two good blocks)
    remains elsewhere, so an article written as such a list is kept.
    """
    content = [i for i, b in enumerate(blocks) if b.reason is None]
    runs: list[list[int]] = []
    current: list[int] = []
    k = 0
    while k + 1 < len(content):
        i, j = content[k], content[k + 1]
        if _heading_shaped(blocks[i]) and blocks[j].cls >= NEAR and len(blocks[j].text) <= TEASER_MAX_LEN:
            current += (i, j)
            k += 2
            continue
        if current:
            runs.append(current)
            current = []
        k += 1
    if current:
        runs.append(current)
    total_good = sum(1 for b in blocks if b.reason is None and b.cls == GOOD)
    for run in runs:
        if len(run) < 2 * TEASER_MIN_UNITS:
            continue
        good_in_run = sum(1 for x in run if blocks[x].cls == GOOD)
        if total_good - good_in_run < 2:
            continue
        for x in run:
            blocks[x].reason = "teaser_list"


def _regions(blocks: list[_Block]) -> list[tuple[int, int, str | None]]:
    """Spans of blocks between barriers, with the barrier that opened each."""
    regions = []
    start = 0
    opened_by = None
    for i, b in enumerate(blocks):
        if b.reason in BARRIERS:
            if i > start:
                regions.append((start, i, opened_by))
            start = i + 1
            opened_by = b.reason
    if start < len(blocks):
        regions.append((start, len(blocks), opened_by))
    return regions


def _good_len(blocks: list[_Block], region: tuple[int, int, str | None], cls: int) -> tuple[int, int]:
    total = count = 0
    for b in blocks[region[0] : region[1]]:
        if b.reason is None and b.cls >= cls:
            total += b.length
            count += 1
    return total, count


def _pick_main(blocks: list[_Block]) -> tuple[int, int, int] | None:
    """(start, end, class) of the article's span of blocks, or None when no prose exists.

    The region with the most prose wins; one opened by a chrome heading ("About
    Us", "Privacy Overview") counts half, since its prose is usually the box's.
    """
    regions = _regions(blocks)
    # Once readers' comments start ("jane says:", "Jane on May 1, 2019 at 4:47 pm said:"), what
    # follows is the thread, never the article, however much prose it holds.
    first_comment = next((i for i, b in enumerate(blocks) if b.reason == "comment"), len(blocks))
    thread = [r[0] > first_comment for r in regions]
    if all(thread):
        thread = [False] * len(regions)
    for cls in (GOOD, NEAR):
        scores = [(0, 0) if t else _good_len(blocks, r, cls) for r, t in zip(regions, thread)]
        ranked = [
            score * (CHROME_OPENED_WEIGHT if r[2] == "chrome_heading" else 1.0)
            for (score, _), r in zip(scores, regions)
        ]
        best = max(range(len(regions)), key=lambda i: ranked[i], default=None)
        if best is None or scores[best][0] == 0:
            continue
        main_len = scores[best][0]

        def joins(i: int) -> bool:
            return scores[i][1] >= JOIN_MIN_GOOD and scores[i][0] >= JOIN_MIN_SHARE * main_len

        def small_gap(i: int) -> bool:  # a short box without prose (an inline "Related" list)
            return not thread[i] and scores[i][1] == 0 and regions[i][1] - regions[i][0] <= JOIN_GAP_BLOCKS

        lo = hi = best
        while lo > 0:
            if joins(lo - 1):
                lo -= 1
            elif lo > 1 and small_gap(lo - 1) and joins(lo - 2):
                lo -= 2
            else:
                break
        while hi < len(regions) - 1:
            if joins(hi + 1):
                hi += 1
            elif hi < len(regions) - 2 and small_gap(hi + 1) and joins(hi + 2):
                hi += 2
            else:
                break
        return regions[lo][0], regions[hi][1], cls
    return None


_TWO_SENTENCES_RE = re.compile(r"[a-z]{2}[.!?][\"'”’]?\s*[A-Z]")
_CREDIT_TAIL_RE = re.compile(r"\([^()]*/[^()]*\)$|credit\b", re.I)


def _title_candidate(b: _Block) -> bool:
    t = b.text
    if b.reason is not None or len(t) > TITLE_MAX_LEN or t[-1] in ".,;:" or _BULLET_RE.match(t):
        return False
    if _TWO_SENTENCES_RE.search(t) or _CREDIT_TAIL_RE.search(t):  # captions, not titles
        return False
    return b.words >= 3 or (b.words >= 1 and is_cjk_heavy(t) and b.length >= 8)


def _find_title(blocks: list[_Block], start: int, body: int) -> int | None:
    """Index of the title block: a heading-shaped line before the body above a byline first, then repeated ones."""
    counts: dict[str, int] = {}
    for b in blocks:
        if b.key is None:
            continue
        counts[b.key] = counts.get(b.key, 0) + 1
        if b.reason == "breadcrumb":
            tail = L.normalize(re.split(r"»|›|→|>|::|\s[|/]\s|\|", b.text)[-1])
            counts[tail] = counts.get(tail, 0) + 1
    n = len(blocks)
    # The lead as one case-folded string: a title word "is used" when it starts a word there.
    lead = " " + " ".join(
        b.text[:TITLE_LEAD_CHARS] for b in blocks[body : body + TITLE_LEAD_BLOCKS] if b.reason is None
    ).casefold().replace("’", "'")
    for lo in (start, 0):
        best, best_rank = None, None
        for i in range(lo, body):
            b = blocks[i]
            if b.reason == "headline_list" or not _title_candidate(b):
                continue
            # A line right above a byline is the title ("Title / By Jane Doe / July 1, 2025");
            # then lines whose words the lead paragraphs use, repeated lines, longer lines;
            # ties go to the candidate closest to the body.
            bylined = i + 1 < n and blocks[i + 1].reason == "byline"
            words = _content_words(b.text)
            common = sum(1 for w in words if " " + w in lead or "(" + w in lead or "“" + w in lead)
            shared = common / len(words) if words else 0.0
            bucket = 2 if shared >= 0.5 else 1 if shared >= 0.25 else 0
            rank = (bylined, bucket, min(common, 4), counts.get(b.key, 1) > 1, b.words >= 4, i)
            if best_rank is None or rank > best_rank:
                best, best_rank = i, rank
        if best is not None and (best_rank[0] or best_rank[1] or best_rank[3]):
            return best
    return None  # better no title than a section label or a photo credit


def _content_words(text: str) -> set[str]:
    words = set(map(_STRIP_WORD, text.casefold().replace("’", "'").split())) - STOP_WORDS
    return {w for w in words if len(w) > 2}


def _image_caption(text: str) -> tuple[str, str | None]:
    """Split a trailing agency credit off a caption: "… on April 2. [REUTERS/YONHAP]"."""
    m = _CAPTION_CREDIT_RE.search(text)
    if m and m.start() > 0:
        return text[: m.start()].rstrip(), m.group(1).strip()
    return text, None


def _credit_text(text: str) -> str:
    return re.sub(r"^(?:[^:：=]{0,30})[:：=]\s*", "", text).strip() or text


def _guess_lang(blocks: list[Block], measured: list[_Block]) -> str | None:
    """A rough language tag from the kept text: Hangul, kana or Han shares, else English stop words."""
    sample = "".join(b.text for b in blocks[:6])[:3000]
    if not sample:
        return None
    if not sample.isascii() and cjk_count(sample):
        hangul = len(_HANGUL_RE.findall(sample))
        kana = len(_KANA_RE.findall(sample))
        han = len(_HAN_RE.findall(sample))
        letters = len(_LETTERS_RE.findall(sample))
        if letters and hangul >= 0.3 * letters:
            return "ko"
        if letters and kana >= 0.1 * letters:
            return "ja"
        if letters and han >= 0.3 * letters:
            return "zh"
    stops = sum(b.stops for b in measured)
    words = sum(b.lang_words for b in measured)
    if words and stops >= 0.25 * words:
        return "en"
    return None


def extract_text(text: str, *, url: str | None = None) -> Article:
    """Turn page text a scraper already extracted into an Article (see module doc).

    Raises UnprocessablePage("no_content") when no prose is found.
    """
    stats = Stats()
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates (a str built from broken data): U+FFFD, as decoding would
        text = _SURROGATE_RE.sub("\ufffd", text)
    blocks = _split_lines(text)
    for b in blocks:
        b.reason = L.line_reason(b.text)
        b.key = _key(b.text)
        if b.reason is None:
            _measure(b)
        else:
            b.cls = CHROME
    _mark_headline_lists(blocks)
    _mark_teaser_lists(blocks)
    for i in range(len(blocks) - 1):
        if blocks[i].reason == "image_markdown" and blocks[i + 1].reason is None:
            alt = (L.image_markdown(blocks[i].text) or ("", ""))[0]
            if alt and _same_caption(blocks[i + 1].text, alt):
                blocks[i + 1].reason = "caption"

    span = _pick_main(blocks)
    if span is None:
        raise UnprocessablePage("no_content", "no article text found in the page text")
    cs, ce, cls = span

    def prose(i: int) -> bool:
        return blocks[i].reason is None and blocks[i].cls >= cls

    first = next(i for i in range(cs, ce) if prose(i))
    title_i = _find_title(blocks, cs, first)
    title = site_name = None
    header_end = cs
    if title_i is not None:
        title, site_name = _strip_suffix(blocks[title_i].text)
        tkey = blocks[title_i].key
        # The body starts after the last repetition of the title that at most a dek precedes.
        goods = 0
        for i in range(cs, ce):
            if blocks[i].key == tkey:
                header_end = i + 1
            if prose(i):
                goods += 1
                if goods > 1:
                    break
    # "Title / dek / By Jane Doe / body": prose between the title and a byline is the dek.
    for i in range(header_end, min(ce, header_end + 4)):
        if blocks[i].reason == "byline":
            if any(blocks[j].reason is None and blocks[j].cls >= NEAR for j in range(header_end, i)):
                header_end = i + 1
            break
    # In the header: the dek (first prose block), bylines, dates.
    description = None
    authors: list[str] = []
    published = None
    tags: list[str] = []
    for i in range(cs, ce):  # bylines of other stories' cards, before the article, are not its authors
        b = blocks[i]
        if b.reason == "byline" and not authors:
            authors = L.byline_authors(b.text)
            published = published or L.parse_date(b.text)
        elif b.reason == "date" and published is None and i < first:
            published = L.parse_date(b.text)
    # Body: from the first prose block after the header to the last one, extended over
    # adjacent near-good blocks.
    body_idx = [i for i in range(max(header_end, cs), ce) if prose(i)]
    if not body_idx:
        raise UnprocessablePage("no_content", "no article text found after the page header")
    bs, be = body_idx[0], body_idx[-1]
    title_key = blocks[title_i].key if title_i is not None else None
    for i in range(cs, header_end):
        b = blocks[i]
        if description is None and b.reason is None and b.cls >= NEAR and b.key != title_key:
            if len(b.text) <= DEK_MAX_LEN:
                description = b.text
                b.reason = "description"
    bs = _extend(blocks, bs, -1, header_end, ce)
    be = _extend(blocks, be, +1, header_end, ce)

    images: list[Image] = []
    out: list[Block] = []
    seen_texts: set[str] = set()
    i = cs
    while i <= be:
        b = blocks[i]
        reason = b.reason
        if i < bs and reason not in ("image_markdown", "credit"):
            i += 1
            continue
        if reason == "image_markdown":
            alt, src = L.image_markdown(b.text) or ("", "")
            caption, credit = _image_caption(alt) if alt else (None, None)
            images.append(Image(src, caption or None, credit))
        elif reason == "credit":
            if images and images[-1].credit is None and _recent_image(blocks, i):
                images[-1] = Image(images[-1].src, images[-1].caption, _credit_text(b.text))
            else:
                images.append(Image("", None, _credit_text(b.text)))
        elif reason == "tags":
            tags.extend(_parse_tags(b.text))
        elif reason is None:
            if title_key is not None and b.key == title_key:
                b.reason = "title"
            elif b.cls < GOOD and len(b.text) < 300 and _followed_by_credit(blocks, i):
                caption, credit = _image_caption(b.text)
                images.append(Image("", caption, credit))
                b.reason = "caption"
            elif len(b.text) >= DEDUPE_MIN_LEN and b.text in seen_texts:
                b.reason = "duplicate"  # repeated lists, pull quotes, teasers of this same story
            else:
                block = _body_block(blocks, i, be, cls)
                if block is None:
                    b.reason = "short"
                else:
                    out.append(block)
                    if len(b.text) >= DEDUPE_MIN_LEN:
                        seen_texts.add(b.text)
        i += 1

    for i, b in enumerate(blocks):
        if bs <= i <= be and b.reason is None:
            continue
        if b.reason is None:
            reason = "header" if i < bs else "tail" if i > be else "short"
            if not (cs <= i < ce):
                reason = "outside_article"
            if title_i is not None and i == title_i:
                reason = "title"
        else:
            reason = b.reason
            if reason == "tags" and not (bs <= i <= be):
                tags.extend(_parse_tags(b.text))
        stats.count(reason)
    if not out:
        raise UnprocessablePage("no_content", "no article text found in the page text")
    if not authors:
        for b in blocks[bs:ce]:
            if b.reason == "korean_tail":
                m = _REPORTER_RE.search(b.text)
                if m:
                    authors = [m.group(1)]
                    break
    kept = [blocks[i] for i in range(bs, be + 1) if blocks[i].reason is None]
    return Article(
        title=title,
        blocks=out,
        description=description,
        authors=authors,
        published_at=published,
        site_name=site_name,
        lang=_guess_lang(out, kept),
        images=images,
        tags=list(dict.fromkeys(tags)),
        kind="text",
        url=url,
        stats=stats,
    )


def _extend(blocks: list[_Block], edge: int, step: int, lo: int, hi: int) -> int:
    """Move a body edge outwards over near-good blocks (chrome lines are transparent)."""
    i = edge + step
    while lo <= i < hi:
        b = blocks[i]
        if b.reason is not None and b.reason not in BARRIERS and b.reason != "description":
            i += step
            continue
        if b.reason is None and b.cls >= NEAR:
            edge = i
            i += step
            continue
        break
    return edge


def _same_caption(text: str, alt: str) -> bool:
    a, b = L.normalize(text), L.normalize(alt)
    return bool(a) and (a == b or (len(a) > 20 and (b.startswith(a) or a.startswith(b))))


def _recent_image(blocks: list[_Block], i: int) -> bool:
    for j in (i - 1, i - 2):
        if j >= 0 and blocks[j].reason in ("image_markdown", "caption"):
            return True
    return False


def _followed_by_credit(blocks: list[_Block], i: int) -> bool:
    return i + 1 < len(blocks) and blocks[i + 1].reason == "credit"


def _parse_tags(text: str) -> list[str]:
    body = re.sub(r"^[^:：]{0,20}[:：]\s*", "", text)
    parts = re.split(r"\s*[,;|#·]\s*|\s{2,}", body)
    return [p.strip() for p in parts if p.strip() and len(p.strip()) <= 60]


def _body_block(blocks: list[_Block], i: int, end: int, cls: int) -> Block | None:
    """The Block for a kept line: paragraph, list item, quote or subheading; None to drop it."""
    b = blocks[i]
    text = b.text
    if text.startswith(">"):
        return Block("quote", text.lstrip("> ").strip()) if text.lstrip("> ").strip() else None
    m = _BULLET_RE.match(text)
    if m and b.words >= 1:
        item = text[m.end() :].strip()
        return Block("list_item", item) if item else None
    if b.cls >= cls or b.cls >= NEAR:
        return Block("paragraph", text)
    # A short line: a subheading when prose follows it, a short sentence when it ends like one.
    nxt = next((j for j in range(i + 1, end + 1) if blocks[j].reason is None), None)
    if (
        nxt is not None
        and blocks[nxt].cls >= NEAR
        and b.words <= HEADING_MAX_WORDS
        and b.length <= HEADING_MAX_LEN
        and not _ends_sentence(text)
        and text[-1] not in ",;"
    ):
        return Block("heading", text, 2)
    if _ends_sentence(text) and b.words >= 3:
        return Block("paragraph", text)
    return None
