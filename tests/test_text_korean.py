"""CJK-aware measures and Korean tail lines."""

from __future__ import annotations

import pytest

from service.korean import cjk_count, is_cjk_heavy, korean_tail_reason, text_len, word_count


def test_text_len_counts_cjk_double():
    assert text_len("abc") == 3
    assert text_len("한국어") == 6
    assert text_len("  한국 ab  ") == 7  # 2 syllables x2 + space + 2 letters


def test_word_count_hangul_by_eojeol_han_by_pairs():
    assert word_count("한미 양국은 관세 협상을 이어갔다.") == 5
    assert word_count("中文新闻报道") == 3
    assert word_count("Seoul and Washington") == 3
    assert word_count("") == 0


def test_cjk_heaviness():
    assert is_cjk_heavy("한미 양국은 관세 협상을 이어갔다. USFK")
    assert not is_cjk_heavy("Seoul said 관세 talks resume next week with Washington")
    assert not is_cjk_heavy("1234 !!!")
    assert cjk_count("a한b中c") == 2


@pytest.mark.parametrize(
    "line",
    [
        "무단전재 및 재배포 금지",
        "무단 전재 및 재배포 금지",
        "무단전재 배포금지",
        "<저작권자(c) 연합뉴스, 무단 전재-재배포, AI 학습 및 활용 금지>",
        "ⓒ 매일경제 & mk.co.kr, 무단 전재, 재배포 및 AI학습 이용 금지",
        "Copyright © 한국경제. All rights reserved.",
        "기사제보 및 보도자료 press@example.co.kr",
        "▶ 제보는 카카오톡 okjebo",
        "홍길동 기자 hong@example.co.kr",
        "김철수 특파원",
        "(워싱턴=김철수 특파원)",
    ],
)
def test_korean_tail_lines(line):
    assert korean_tail_reason(line) == "korean_tail"


@pytest.mark.parametrize(
    "line",
    [
        "정부는 오늘 무단전재를 금지하는 법안을 발표했다고 밝혔다. 이 법안은 내년부터 시행된다.",
        "(서울=연합뉴스) 김철수 기자 = 정부는 10일 한미 관세 협상 결과를 발표했다.",
        "기자회견에서 대통령은 관세 문제를 언급했다.",
        "한미 정상회담 다음 달 개최",
    ],
)
def test_korean_article_lines_are_not_tails(line):
    assert korean_tail_reason(line) is None
