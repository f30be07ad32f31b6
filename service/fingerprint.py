"""Near-duplicate fingerprints: a 64-bit SimHash of the body's leading content words.

Syndicated news arrives many times: the same piece reposted, excerpted or
lightly reworded by another outlet. Exact hashes miss those copies; a SimHash
keeps them closer in Hamming distance than unrelated articles, which differ in
about half of the 64 bits. Copies share their lead far more than their tails
(excerpts cut the end, reposts append their own), so only the first
LEAD_WORDS content words (stop words and numbers dropped) count, as a set:
rewording changes some words, but the set overlap stays high.

Each word gets 64 stable bits from two CRC-32s computed in C over all words at
once: one of the word's UTF-8 bytes, one of those bytes through a fixed byte
permutation (CRC is linear; the permutation makes the second half a different,
non-linear function of the word, not a transform of the first). No per-word
Python hashing call, and fingerprints are the same in every process and
Python version (zlib's CRC-32 is fixed; the permutation is a constant derived from blake2b).
"""

from __future__ import annotations

import re
import struct
from hashlib import blake2b
from itertools import filterfalse, islice, repeat
from zlib import crc32

from .native import load as _load_native
from .text.vocab import STOP_WORDS

BITS = 64
LEAD_WORDS = 150
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Words start with a letter (numbers carry little identity and change between copies).
_WORD_RE = re.compile(f"[{_CJK}]{{1,2}}|[^\\W\\d_{_CJK}][^\\W_{_CJK}]*")
_HAN_KANA_RE = re.compile(f"[{_CJK}]")
_MAYBE_HAN_KANA_RE = re.compile("[\u3040-\ufaff]")  # holds every range of _CJK
# Punctuation and digits around a word ("tariffs," "$55.7" "(2024)") do not make it another word.
_PUNCT = "0123456789.,;:!?\"'“”‘«»()[]{}<>/\\|-–—_*#%$€£¥+=~`^&@…·•"


# Words to leave out: stop words, and the empty string a token of punctuation strips to.
_SKIP = frozenset(STOP_WORDS | {""})
_skip = _SKIP.__contains__
# No stop word has punctuation at its ends, so a token that is a stop word before stripping is one after:
# dropping those first saves the strip call on about a third of the tokens.
assert all(w.strip(_PUNCT) == w for w in _SKIP)
# A fixed permutation of the 256 byte values: the bytes ordered by their blake2b
# digests (computed once at import; a constant, the same in every process).
_PERMUTE = bytes(sorted(range(256), key=lambda v: blake2b(bytes([v]), digest_size=8, person=b"winnow-sbox").digest()))
_PERMUTED_SPACE = _PERMUTE[0x20:0x21]  # words are joined by spaces (they never contain one)


# UTF-8 lead bytes of U+3000-U+FFFF: text whose encoding has none holds no Han or kana
_LEAD_BYTES_3000_FFFF = bytes(range(0xE3, 0xF0))


def _maybe_han_kana(text: str) -> bool:
    """False only if `text` has no character in U+3040-U+FAFF.

    Checked on the UTF-8 bytes: encoding and deleting the lead bytes cost a third of
    one regex pass over the text (and a third less than 13 byte searches).
    """
    data = text.encode("utf-8", "surrogatepass")
    if len(data.translate(None, _LEAD_BYTES_3000_FFFF)) == len(data):
        return False
    return _MAYBE_HAN_KANA_RE.search(text) is not None  # one range: ~10x faster than the exact classes


# Most bodies reach LEAD_WORDS content words within this many characters (median ~1640 of the
# LEAD_WORDS * 16 taken): case-fold and split that much first, the rest only when it falls short.
_FIRST_PART = 1800


def _content_words(words: list[str], limit: int):
    """The first `limit` of `words` stripped of _PUNCT that are not in _SKIP, lazily (all C-level iterators)."""
    return islice(filterfalse(_skip, map(str.strip, filterfalse(_skip, words), repeat(_PUNCT))), limit)


def _fold(text: str) -> str:
    """Case-folded, with ’ as ' (per character: folding two parts gives the fold of the whole)."""
    return text.casefold().replace("’", "'")


def features(text: str) -> set[str]:
    """The distinct content words among the first LEAD_WORDS of `text` (case-folded)."""
    if _native is not None:
        words = _native.features(text)
        if words is not None:  # None: left to the Python code (a Han/kana head, a str subclass)
            return words
    return _features_py(text)


def _features_py(text: str) -> set[str]:
    """features() in Python: the reference for the compiled code, and the only code for Han/kana."""
    head = text[: LEAD_WORDS * 16]
    if head.isascii():  # no Han/kana and no ’; lower() is casefold() for ASCII
        fold = str.lower
    else:
        # tested before folding: folding neither makes nor unmakes a Han/kana character (checked on every code point)
        if _maybe_han_kana(head) and _HAN_KANA_RE.search(head):
            # Han/kana are not space-separated: character pairs
            return set(islice(filterfalse(_skip, _WORD_RE.findall(_fold(head))), LEAD_WORDS))
        fold = _fold
    # Split at a space, case folding is per character and keeps spaces spaces: the words of the two
    # parts are the words of the whole, so the second part is only folded and split when needed.
    cut = head.find(" ", _FIRST_PART)
    if cut < 0:
        return set(_content_words(fold(head).split(), LEAD_WORDS))  # C-level split; much faster than a regex
    kept = list(_content_words(fold(head[:cut]).split(), LEAD_WORDS))
    if len(kept) < LEAD_WORDS:
        kept += _content_words(fold(head[cut:]).split(), LEAD_WORDS - len(kept))
    return set(kept)


# bit b of every byte of an integer of up to LEAD_WORDS bytes (ANDing is one big-int operation; shifting first was two)
_BIT_MASKS = tuple(int.from_bytes(bytes([1 << b]) * LEAD_WORDS, "little") for b in range(8))


def fingerprint(text: str) -> str:
    """The SimHash of `text` as 16 hex digits ("0" * 16 for text without words)."""
    if _native is not None:
        fp = _native.fingerprint(text)
        if fp is not None:  # None: left to the Python code (a Han/kana head, a str subclass)
            return fp
    return _fingerprint_py(text)


def _fingerprint_py(text: str) -> str:
    """fingerprint() in Python: the reference for the compiled code, and the only code for Han/kana."""
    feats = _features_py(text)
    if not feats:
        return "0" * 16
    n = len(feats)
    joined = " ".join(feats).encode("utf-8", "surrogatepass")
    fmt = f"<{n}I"
    low = struct.pack(fmt, *map(crc32, joined.split(b" ")))  # bits 0-31 of every word, little-endian
    high = struct.pack(fmt, *map(crc32, joined.translate(_PERMUTE).split(_PERMUTED_SPACE)))  # bits 32-63
    half = n // 2  # (a count exceeds n/2 exactly when it exceeds n//2)
    # byte `i` of every word's 32 bits, as one integer with a byte per word: columns for bits 0-7, 8-15, ...
    columns = [int.from_bytes(packed[i::4], "little") for packed in (low, high) for i in range(4)]
    # bit j is set when more than half the words have it (bit 0 last in the string)
    bits = ["1" if (column & mask).bit_count() > half else "0" for column in columns for mask in _BIT_MASKS]
    bits.reverse()
    return f"{int(''.join(bits), 2):016x}"


# service/native/fingerprint.pyx: the same features and SimHash without a Python object per word (~9x faster
# on the benchmark bodies, ~0.1 ms of clean()). It takes the constants above rather than keeping copies.
_native = _load_native("fingerprint")
if _native is not None:
    _native.configure(_PERMUTE, _SKIP, _PUNCT, LEAD_WORDS, LEAD_WORDS * 16)


def distance(a: str, b: str) -> int:
    """Hamming distance between two fingerprints (0 = same, ~32 = unrelated)."""
    return (int(a, 16) ^ int(b, 16)).bit_count()
