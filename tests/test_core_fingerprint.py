"""Near-duplicate fingerprints: syndicated copies close, unrelated articles far."""

from __future__ import annotations

from pathlib import Path

from service.fingerprint import distance, features, fingerprint
from service.text.extract import extract_text

SEEDS = Path(__file__).resolve().parents[1] / ".." / "shared" / "seeds"


def body(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return extract_text(path.read_text(encoding="utf-8"), url=None).text


def test_fingerprint_shape_and_determinism():
    fp = fingerprint("Seoul and Washington agreed on tariffs.")
    assert len(fp) == 16 and int(fp, 16) >= 0
    assert fp == fingerprint("Seoul and Washington agreed on tariffs.")
    assert fingerprint("") == "0" * 16
    assert fingerprint("the of and") == "0" * 16  # stop words only


def test_case_and_punctuation_do_not_matter():
    a = "Seoul and Washington agreed on tariffs, officials said."
    b = "SEOUL AND WASHINGTON AGREED ON TARIFFS -- OFFICIALS SAID"
    assert distance(fingerprint(a), fingerprint(b)) == 0


def test_distance():
    assert distance("0" * 16, "f" * 16) == 64
    assert distance("00000000000000ff", "0000000000000000") == 8


def test_syndicated_copy_is_much_closer_than_an_unrelated_article():
    # 001 is the original piece; 000 is a reworded repost with more paragraphs; 002-004 are other
    # articles on the same topic (Korea-US relations), so only the words tell them apart.
    fps = {p: fingerprint(body(p)) for p in ("000", "001", "002", "003", "004")}
    near = distance(fps["000"], fps["001"])
    far = [distance(fps["000"], fps[p]) for p in ("002", "003", "004")]
    assert near <= 16
    assert near * 1.5 < min(far)
    assert distance(fps["000"], fps["001"]) * 2 < distance(fps["000"], fps["004"])


def test_small_edits_move_few_bits():
    text = body("002")
    edited = text.replace("Trump", "the president", 3).replace("South Korea", "Korea", 2)
    assert distance(fingerprint(text), fingerprint(edited)) <= 8


def test_only_the_lead_counts():
    text = body("004")
    assert features(text) == features(text + " " + body("003"))


def test_case_folding_neither_makes_nor_unmakes_han_kana_or_whitespace():
    # features() tests for Han/kana and splits before case folding; that is only the same as
    # after folding if folding keeps both properties, which is checked here on every code point
    from service.fingerprint import _HAN_KANA_RE

    bad = []
    for cp in range(0x110000):
        c = chr(cp)
        f = c.casefold().replace("\u2019", "'")
        if (_HAN_KANA_RE.search(c) is None) != (_HAN_KANA_RE.search(f) is None):
            bad.append(cp)
        elif c.isspace():
            if f != c:
                bad.append(cp)
        elif not f or any(x.isspace() for x in f):
            bad.append(cp)
    assert bad == []
