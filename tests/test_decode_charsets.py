"""decode(): BOMs, declared charsets (with browser aliases), detection, binary refusal."""

from __future__ import annotations

import codecs
import gzip

import pytest

from service import clean
from service.decode import decode, declared_charset
from service.errors import UnprocessablePage

KOREAN = "한미 양국은 관세 협상을 이어가기로 했다. 정부는 오늘 공동 성명을 발표했다. 무단전재 및 재배포 금지"
HTML_KO = f'<html><head><meta charset="euc-kr"><title>뉴스</title></head><body><p>{KOREAN}</p></body></html>'


@pytest.mark.parametrize(
    "bom,codec,expected",
    [
        (codecs.BOM_UTF8, "utf-8", "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32-be"),
    ],
)
def test_bom_wins_and_is_removed(bom, codec, expected):
    text, name = decode(bom + KOREAN.encode(codec))
    assert text == KOREAN
    assert name == expected


def test_meta_charset_euc_kr_decodes_as_cp949():
    raw = HTML_KO.encode("cp949")
    text, name = decode(raw)
    assert name == "cp949"
    assert KOREAN in text


def test_cp949_only_syllables_under_declared_euc_kr():
    # "똠" and "햏" are in CP949 but not in strict EUC-KR: browsers (and we) still decode them.
    raw = '<meta charset="euc-kr"><p>똠방각하 햏햏 관세 협상</p>'.encode("cp949")
    text, name = decode(raw)
    assert "똠방각하 햏햏" in text and name == "cp949"


def test_http_equiv_content_type():
    html = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=ks_c_5601-1987"></head><body>관세 협상</body></html>'
    assert decode(html.encode("cp949")) == (html, "cp949")


@pytest.mark.parametrize(
    "label,codec",
    [("ISO-8859-1", "cp1252"), ("gb2312", "gb18030"), ("Shift_JIS", "cp932"), ("windows-1251", "cp1251"), ("utf-8", "utf-8")],
)
def test_declared_aliases(label, codec):
    assert declared_charset(f'<meta charset="{label}">'.encode()) == codec


def test_declared_latin1_is_read_as_cp1252():
    html = '<meta charset="iso-8859-1"><p>“Smart quotes” – and a café</p>'
    text, name = decode(html.encode("cp1252"))
    assert name == "cp1252" and "“Smart quotes” – and a café" in text


def test_valid_utf8_wins_over_a_wrong_declaration():
    html = '<meta charset="iso-8859-1"><p>한국어 “quotes” café</p>'
    assert decode(html.encode("utf-8")) == (html, "utf-8")


def test_undeclared_euc_kr_is_detected():
    text = (KOREAN + " 서울과 워싱턴의 관계가 중요하다는 분석이 나온다. ") * 3
    decoded, name = decode(text.encode("euc-kr"))
    assert decoded == text and name == "cp949"


def test_undeclared_cp1252_is_detected():
    text = "The minister’s “final offer” was rejected – again – by the négociateurs in Genève. " * 3
    decoded, name = decode(text.encode("cp1252"))
    assert decoded == text and name == "cp1252"


def test_utf16_without_bom():
    text = "<html><body><p>Seoul and Washington</p></body></html>"
    decoded, name = decode(text.encode("utf-16-le"))
    assert decoded == text and name == "utf-16-le"


@pytest.mark.parametrize(
    "raw",
    [
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
        b"\xff\xd8\xff\xe0" + bytes(200),
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
        gzip.compress(b"<html>hello</html>" * 100),
        b"PK\x03\x04" + bytes(100),
        bytes(range(32)) * 50,
        b"abc\x00def" * 100,
    ],
)
def test_binary_is_refused(raw):
    with pytest.raises(UnprocessablePage) as e:
        decode(raw)
    assert e.value.reason == "binary"


def test_empty_bytes_decode_to_empty_text_and_clean_says_empty():
    assert decode(b"") == ("", "utf-8")
    with pytest.raises(UnprocessablePage) as e:
        clean(b"  \n\t ")
    assert e.value.reason == "empty"


def test_mostly_utf8_with_a_broken_byte_is_utf8():
    raw = ("Seoul and Washington agreed on tariffs. " * 200).encode() + b"\xff" + " Tail text.".encode()
    text, name = decode(raw)
    assert name == "utf-8" and text.endswith(" Tail text.") and "\ufffd" in text


def test_korean_euc_kr_page_through_clean():
    body = "".join(f"<p>{KOREAN} 양국 정부는 이번 합의가 동맹을 강화할 것이라고 설명했다. {i}</p>" for i in range(5))
    raw = f'<html><head><meta charset="euc-kr"></head><body><article>{body}</article></body></html>'.encode("cp949")
    text, name = decode(raw)
    assert name == "cp949" and "양국 정부는" in text


def test_random_high_bytes_are_undecodable():
    import random

    rng = random.Random(3)
    raw = bytes(rng.randrange(0x80, 0x100) for _ in range(5000))
    with pytest.raises(UnprocessablePage) as e:
        decode(raw)
    assert e.value.reason == "undecodable"
