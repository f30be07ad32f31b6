"""What a page says about itself: title, dek, authors, date, site, language, tags.

Pages declare their metadata several times over, with varying honesty. We read
each source once and take every field from the most trusted source that has it:

1. the site rule's `title` / `date` / `author` selectors (a human checked them),
2. JSON-LD (`NewsArticle`, `Article`, `BlogPosting`, ... also inside `@graph`),
3. `<meta>`: OpenGraph, `article:*`, `twitter:*`, `itemprop`, Dublin Core,
4. `<title>` minus the site suffix, `<html lang>`, `<link rel=canonical>`,
5. visible bylines (`[itemprop=author]`, `[rel=author]`, `.byline`, `.author`)
   and `<time>` elements, only when nothing above had the field.

`docs/rules.md` documents the per-field order. Speed: one walk of the head
(JSON-LD scripts, `<meta>`s, `<title>`; ~60 nodes), a head query for the
canonical link, whole-page CSS queries only as fallbacks, then dict look-ups.
Pure: never mutates the tree, never raises (anything odd degrades to a
missing field).
"""

from __future__ import annotations

import html as htmllib
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

import orjson

from ..article import Image
from ..rules import plain_host
from ..native import load as _load_native
from .selectors import simple_selectors
from .tags import tag_bitmap, tag_id

_native = _load_native("dom")  # compiled DOM primitives (service/native/dom.pyx), or None: the Python code

if TYPE_CHECKING:  # pragma: no cover
    from selectolax.lexbor import LexborHTMLParser

    from ..rules import SiteRule

__all__ = ["Metadata", "extract_metadata", "strip_site_suffix", "parse_date", "normalize_lang", "split_authors"]


@dataclass(frozen=True, slots=True)
class Metadata:
    """Everything the page declares about the article (not its body)."""

    title: str | None = None
    description: str | None = None
    authors: list[str] = field(default_factory=list)
    published_at: str | None = None  # ISO 8601; timezone kept when the page gave one
    site_name: str | None = None
    canonical_url: str | None = None  # absolute
    lang: str | None = None  # primary language subtag: "en", "ko"
    tags: list[str] = field(default_factory=list)
    lead_image: Image | None = None
    json_ld_body: str | None = None  # JSON-LD articleBody as declared, if any
    json_ld_type: str | None = None  # the @type of the JSON-LD article node used


# --------------------------------------------------------------------------- text

_WS = re.compile(r"\s+")
_MAX_FIELD = 4000  # longest text field we keep (titles, deks); longer is garbage or abuse


def _text(value: Any, limit: int = _MAX_FIELD) -> str | None:
    """A clean one-line string from whatever a source held, or None."""
    if type(value) is not str:  # (the usual case first)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        elif not isinstance(value, str):
            return None
    value = value[: limit * 2]
    if "&" in value:
        value = htmllib.unescape(value)
    if "<" in value and ">" in value:
        value = _TAG.sub(" ", value)
    # every character str.split() breaks at, except " ", is non-printable: a printable value with
    # single inner spaces is already clean (most are), and the split/join copy is saved
    if not value.isprintable() or "  " in value or value[:1] == " " or value[-1:] == " ":
        value = " ".join(value.split())
    if not value:
        return None
    return value[:limit]


_TAG = re.compile(r"<[^<>]{0,500}>")


# --------------------------------------------------------------------------- site suffixes

# Separators between a headline and the site name: spaced dashes, pipes, bullets.
_SEP = re.compile(r"\s+(?:[|\-–—·•»~]|::|//)\s+|\s*\|\s*")
# Every _SEP match holds one of these characters. Most titles hold none, and this scan is ~10x
# cheaper than _SEP's (which tries `\s*` at every position).
_SEP_CHAR = re.compile(r"[|\-–—·•»~:/]")
_NON_ALNUM = re.compile(r"[\W_]+")
_GENERIC_LABELS = frozenset(
    "www www1 www2 m mobile amp en edition news home web blog blogs com net org co go or ne ac gov edu info "
    "biz kr uk us au ca in jp de fr it es br ru io tv me".split()
)


def _key(s: str) -> str:
    return _NON_ALNUM.sub("", s.casefold())


def _site_keys(site_name: str | None, url: str | None) -> tuple[str, ...]:
    """Normalized spellings of the site's name: "asiatimes", "cnn", "skynews"."""
    keys: list[str] = []
    if site_name:
        names = [site_name]
        if _SEP_CHAR.search(site_name):
            names += [p for p in _SEP.split(site_name) if p != site_name]
        for name in names:
            k = _key(name)
            if len(k) >= 2:
                keys.append(k)
                if k.startswith("the") and len(k) > 6:
                    keys.append(k[3:])
    host = _host(url)
    if host:
        parts = host.split(".")
        while len(parts) > 2 and parts[0] in _GENERIC_LABELS:
            parts = parts[1:]
        keys.append(_key(".".join(parts)))  # "nj.com" -> "njcom"
        labels = [lab for lab in host.split(".") if lab and lab not in _GENERIC_LABELS and not lab.isdigit()]
        for lab in labels:
            k = _key(lab)
            if len(k) >= 3:
                keys.append(k)
        if len(labels) >= 2:
            keys.append(_key("".join(labels)))
            keys.append(_key("".join(reversed(labels))))
    return tuple(dict.fromkeys(keys))


def _host(url: str | None) -> str | None:
    if not url or not isinstance(url, str):
        return None
    u = url.strip()[:2000]
    plain = plain_host(u)
    if plain is not None:  # the common case, without urlsplit
        return plain.rstrip(".")
    try:
        host = urlsplit(u).hostname
    except ValueError:
        return None
    return host.rstrip(".").lower() if host else None


def _is_site(segment: str, keys: tuple[str, ...], *, loose: bool) -> bool:
    """Does this title segment name the site? `loose` also accepts "CNN Politics" for cnn."""
    words = segment.split()
    if not words or len(words) > 8 or len(segment) > 80:
        return False
    k = _key(segment)
    if not k:
        return False
    for key in keys:
        if k == key:
            return True
        if loose and len(words) <= 4:
            if len(key) >= 3 and k.startswith(key):
                return True
            if len(k) >= 4 and key.startswith(k):
                return True
            if len(key) >= 5 and k.endswith(key):
                return True
    return False


def _looks_like_name(segment: str) -> bool:
    """A short capitalised phrase or a domain: how unnamed site suffixes look."""
    words = segment.split()
    if not 1 <= len(words) <= 4 or len(segment) > 40:
        return False
    if re.search(r"\w\.(?:com|net|org|co|kr|io|news)\b", segment, re.I):
        return True
    return all(w[0].isupper() or w[0].isdigit() or not w[0].isalpha() for w in words)


def strip_site_suffix(title: str, *, site_name: str | None = None, url: str | None = None) -> str:
    """`title` without the site's name glued to either end.

    "Between giants: … – Asia Times" -> "Between giants: …"; "CNN - Title",
    "Title | Politics | Site" -> "Title". The site is recognised by `site_name`
    and the URL's domain; with neither, only a short capitalised tail after a
    pipe or dash is taken as the site. Never returns an empty string for a
    non-empty title.
    """
    if not isinstance(title, str):
        return title
    return _strip_site(title, _site_keys(site_name, url))


def _strip_site(title: str, keys: tuple[str, ...]) -> str:
    # printable means " " is its only whitespace (every other character str.isspace() accepts is not
    # printable): with no double space, _WS.sub would change nothing
    t = title.strip() if title.isprintable() and "  " not in title else _WS.sub(" ", title).strip()
    if not _SEP_CHAR.search(t):
        return t
    seps = list(_SEP.finditer(t))
    if not seps:
        return t
    segments: list[str] = []
    pos = 0
    for m in seps:
        segments.append(t[pos : m.start()])
        pos = m.end()
    segments.append(t[pos:])
    seps_chars = [m.group().strip() for m in seps]  # seps_chars[i] sits between segments i and i+1

    def join(lo: int, hi: int) -> str:  # segments[lo:hi] with their original separators
        if lo >= hi:
            return ""
        start = 0 if lo == 0 else seps[lo - 1].end()
        end = len(t) if hi == len(segments) else seps[hi - 1].start()
        return t[start:end].strip()

    def short(seg: str) -> bool:
        return 1 <= len(seg.split()) <= 3 and len(seg) <= 30

    result = None
    if keys:
        # site at the end (possibly followed by a tagline): "Title | Section | Site | tagline"
        for k in range(1, len(segments)):
            if _is_site(segments[k], keys, loose=True):
                hi = k
                while hi >= 2 and short(segments[hi - 1]) and seps_chars[hi - 1] == seps_chars[hi - 2] == "|":
                    hi -= 1  # section names between headline and site: "Title | Editorial | Opinion | Site"
                result = join(0, hi)
                break
        # site at the start: "Site - Title", "Site | Section | Title"
        if result is None and len(segments) >= 2 and _is_site(segments[0], keys, loose=False):
            lo = 1
            if len(segments) >= 3 and short(segments[1]) and seps_chars[0] == seps_chars[1] == "|":
                lo = 2
            result = join(lo, len(segments))
    if result is None:
        last = segments[-1]
        head = join(0, len(segments) - 1)
        if seps_chars[-1] == "|" and 1 <= len(last.split()) <= 4 and len(head.split()) >= 2:
            result = head
        elif not keys and _looks_like_name(last) and len(head.split()) >= 4:
            result = head
    if not result or len(result) < 2:
        return t
    return result


# --------------------------------------------------------------------------- dates

_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            "january jan", "february feb", "march mar", "april apr", "may", "june jun",
            "july jul", "august aug", "september sep sept", "october oct", "november nov", "december dec",
        ]
    )
    for m in names.split()
}
_TZ_NAMES = {
    "z": 0, "utc": 0, "gmt": 0, "ut": 0, "est": -300, "edt": -240, "cst": -360, "cdt": -300,
    "mst": -420, "mdt": -360, "pst": -480, "pdt": -420, "kst": 540, "jst": 540, "bst": 60,
    "cet": 60, "cest": 120, "eet": 120, "eest": 180, "ist": 330, "aest": 600, "aedt": 660, "hkt": 480,
}
_TIME = (
    r"(?:(?:T|\s*[,@]?\s*|\s+at\s+)(?P<ampm1>오전|오후)?\s*(?P<H>\d{1,2})[:시]\s*(?P<M>\d{2})(?:[:분]\s*(?P<S>\d{2})(?:[.,]\d+)?초?)?"
    r"\s*(?P<ampm>[ap]\.?\s?m\.?)?\s*(?P<tz>Z|[+-]\d{2}(?::?\d{2})?|\(?[A-Za-z]{1,5}\)?(?:[+-]\d{1,2}(?::?\d{2})?)?)?\b)?"
)
_NUMERIC_DATE = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*[-/.년]\s*(?P<m>\d{1,2})\s*[-/.월]\s*(?P<d>\d{1,2})(?!\d)\s*일?\.?" + _TIME, re.I
)
_COMPACT_DATE = re.compile(r"^(?P<y>(?:19|20)\d{2})(?P<m>\d{2})(?P<d>\d{2})(?:T?(?P<H>\d{2})(?P<M>\d{2})(?P<S>\d{2})?(?P<tz>Z|[+-]\d{2}:?\d{2})?)?$")
_MONTH_FIRST = re.compile(
    r"\b(?P<mon>[A-Za-z]{3,9})\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d{2})(?!\d)" + _TIME, re.I
)
_DAY_FIRST = re.compile(
    r"\b(?P<d>\d{1,2})(?:st|nd|rd|th)?\.?\s+(?P<mon>[A-Za-z]{3,9})\.?,?\s+(?P<y>(?:19|20)\d{2})(?!\d)" + _TIME, re.I
)
_TIME_FIRST = re.compile(  # "11:11 PM EST Nov 19, 2019" (Gannett and others)
    r"\b(?P<H>\d{1,2}):(?P<M>\d{2})\s*(?P<ampm>[ap]\.?\s?m\.?)?\s*(?P<tz>[A-Z]{2,4}\b)?[\s,]+"
    r"(?P<mon>[A-Za-z]{3,9})\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d{2})(?!\d)",
    re.I,
)
_EPOCH = re.compile(r"^\d{9,10}(?:\d{3})?$")


def _tz(text: str | None) -> timezone | None:
    if not text:
        return None
    t = text.strip("() ").lower()
    m = re.fullmatch(r"(?:utc|gmt)?([+-])(\d{1,2}):?(\d{2})?", t)
    if m:
        minutes = int(m.group(2)) * 60 + int(m.group(3) or 0)
        if minutes > 14 * 60:
            return None
        return timezone(timedelta(minutes=minutes if m.group(1) == "+" else -minutes))
    if t in _TZ_NAMES:
        return timezone(timedelta(minutes=_TZ_NAMES[t]))
    return None


def _build(y: str, mo: int, d: str, m: re.Match) -> str | None:
    try:
        day = date(int(y), mo, int(d))
    except ValueError:
        return None
    if not 1970 <= day.year <= 2100:
        return None
    groups = m.groupdict()
    if groups.get("H") is None:
        return day.isoformat()
    hour, minute, second = int(groups["H"]), int(groups["M"]), int(groups.get("S") or 0)
    ampm = (groups.get("ampm") or "").replace(".", "").replace(" ", "").lower()
    korean = groups.get("ampm1")
    if (ampm == "pm" or korean == "오후") and hour < 12:
        hour += 12
    elif (ampm == "am" or korean == "오전") and hour == 12:
        hour = 0
    try:
        dt = datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=_tz(groups.get("tz")))
    except ValueError:
        return day.isoformat()
    return dt.isoformat(timespec="seconds")


def _iso_fast(s: str) -> str | None:
    """Strict ISO 8601, the common case, through the C parser."""
    try:
        if len(s) == 10:
            d = date.fromisoformat(s)
            return d.isoformat() if 1970 <= d.year <= 2100 else None
        dt = datetime.fromisoformat(s)
    except ValueError:
        return None
    if not 1970 <= dt.year <= 2100:
        return None
    return dt.replace(microsecond=0).isoformat(timespec="seconds")


def parse_date(value: Any) -> str | None:
    """Normalize a date as pages write it to ISO 8601, or None.

    Accepts ISO 8601 and its loose variants ("2019-11-19 08:00", "2025.07.10
    14:35", "2025년 7월 10일"), RFC 2822, "Nov. 19, 2019 8:00 a.m. EST",
    "19 November 2019", compact "20191119" and Unix epochs. A date alone stays
    a date ("2019-11-19"); a time keeps the page's timezone when it gave one.
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            value = str(int(value))
        except (ValueError, OverflowError):  # NaN, infinity
            return None
    if not isinstance(value, str):
        return None
    s = value.strip()[:200]
    if not s:
        return None
    if len(s) >= 10 and s[4] == "-" and s[7] == "-" and s[:4].isdigit():
        fast = _iso_fast(s)
        if fast:
            return fast
    try:
        if _EPOCH.match(s):
            n = int(s[:10])
            if 315532800 <= n <= 4102444800:  # 1980 .. 2100
                return datetime.fromtimestamp(n, tz=timezone.utc).isoformat(timespec="seconds")
            return None
        m = _COMPACT_DATE.match(s)
        if m:
            return _build(m["y"], int(m["m"]), m["d"], m)
        m = _NUMERIC_DATE.search(s)
        if m:
            return _build(m["y"], int(m["m"]), m["d"], m)
        if "," in s[:5]:
            try:
                dt = parsedate_to_datetime(s)
            except (TypeError, ValueError, IndexError):
                dt = None
            if dt is not None and 1970 <= dt.year <= 2100:
                return dt.isoformat(timespec="seconds")
        for rx in (_TIME_FIRST, _MONTH_FIRST, _DAY_FIRST):
            m = rx.search(s)
            if m:
                mon = _MONTHS.get(m["mon"].lower().rstrip("."))
                if mon:
                    return _build(m["y"], mon, m["d"], m)
    except (ValueError, OverflowError, OSError):
        return None
    return None


# --------------------------------------------------------------------------- language

_LANG = re.compile(r"^[a-z]{2,3}$")


def normalize_lang(value: Any) -> str | None:
    """"en-US" -> "en", "ko_KR" -> "ko", "EN" -> "en"; None when not a language tag."""
    if not isinstance(value, str):
        return None
    s = value.strip()[:50].lower()
    if not s:
        return None
    s = re.split(r"[,;\s]", s, maxsplit=1)[0]
    primary = re.split(r"[-_]", s, maxsplit=1)[0]
    if primary in ("x", "i", "und", "mul", "zxx") or not _LANG.match(primary):
        return None
    return primary


# --------------------------------------------------------------------------- authors

_BY_PREFIX = re.compile(
    r"^(?:[\w-]+\s+){0,2}?(?:by|von|par|por)\b\s*[:\-–]?\s*|^(?:from|text|words|photos?|reporting)\s*:\s*|^[^\W\d_]{2,12}\s*:\s+",
    re.I,
)
_AUTHOR_SPLIT = re.compile(r"\s*(?:,|;|\||/|&|\+|·|및)\s*|\s+(?:(?i:and)|und|et|y|e)\s+")
# Every _AUTHOR_SPLIT match holds a separator character or a whitespace-framed conjunction.
_AUTHOR_SEP = re.compile(r"[,;|/&+·및]|\s(?:(?i:and)|und|et|y|e)\s")
_EMAIL = re.compile(r"\S+@\S+\.\w+")
_HANDLE = re.compile(r"(?<!\w)@\w+")
_KO_ROLE = re.compile(r"\s*(?:기자|특파원|선임기자|논설위원|객원기자|인턴기자|수습기자)\s*$")
_BYLINE_CUT = re.compile(
    r"\d|\b(?:updated|published|posted on|last modified)\b|(?:기사)?(?:입력|수정|승인|등록)\b"
    r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?(?:\s+\d|\s*$)"
    r"|\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b",
    re.I,
)
_ROLE_TAIL = frozenset(
    "writer writers reporter reporters correspondent correspondents editor editors editor-at-large contributor "
    "contributors columnist staff bureau desk team reports producer producers wire wires service newsroom "
    "administrator admin".split()
)
_ROLE_WORDS = frozenset(
    "staff writer reporter correspondent editor contributor columnist senior chief political news desk team bureau "
    "the a of for contributing associate managing online digital guest author authors updated published special "
    "national foreign international business sports opinion analysis profile editorial".split()
)
_CREDENTIALS = frozenset("md ms phd rdn rd mph msc ma ba mba jd rn cpt dr jr sr ii iii".split())
_HAS_DIGIT = re.compile(r"\d")
_BY_HINT = re.compile(r"\b(?:by|von|par|por)\b")
_SLUG = re.compile(r"^[a-z0-9]+(?:[._-][a-z0-9]+)+$")


_DOMAINISH = re.compile(r"\w\.(?:com|net|org|co|kr|io|uk|txt|html?|php)\b", re.I)


def _looks_like_url(s: str) -> bool:
    if "/" in s and ("://" in s or s.startswith("/")):
        return True
    if "." not in s:
        return False
    return s[:4].lower() in ("www.", "http") or bool(_DOMAINISH.search(s))


def split_authors(value: Any, *, site_keys: tuple[str, ...] = (), byline: bool = False) -> list[str]:
    """Names from a byline or author field: "By A and B, Site" -> ["A", "B"].

    Drops URLs and profile paths, e-mail addresses, @handles, user-name slugs,
    credentials ("MD"), roles ("AP Sports Writer", "Staff") and the site's own
    name. With `byline=True` (visible text) the string is cut where bylines
    glue on dates: the first digit, a month or weekday name, "Updated".
    """
    s = _text(value, limit=500)
    if not s or "://" in s or s.lower().startswith(("www.", "/", "http")):
        return []
    if byline:
        s = _BYLINE_CUT.split(s, maxsplit=1)[0]
    if "@" in s:
        s = _HANDLE.sub(" ", _EMAIL.sub(" ", s))
    out: list[str] = []
    # the regexes below cost ~0.3-1 us each on a name: cheap substring tests first decide most
    for part in _AUTHOR_SPLIT.split(s) if _AUTHOR_SEP.search(s) else (s,):
        if not part:
            continue
        part = part.strip(" .:-–—()[]\"'")
        low = part.lower()
        if ":" in part or (
            ("by" in low or "von" in low or "par" in low or "por" in low) and _BY_HINT.search(low)
        ):  # cheap tests before the prefix pattern
            part = _BY_PREFIX.sub("", part).strip(" .:-–—()[]\"'")
        if not part.isascii():
            part = _KO_ROLE.sub("", part).strip()
        if not part or len(part) > 60 or part.count(" ") > 4:
            continue
        low = part.lower()
        if _looks_like_url(part) or _SLUG.match(part):
            continue
        if _HAS_DIGIT.search(part) or (
            part.lower() == part.upper() if part.isascii() else not any(ch.isalpha() for ch in part)
        ):  # (an ASCII string has a letter exactly when its cases differ)
            continue
        words = [w.strip(".,") for w in low.split()]
        if words[-1] in _ROLE_TAIL or all(w in _ROLE_WORDS for w in words):
            continue
        if len(words) == 1 and words[0] in _CREDENTIALS:
            continue
        if site_keys and _is_site(part, site_keys, loose=True):
            continue
        out.append(part)
    return out


# --------------------------------------------------------------------------- JSON-LD

_ARTICLE_TYPES = frozenset(
    "NewsArticle Article ReportageNewsArticle BlogPosting AnalysisNewsArticle OpinionNewsArticle "
    "BackgroundNewsArticle ReviewNewsArticle AskPublicNewsArticle SatiricalArticle LiveBlogPosting "
    "Report ScholarlyArticle TechArticle SocialMediaPosting".split()
)
_ORG_TYPES = frozenset("Organization NewsMediaOrganization WebSite Corporation".split())
_MAX_NODES = 400


def _types(node: dict) -> set[str]:
    t = node.get("@type")
    items = t if isinstance(t, list) else [t]
    out = set()
    for item in items[:10]:
        if isinstance(item, str):
            out.add(item.rsplit("/", 1)[-1].rsplit(":", 1)[-1])
    return out


_DECODER = json.JSONDecoder(strict=False)  # stateless; json.loads(s, strict=False) builds one per call


def _loads(raw: str) -> list[Any]:
    """Parse a JSON-LD script body, tolerating the usual breakage."""
    s = raw.strip()
    if not s:
        return []
    if s.startswith("<!--") or s.startswith("<![CDATA["):
        s = re.sub(r"^\s*(?:<!--|<!\[CDATA\[)|(?:-->|\]\]>)\s*$", "", s).strip()
    try:  # orjson is ~2.5x faster than json; it accepts only strict JSON, where json gives the same value...
        obj = orjson.loads(s)
    except ValueError:  # NaN, raw control characters, lone surrogates, trailing garbage: json's turn
        pass
    else:
        if _exact(obj):  # ...unless orjson rounded a >64-bit integer to a float or nested deeper than json can
            return [obj]
    try:
        return [_DECODER.decode(s)]
    except (ValueError, RecursionError):
        pass
    fixed = re.sub(r",\s*([}\]])", r"\1", s)  # trailing commas
    try:
        return [_DECODER.decode(fixed)]
    except (ValueError, RecursionError):
        pass
    # several objects back to back, or garbage after the first one
    out: list[Any] = []
    dec = json.JSONDecoder(strict=False)
    pos, n = 0, len(fixed)
    while pos < n and len(out) < 20:
        while pos < n and fixed[pos] not in "{[":
            pos += 1
        if pos >= n:
            break
        try:
            obj, end = dec.raw_decode(fixed, pos)
        except (ValueError, RecursionError):
            break
        out.append(obj)
        pos = end
    if out:
        return out
    return [_salvage(s)]


_BIG = float(2**63)  # orjson reads integer literals outside [-2**63, 2**64) as floats, json as ints


def _exact(obj: Any, depth: int = 0) -> bool:
    """Would json have decoded the text orjson turned into `obj` to an equal value?

    Yes unless `obj` holds a float of 2**63 or more (maybe an integer literal
    json keeps exact) or nests more than 100 deep (json may hit the recursion
    limit there, and the caller then salvages instead). Visits every container
    once: ~2 us for a typical JSON-LD script, against ~4 us saved by orjson.
    """
    if depth > 100:
        return False
    t = type(obj)
    if t is float:
        return -_BIG < obj < _BIG
    if t is not dict and t is not list:
        return True
    for v in obj.values() if t is dict else obj:
        t = type(v)
        if t is dict or t is list:
            if not _exact(v, depth + 1):
                return False
        elif t is float and not -_BIG < v < _BIG:
            return False
    return True


_SALVAGE_KEYS = ("@type", "headline", "name", "description", "datePublished", "articleBody", "inLanguage")
_STRING_VALUE = r'"%s"\s*:\s*"((?:[^"\\]|\\.){0,100000})"'


def _salvage(s: str) -> dict:
    """Pull the plain string fields out of JSON too broken to parse."""
    node: dict[str, Any] = {}
    for key in _SALVAGE_KEYS:
        m = re.search(_STRING_VALUE % re.escape(key), s[:2_000_000])
        if m:
            try:
                node[key] = json.loads('"' + m.group(1) + '"', strict=False)
            except ValueError:
                node[key] = m.group(1)
    m = re.search(r'"author"\s*:\s*(?:\[\s*)?\{[^{}]{0,2000}?"name"\s*:\s*"((?:[^"\\]|\\.){1,200})"', s[:2_000_000])
    if m:
        node["author"] = {"name": m.group(1)}
    return node


class _JsonLd:
    """The article node and the organisations found in a page's JSON-LD."""

    __slots__ = ("article", "orgs", "ids", "count", "dated")

    def __init__(self) -> None:
        self.article: dict | None = None
        self.dated: list[Any] = []  # datePublished of other nodes (WebPage, ClaimReview ...), in order
        self.orgs: list[dict] = []
        self.ids: dict[str, dict] = {}
        self.count = 0

    def walk(self, obj: Any, depth: int = 0) -> None:
        if depth > 8 or self.count > _MAX_NODES:
            return
        if isinstance(obj, list):
            for item in obj[:100]:
                self.walk(item, depth + 1)
            return
        if not isinstance(obj, dict):
            return
        self.count += 1
        ident = obj.get("@id")
        if isinstance(ident, str) and len(obj) > 1:
            self.ids.setdefault(ident, obj)
        types = _types(obj)
        if types & _ARTICLE_TYPES:
            if self.article is None or (not _has_text(self.article) and _has_text(obj)):
                self.article = obj
        elif types & _ORG_TYPES:
            self.orgs.append(obj)
        elif "datePublished" in obj and len(self.dated) < 5:
            self.dated.append(obj["datePublished"])
        for key in ("@graph", "mainEntity", "itemReviewed", "about"):
            child = obj.get(key)
            if isinstance(child, (dict, list)):
                self.walk(child, depth + 1)

    def resolve(self, value: Any) -> Any:
        """Follow an {"@id": ...} reference to the node it names, when the page has it."""
        if isinstance(value, dict) and len(value) == 1 and isinstance(value.get("@id"), str):
            return self.ids.get(value["@id"], value)
        return value


def _read_script(ld: _JsonLd, raw: str) -> None:
    if raw and len(raw) < 5_000_000:
        for obj in _loads(raw):
            ld.walk(obj)


def _page_json_ld(tree, head_scripts: list | None) -> _JsonLd:
    """The head's JSON-LD if it has an article node, else the whole page's (first 30 scripts).

    `head_scripts` are the texts of the head's (`_head_nodes`; None without a head): a
    whole-page query costs ~25x the head's share, and about half the pages
    declare their article in the head. Otherwise the whole page's scripts are
    read, continuing after the head's (those come first in document order,
    and the walk is sequential, so the state is the same as a fresh walk over
    all of them).
    """
    ld = _JsonLd()
    i = 0
    if head_scripts is not None:
        for text in head_scripts[:30]:
            _read_script(ld, text)
            i += 1
        if ld.article is not None:
            return ld
    dom, root = _native, tree.root
    if dom is not None and root is not None:  # one C walk, the texts read without node wrappers
        for key in dom.select(root.mem_id, _LD_SIMPLE, 30)[i:30]:
            _read_script(ld, dom.text(key))
        return ld
    for script in tree.css(_LD_SCRIPT)[i:30]:
        _read_script(ld, script.text(deep=True))
    return ld


_LD_SCRIPT = 'script[type*="ld+json" i]'
_LD_SIMPLE = simple_selectors(_LD_SCRIPT)


def _has_text(node: dict) -> bool:
    return bool(node.get("headline") or node.get("articleBody"))


def _name(value: Any) -> str | None:
    if isinstance(value, dict):
        return _text(value.get("name"), 300)
    return _text(value, 300)


# --------------------------------------------------------------------------- extraction


def _meta_map(tree: LexborHTMLParser, head_metas: list[dict]) -> dict[str, list[str]]:
    """Every <meta> of the head as key -> values; key is property/name/itemprop/http-equiv, lowercased.

    Only the head is read (a whole-document query costs 4x more); body metas
    such as `itemprop=datePublished` are reached by the byline and date fallbacks.
    """
    out = _read_metas(head_metas)
    if not ("og:title" in out or "description" in out or "twitter:title" in out):
        # no head, or broken markup closed it early and pushed the metas into the body
        out = _read_metas([node.attributes for node in tree.css("meta")])
    return out


_META_ID, _SCRIPT_ID, _TITLE_ID = tag_id("meta"), tag_id("script"), tag_id("title")


def _head_nodes(head) -> tuple[list[str], list[dict], str | None]:
    """The texts of the head's JSON-LD scripts, its <meta>s' attributes and its first <title>'s text (None without one).

    What `head.css(_LD_SCRIPT)`, `head.css("meta")` and `head.css_first("title")`
    find, from one walk (`traverse` visits the same descendants in the same
    document order; `[type*="ld+json" i]` is an ASCII-case-insensitive substring
    test): three Lexbor queries cost ~2 us more than this walk of a head's ~60
    nodes. With the compiled DOM primitives, the walk and the attribute reads
    run in C and make no node wrapper; a meta's dict then holds only the
    attributes `_read_metas` reads.
    """
    dom = _native
    if dom is not None:
        scripts, metas, title = [], [], None
        for key, tid, attrs in dom.tagged_with_attributes(head.mem_id, _HEAD_BITMAP, _HEAD_ATTRS):
            if tid == _META_ID:
                metas.append(attrs)
            elif tid == _SCRIPT_ID:
                kind = attrs.get("type")
                if kind and "ld+json" in kind.lower():
                    scripts.append(dom.text(key))
            elif title is None:
                title = dom.text(key)
        return scripts, metas, title
    scripts: list = []
    metas: list = []
    title = None
    for node in head.traverse():
        tid = node.tag_id
        if tid == _META_ID:
            metas.append(node.attributes)
        elif tid == _SCRIPT_ID:
            kind = node.attributes.get("type")
            if kind and "ld+json" in kind.lower():
                scripts.append(node.text(deep=True))
        elif tid == _TITLE_ID and title is None:
            title = node.text(deep=True)
    return scripts, metas, title


_META_KEYS = frozenset(("property", "name", "itemprop", "http-equiv"))
_HEAD_BITMAP = tag_bitmap((_META_ID, _SCRIPT_ID, _TITLE_ID))
_HEAD_ATTRS = ("type", "content", "value", *sorted(_META_KEYS))  # all a head walk reads

# The <meta> keys `_extract` reads, per field, in order of preference.
_M_SITE = ("og:site_name",)
_M_APP = ("application-name", "al:android:app_name", "al:iphone:app_name")
_M_TITLE = ("og:title", "twitter:title", "headline", "dc.title", "dcterms.title", "title", "sailthru.title")
_M_DESCRIPTION = ("og:description", "twitter:description", "description", "dc.description", "dcterms.description")
_M_AUTHOR = (
    "article:author", "author", "byl", "dc.creator", "dcterms.creator", "sailthru.author", "parsely-author",
    "citation_author",
)
_M_DATE = (
    "article:published_time", "og:article:published_time", "datepublished", "og:published_time",
    "published_time", "pubdate", "publishdate", "publish-date", "article.published", "ptime",
    "sailthru.date", "parsely-pub-date", "dc.date.issued", "dcterms.issued", "dc.date", "dcterms.date",
    "date", "citation_publication_date", "article:modified_time", "og:updated_time",
)
_M_URL = ("og:url",)
_M_LOCALE = ("og:locale",)
_M_LANGUAGE = ("content-language", "language", "dc.language")
_M_TAGS = ("article:tag", "news_keywords", "keywords")
_M_IMAGE = (
    "og:image", "og:image:secure_url", "og:image:url", "twitter:image", "twitter:image:src", "image", "thumbnailurl",
)
_M_IMAGE_ALT = ("og:image:alt", "twitter:image:alt")
_META_WANTED = frozenset(
    _M_SITE + _M_APP + _M_TITLE + _M_DESCRIPTION + _M_AUTHOR + _M_DATE + _M_URL + _M_LOCALE + _M_LANGUAGE
    + _M_TAGS + _M_IMAGE + _M_IMAGE_ALT
)


def _read_metas(metas: list[dict]) -> dict[str, list[str]]:
    """The `_META_WANTED` keys of these metas (their attribute dicts): only those are ever looked up.

    Keys are usually written as wanted ("og:title"): one set look-up then
    replaces lowercasing and splitting, and the metas nobody reads (viewport,
    robots, app ids: half of them) add no list.
    """
    out: dict[str, list[str]] = {}
    for attrs in metas:
        content = attrs.get("content")
        if content is None:
            content = attrs.get("value")
        if not content:
            continue
        for attr, key in attrs.items():  # a meta has two or three attributes: cheaper than four look-ups
            if key and attr in _META_KEYS:
                for k in (key,) if key in _META_WANTED else key.lower().split()[:4]:
                    if k in _META_WANTED:
                        values = out.get(k)
                        if values is None:
                            out[k] = [content]
                        else:
                            values.append(content)
    return out


def _site_name(value: str | None) -> str | None:
    """A site name, unless the field holds a URL or a handle instead."""
    if not value or value.startswith("@") or "://" in value or value.lower().startswith("www."):
        return None
    return value


def _first(meta: dict[str, list[str]], *keys: str, limit: int = _MAX_FIELD) -> str | None:
    for key in keys:
        for value in meta.get(key, ()):
            t = _text(value, limit)
            if t:
                return t
    return None


def _select_text(tree: LexborHTMLParser, selectors: tuple[str, ...], attrs: tuple[str, ...] = ()) -> str | None:
    """Text (or one of `attrs`) of the first node any selector finds."""
    for sel in selectors:
        try:
            node = tree.css_first(sel)
        except Exception:  # an invalid selector in a user rule must not kill extraction
            continue
        if node is None:
            continue
        node_attrs = node.attributes
        for a in attrs:
            v = node_attrs.get(a)
            if v and v.strip():
                return v
        t = _text(node.text(deep=True, separator=" "))
        if t:
            return t
    return None


def _resolve_url(href: str | None, base: str | None) -> str | None:
    href = _text(href, 4000)
    if not href or href.startswith(("data:", "javascript:", "about:", "#")):
        return None
    if href.startswith(("https://", "http://")) and " " not in href:
        return href
    try:
        full = urljoin(base, href) if base else href
        parts = urlsplit(full)
    except ValueError:
        return None
    if parts.scheme in ("http", "https") and parts.netloc:
        return full
    if full.startswith("//"):
        return "https:" + full
    return None


def _image_from_ld(value: Any, ld: _JsonLd) -> tuple[str | None, str | None, str | None]:
    value = ld.resolve(value)
    if isinstance(value, list):
        for item in value[:5]:
            got = _image_from_ld(item, ld)
            if got[0]:
                return got
        return None, None, None
    if isinstance(value, str):
        return value, None, None
    if isinstance(value, dict):
        src = value.get("url") or value.get("contentUrl")
        if isinstance(src, list):
            src = next((x for x in src if isinstance(x, str)), None)
        if not isinstance(src, str):
            return None, None, None
        caption = _text(value.get("caption"), 1000) or _text(value.get("description"), 1000)
        credit = (
            _text(value.get("creditText"), 300)
            or _name(ld.resolve(value.get("copyrightHolder")))
            or _name(ld.resolve(value.get("author")))
        )
        return src, caption, credit
    return None, None, None


_TAG_SPLIT = re.compile(r"\s*[,;]\s*")
_TAG_PREFIX = re.compile(r"^(?:category|section|topic|tag|tags|keyword|keywords|subject)\s*:\s*(?:.*:)?\s*", re.I)
_ENTITY_TYPE = re.compile(r"\s+(?:[A-Z]+_)*(?:PERSON|FIGURE|ATHLETE|ORGANIZATION|PLACE|LOCATION)\b")


def _tags(values: list[Any], title: str | None = None) -> list[str]:
    out: list[str] = []
    seen: set[str] = {title.casefold()} if title else set()
    for value in values:
        items = value if isinstance(value, list) else [value]
        for item in items[:200]:
            t = _text(item, 2000)
            if not t:
                continue
            for tag in _TAG_SPLIT.split(t) if ("," in t or ";" in t) else (t,):
                if ":" in tag:
                    tag = _TAG_PREFIX.sub("", tag)
                if "PERSON" in tag or "FIGURE" in tag or "_" in tag:
                    tag = _ENTITY_TYPE.sub("", tag)
                tag = tag.strip(" #\"'")
                if not tag or tag[0] in "@/_" or len(tag.split()) > 8 or ("_" in tag and " " not in tag) or _looks_like_url(tag):
                    continue
                k = tag.casefold()
                if len(tag) <= 100 and k not in seen:
                    seen.add(k)
                    out.append(tag)
                    if len(out) >= 50:
                        return out
    return out


_CONTINUES_WITH_SEP = re.compile(r"\s*(?:[|\-–—·•»~:]|::|//)(?:\s|$)")


def _unstub(candidates: list[str], keys: tuple[str, ...]) -> str | None:
    """The first candidate without its site suffix, unless it is a truncated form of a later one.

    JSON-LD headlines are often cut at 110 characters (with or without "…")
    while og:title or <title> has the whole headline.
    """
    if not candidates:
        return None
    first = _strip_site(candidates[0], keys)
    stem = first.rstrip(".…, ")
    if len(stem) >= 20:
        for later in candidates[1:]:
            if len(later) > len(stem) + 1 and later.startswith(stem) and not _CONTINUES_WITH_SEP.match(later, len(stem)):
                return _strip_site(later, keys)
    return first


_DATE_ATTRS = ("datetime", "data-seconds", "data-timestamp", "data-date-time", "data-datetime", "content", "data-published")
# Visible fallbacks, cheapest first (attribute selectors cost Lexbor half what class lists do).
_BYLINE_SELECTORS = ('[itemprop~="author"], [rel~="author"]', ".byline, .author, .author-name, .byline__name")
_TIME_SELECTORS = (
    '[itemprop~="datePublished"]',
    "time[pubdate], article time[datetime]",
    ".publish-date, .published, .entry-date, .post-date, .article-date, .article_date, .date-published",
)


# the same lists as `native.dom.select` tuples
_BYLINE_SIMPLE = tuple(simple_selectors(s) for s in _BYLINE_SELECTORS)
_TIME_SIMPLE = tuple(simple_selectors(s) for s in _TIME_SELECTORS)


_CANONICAL = 'link[rel~="canonical" i]'
_IMAGE_SRC = 'link[rel~="image_src" i]'
_HEAD_LINKS = {sel: simple_selectors(sel) for sel in (_CANONICAL, _IMAGE_SRC)}


def _head_link(head, selector: str) -> str | None:
    """The href of the first `selector` link in the head (None without one, or without an href)."""
    dom = _native
    if dom is not None:
        found = dom.select(head.mem_id, _HEAD_LINKS[selector], 1)
        if not found:
            return None
        return next((value for _, name, value in dom.attribute_ids(found[0], ("href",)) if name == "href"), None)
    link = head.css_first(selector)
    return link.attributes.get("href") if link is not None else None


def _byline_value(node) -> str | None:
    return node.attributes.get("content") if node.tag == "meta" else node.text(deep=True, separator=" ")


def _byline_value_native(dom, key: int) -> str | None:
    """`_byline_value` of the element with this mem_id."""
    if dom.tag_id(key) == _META_ID:
        return next((value for _, name, value in dom.attribute_ids(key, ("content",)) if name == "content"), None)
    return dom.text_joined(key, " ")


def _fallback_byline(tree, keys) -> list[str]:
    """Authors from the first bylines the visible-byline selectors find (`_BYLINE_SELECTORS`)."""
    dom = _native
    root = tree.root
    if dom is not None:
        # one C walk per list, as css(selector)[:5] (the first of them is css_first's), stopping at the 5th
        for simple in _BYLINE_SIMPLE if root is not None else ():
            for key in dom.select(root.mem_id, simple, 5):
                authors = split_authors(_byline_value_native(dom, key), site_keys=keys, byline=True)
                if authors:
                    return authors
        return []
    for selector in _BYLINE_SELECTORS:
        # css_first stops at the first match: when that node gives a name (most pages with a byline),
        # the rest of the walk is saved (~10 us per selector of the list); else read the first 5 as before
        first = tree.css_first(selector)
        if first is None:
            continue
        authors = split_authors(_byline_value(first), site_keys=keys, byline=True)
        if authors:
            return authors
        for node in tree.css(selector)[:5]:  # starts with `first` again: same answer, harmless
            authors = split_authors(_byline_value(node), site_keys=keys, byline=True)
            if authors:
                return authors
    return []


def _fallback_date_text(tree) -> str | None:
    """`_select_text(tree, _TIME_SELECTORS, ...)`: the visible date fallbacks."""
    dom = _native
    root = tree.root
    if dom is None or root is None:
        return _select_text(tree, _TIME_SELECTORS, _TIME_ATTRS)
    for simple in _TIME_SIMPLE:
        found = dom.select(root.mem_id, simple, 1)  # css_first: the walk stops at the first match
        if not found:
            continue
        attrs = {name: value for _, name, value in dom.attribute_ids(found[0], _TIME_ATTRS)}
        for a in _TIME_ATTRS:
            v = attrs.get(a)
            if v and v.strip():
                return v
        t = _text(dom.text_joined(found[0], " "))
        if t:
            return t
    return None


_TIME_ATTRS = ("datetime", "content", "value")


def extract_metadata(
    tree: LexborHTMLParser, *, url: str | None = None, rule: SiteRule | None = None
) -> Metadata:
    """Read the page's own declarations into a `Metadata`. Never raises."""
    try:
        return _extract(tree, url, rule)
    except Exception:  # a metadata bug must never cost us the article body
        return Metadata()


def _extract(tree: LexborHTMLParser, url: str | None, rule: SiteRule | None) -> Metadata:
    url = url if isinstance(url, str) else None
    # JSON-LD: the head first (most sites put it there), the whole page only if that has no article
    head = tree.head
    head_scripts, head_metas, head_title = _head_nodes(head) if head is not None else (None, [], None)
    ld = _page_json_ld(tree, head_scripts)
    art = ld.article or {}
    meta = _meta_map(tree, head_metas)

    # site name first: title and author cleaning depend on it
    site_name = (  # each source read only when the ones before gave nothing
        _site_name(_first(meta, *_M_SITE, limit=200))
        or _site_name(_name(ld.resolve(art.get("publisher"))) if art else None)
        or _site_name(_first(meta, *_M_APP, limit=200))
        or _site_name(next((n for n in (_name(o) for o in ld.orgs) if n), None))
    )
    keys = _site_keys(site_name, url)

    # title
    candidates: list[str] = []
    if rule is not None and rule.title:
        t = _select_text(tree, rule.title)
        if t:
            candidates.append(t)
    for raw in (
        art.get("headline"),
        art.get("name") if not art.get("headline") else None,
        _first(meta, *_M_TITLE),
    ):
        t = _text(raw, 1000)
        if t:
            candidates.append(t)
    if head_title is None:
        title_node = tree.css_first("title")
        head_title = title_node.text(deep=True) if title_node is not None else None
    if head_title is not None:
        t = _text(head_title, 1000)
        if t:
            candidates.append(t)
    title = _unstub(candidates, keys)

    # description
    description = (
        _text(art.get("description"))
        or _first(meta, *_M_DESCRIPTION)
    )

    # authors
    authors: list[str] = []
    if rule is not None and getattr(rule, "author", ()):
        authors = split_authors(_select_text(tree, rule.author), site_keys=keys, byline=True)
    if not authors and art.get("author") is not None:
        raw_authors = ld.resolve(art.get("author"))
        for a in raw_authors[:20] if isinstance(raw_authors, list) else [raw_authors]:
            authors.extend(split_authors(_name(ld.resolve(a)), site_keys=keys))
    if not authors:
        for key in _M_AUTHOR:
            for value in meta.get(key, ())[:10]:
                authors.extend(split_authors(value, site_keys=keys))
            if authors:
                break
    if not authors:
        authors = _fallback_byline(tree, keys)
    seen: set[str] = set()
    authors = [a for a in authors if not (a.casefold() in seen or seen.add(a.casefold()))][:10]

    # published date
    published = rule_date = None
    if rule is not None and rule.date:
        rule_date = parse_date(_select_text(tree, rule.date, _DATE_ATTRS))
        if rule_date and len(rule_date) > 10:
            published = rule_date
    if not published:
        for raw in (art.get("datePublished"), art.get("dateCreated"), art.get("uploadDate"), *ld.dated):
            published = parse_date(raw[0] if isinstance(raw, list) and raw else raw)
            if published:
                break
    if not published:
        published = parse_date(
            _first(meta, *_M_DATE, limit=200)
        )
    if rule_date and not (published and published.startswith(rule_date)):
        published = rule_date  # the rule gave only a day: a meta timestamp of that day is more precise
    if not published:
        published = parse_date(_fallback_date_text(tree))

    # canonical URL
    canonical = None
    href = _head_link(head, _CANONICAL) if head is not None else None
    if href is not None:
        canonical = _resolve_url(href, url)
    if not canonical:
        canonical = _resolve_url(_first(meta, *_M_URL, limit=4000), url)
    if not canonical and art:
        mep = ld.resolve(art.get("mainEntityOfPage"))
        mep = mep.get("@id") or mep.get("url") if isinstance(mep, dict) else mep
        canonical = _resolve_url(art.get("url") if isinstance(art.get("url"), str) else None, url) or _resolve_url(
            mep if isinstance(mep, str) else None, url
        )

    # language
    lang = None
    root = tree.root
    if root is not None and root.tag == "html":
        lang = normalize_lang(root.attributes.get("lang") or root.attributes.get("xml:lang"))
    lang = (
        lang
        or normalize_lang(_first(meta, *_M_LOCALE, limit=50))
        or normalize_lang(_first(meta, *_M_LANGUAGE, limit=50))
        or normalize_lang(art.get("inLanguage") if isinstance(art.get("inLanguage"), str) else None)
    )

    # tags
    tags = _tags(
        [art.get("keywords")]
        + [v for key in _M_TAGS for v in meta.get(key, ())],
        title,
    )

    # lead image
    src, caption, credit = _image_from_ld(art.get("image") or art.get("thumbnailUrl"), ld) if art else (None, None, None)
    if not src:
        src = _first(meta, *_M_IMAGE, limit=4000)
        caption = _first(meta, *_M_IMAGE_ALT, limit=1000)
        credit = None
    if not src:
        src = _head_link(head, _IMAGE_SRC) if head is not None else None
    lead_image = None
    if src:
        resolved = _resolve_url(src, url) or (_text(src, 4000) if url is None and not src.startswith("data:") else None)
        if resolved:
            lead_image = Image(src=resolved, caption=caption, credit=credit)

    body = art.get("articleBody")
    if isinstance(body, list):
        body = "\n\n".join(x for x in body if isinstance(x, str))
    json_ld_body = body.strip() or None if isinstance(body, str) else None
    ld_type = None
    if art:
        types = _types(art)
        ld_type = next((t for t in _ARTICLE_PRIORITY if t in types), None) or (sorted(types)[0] if types else None)

    return Metadata(
        title=title,
        description=description,
        authors=authors,
        published_at=published,
        site_name=site_name,
        canonical_url=canonical,
        lang=lang,
        tags=tags,
        lead_image=lead_image,
        json_ld_body=json_ld_body,
        json_ld_type=ld_type,
    )


_ARTICLE_PRIORITY = (
    "NewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle", "OpinionNewsArticle", "BackgroundNewsArticle",
    "ReviewNewsArticle", "LiveBlogPosting", "BlogPosting", "Article",
)
