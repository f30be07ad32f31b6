"""The compiled fingerprint (service/native/fingerprint.pyx) gives the Python code's result on every input.

Compared on the bodies of the benchmark pages and seeds, on every code point
(each block of the case-folding table it loads), at the cut points of the
Python code (1800 and 2400 characters), on awkward strings, and on generated
text. The Python functions `_fingerprint_py` and `_features_py` are the
reference; `fingerprint` and `features` dispatch to the compiled code.
"""

from __future__ import annotations

import glob
import gzip
import os
import random
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import service
from service import fingerprint as fp
from service import native
from conftest import SHARED

if native.load("fingerprint") is None and os.environ.get("WINNOW_NATIVE") != "1":
    pytest.skip(f"compiled fingerprint not available ({native.STATUS})", allow_module_level=True)

PAGES = sorted(glob.glob(os.path.join(SHARED, "datasets", "scrapinghub", "html", "*.html.gz")))
SEEDS = sorted(glob.glob(os.path.join(SHARED, "seeds", "*")))
NATIVE = fp._native


def same(text) -> None:
    """The compiled code (or its fallback to Python, for Han/kana) matches the Python reference."""
    assert fp.fingerprint(text) == fp._fingerprint_py(text), repr(text[:200])
    assert fp.features(text) == fp._features_py(text), repr(text[:200])


def test_compiled_code_is_used():
    assert NATIVE is not None
    assert NATIVE.fingerprint("Seoul and Washington agreed") == fp._fingerprint_py("Seoul and Washington agreed")
    # the cases it leaves to Python
    assert NATIVE.fingerprint("東京で会議") is None and NATIVE.features("ひらがな") is None

    class Str(str):
        pass

    assert NATIVE.fingerprint(Str("a subclass")) is None
    assert fp.fingerprint(Str("a subclass")) == fp._fingerprint_py("a subclass")


def test_not_a_str_fails_as_in_python():
    for bad in (None, b"bytes", 3):
        with pytest.raises(Exception) as compiled:
            fp.fingerprint(bad)
        with pytest.raises(Exception) as python:
            fp._fingerprint_py(bad)
        assert type(compiled.value) is type(python.value)


@pytest.mark.skipif(not PAGES, reason="shared scrapinghub set not present")
def test_pages_and_seeds(monkeypatch):
    """Bodies of all benchmark pages and seeds: the same fingerprint, and the same articles from clean()."""
    checked = 0
    for path in PAGES + SEEDS:
        with open(path, "rb") as f:
            raw = f.read()
        if path.endswith(".gz"):
            raw = gzip.decompress(raw)
        try:
            article = service.clean(raw)
        except service.UnprocessablePage:
            continue
        same(article.text)
        compiled = article.to_dict()
        with monkeypatch.context() as m:
            m.setattr(fp, "_native", None)
            assert service.clean(raw).to_dict() == compiled, path
        checked += 1
    assert checked >= len(PAGES)


def test_every_code_point():
    """Each code point at a word's start, inside it, and next to punctuation; 70 a text (every fold block loads)."""
    for start in range(0, 0x110000, 70):
        same(" ".join(f"{c}x{c}Y «{c}»" for c in map(chr, range(start, min(start + 70, 0x110000)))))


def test_awkward_strings():
    cases = [
        "",
        " ",
        " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2003\u2028\u2029\u202f\u205f\u3000",
        "word",
        "the",
        "the of and",
        "...",
        "’",
        "'’'",
        "don’t DON'T Don’t",
        "“Quoted” «guillemets» ‘single’ (paren) [bracket] {brace} <angle> — dash – en … ellipsis",
        "$55.7 €12 £3 ¥9 100% #tag @user a+b=c ~x `y` ^z &amp; •bullet· 2024 1999s 3rd",
        "Straße STRASSE straße ﬁne ﬃ İstanbul ΣΊΣΥΦΟΣ σίσυφος ß ŉ ǰ ΐ",
        "Ünïcödé naïve café résumé Ελληνικά Кириллица 한국어 텍스트 עברית العربية हिन्दी ไทย",
        "emoji 😀 👍🏽 🇰🇷 family 👨‍👩‍👧 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𐐀𐐨 Deseret",
        "lone \ud800 surrogates \udfff x\ud83d\ude00y \udc80",
        "NUL\x00inside \x00 \x01\x02 control\x7f",
        "zero\u200bwidth\u200c\u200d\ufeff joiners",
        "a\u00a0b c\u2003d e\u3000f",
        "\u30fc long vowel mark alone",
        "x" * 5000,
        "word " * 1000,
        ". " * 3000,
        "’ " * 3000,
    ]
    for text in cases:
        same(text)
        same(text.upper())
        same(text.title())


def test_the_cut_points():
    """Words across the 1800 (first part) and 2400 (head) characters the Python code cuts at."""
    rnd = random.Random(1800)
    words = ["alpha", "Beta", "gamma,", "“delta”", "épée", "ΣΟΦΙΑ", "the", "of", "42", "x’s", "한국"]
    for target in (1798, 1799, 1800, 1801, 1802, 2398, 2399, 2400, 2401, 2402):
        for pad in range(0, 9):
            for sep in (" ", "\xa0", "\u3000", "\n"):
                filler = "a" * (target - pad)
                text = filler + sep + sep.join(rnd.choice(words) for _ in range(40))
                same(text)
                same(" ".join(["word%d" % i for i in range(target // 8)]) + sep + "Tail tail" * pad)
        # Han or kana exactly at the head's last character, and just after it
        base = "word " * 600
        same(base[: target - 1] + "字" + "more words")
        same(base[:2399] + "字")
        same(base[:2400] + "字")


def test_lead_word_limit_counts_repeats():
    """LEAD_WORDS counts content words with repeats, before taking the distinct ones."""
    for n in (148, 149, 150, 151, 152):
        same(" ".join(["same"] * n + ["late" + str(i) for i in range(5)]))
        same(" ".join(f"w{i % 7}z" for i in range(n)) + " tail")
        same(" ".join(f"w{i}z" for i in range(n)) + " the of tail")


_ALPHABET = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    + fp._PUNCT
    + "’‘“” \t\n\xa0\u2003\u3000\u2028\x1c\x85"
    + "éèêëçñßÆØÅİıŉǅǰ"
    + "ΑΒΓΣσςΐΰ"
    + "АБВЖЩабвжщЁё"
    + "한국어가나다"
    + "字東京ひらカナ"
    + "😀👍🏽𐐀𝔘\U0001e900"
    + "\ud800\udfff\ud83d\ude00\x00\u200b\ufeff"
)
_WORDS = ["the", "of", "and", "said", "Seoul", "tariffs", "officials", "Straße", "naïve", "Σίσυφος", "don’t"]


@st.composite
def texts(draw):
    parts = draw(
        st.lists(
            st.one_of(
                st.text(alphabet=_ALPHABET, max_size=30),
                st.sampled_from(_WORDS),
                st.sampled_from([" ", "  ", "\n", "\xa0", "\u3000"]),
                st.text(max_size=10),  # anything, lone surrogates included
            ),
            max_size=400,
        )
    )
    text = draw(st.sampled_from(["", " ", "\n"])).join(parts)
    # mostly without Han/kana, which the compiled code leaves to Python
    return fp._HAN_KANA_RE.sub("", text) if draw(st.integers(0, 4)) else text


@settings(max_examples=400, deadline=None)
@given(texts())
def test_generated_text(text):
    same(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=3000))
def test_any_text(text):
    same(text)
    same(fp._HAN_KANA_RE.sub("", text))


def test_random_texts():
    """Seeded random texts around the head length (the 100k-text run in the report used the same generator)."""
    rnd = random.Random(20261122)
    for _ in range(3000):
        same(random_text(rnd))


def random_text(rnd: random.Random) -> str:
    """Words from mixed scripts, punctuation around them, assorted whitespace, sometimes past 2400 characters."""
    length = rnd.choice([0, 1, 5, 50, 300, 1500, 1790, 1800, 1810, 2390, 2400, 2410, 4000])
    out = []
    size = 0
    while size < length:
        kind = rnd.random()
        if kind < 0.5:
            word = "".join(rnd.choice(string.ascii_letters) for _ in range(rnd.randint(1, 9)))
        elif kind < 0.6:
            word = rnd.choice(_WORDS)
        elif kind < 0.9:
            word = "".join(rnd.choice(_ALPHABET) for _ in range(rnd.randint(1, 8)))
        else:
            word = "".join(chr(rnd.randint(0, 0x10FFFF)) for _ in range(rnd.randint(1, 4)))
        if rnd.random() < 0.3:
            word = rnd.choice(fp._PUNCT + "’") + word
        if rnd.random() < 0.3:
            word += rnd.choice(fp._PUNCT + "’")
        out.append(word)
        out.append(rnd.choice([" ", " ", " ", "  ", "\n", "\xa0", "\u2003", "\u3000", "\t"]))
        size += len(word) + 1
    text = "".join(out)
    # mostly without Han/kana, which the compiled code leaves to Python
    return fp._HAN_KANA_RE.sub("", text) if rnd.random() < 0.8 else text
