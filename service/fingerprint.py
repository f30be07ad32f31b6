"""Near-duplicate fingerprints: a 64-bit SimHash of the body's leading content words.

Syndicated news arrives many times: the same piece reposted, excerpted or
lightly reworded by another outlet. Exact hashes miss those copies; a SimHash
keeps them closer in Hamming distance than unrelated articles, which differ in
about half of the 64 bits. Copies share their lead far more than their tails
(excerpts cut the end, reposts append their own), so only the first
LEAD_WORDS content words (stop words and numbers dropped) count, as a set:
rewording changes some words, but the set overlap stays high. Tokens are hashed
with blake2b, so fingerprints are stable across processes and Python versions.
"""

from __future__ import annotations

import operator
import re
from hashlib import blake2b
from itertools import filterfalse, islice

from .text.vocab import STOP_WORDS

BITS = 64
LEAD_WORDS = 250
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Words start with a letter (numbers carry little identity and change between copies).
_WORD_RE = re.compile(f"[{_CJK}]{{1,2}}|[^\\W\\d_{_CJK}][^\\W_{_CJK}]*")
_HAN_KANA_RE = re.compile(f"[{_CJK}]")
# Punctuation and digits around a word ("tariffs," "$55.7" "(2024)") do not make it another word.
_STRIP = operator.methodcaller("strip", "0123456789.,;:!?\"'“”‘«»()[]{}<>/\\|-–—_*#%$€£¥+=~`^&@…·•")
# For each bit of a byte, the translate table that maps a byte to 1 when that bit is set.
_BIT_TABLES = tuple(bytes((v >> b) & 1 for v in range(256)) for b in range(8))


def features(text: str) -> set[str]:
    """The distinct content words among the first LEAD_WORDS of `text` (case-folded)."""
    head = text[: LEAD_WORDS * 16].casefold().replace("’", "'")
    if _HAN_KANA_RE.search(head):
        words = _WORD_RE.findall(head)  # Han/kana are not space-separated: character pairs
    else:
        words = filter(None, map(_STRIP, head.split()))  # C-level; much faster than a regex here
    return set(islice(filterfalse(STOP_WORDS.__contains__, words), LEAD_WORDS))


def fingerprint(text: str) -> str:
    """The SimHash of `text` as 16 hex digits ("0" * 16 for text without words)."""
    feats = features(text)
    if not feats:
        return "0" * 16
    # blake2b digests are little-endian byte strings: byte i of every digest sits at i::8.
    raw = b"".join(blake2b(f.encode("utf-8", "surrogatepass"), digest_size=8).digest() for f in feats)
    half = len(feats) / 2
    value = 0
    for byte_index in range(8):
        column = raw[byte_index::8]
        for bit in range(8):
            if column.translate(_BIT_TABLES[bit]).count(1) > half:
                value |= 1 << (byte_index * 8 + bit)
    return f"{value:016x}"


def distance(a: str, b: str) -> int:
    """Hamming distance between two fingerprints (0 = same, ~32 = unrelated)."""
    return (int(a, 16) ^ int(b, 16)).bit_count()
