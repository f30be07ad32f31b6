"""line_reason and its helpers: chrome lines are named, article lines are not."""

from __future__ import annotations

import pytest

from service.text import lines as L

CHROME = [
    ("Legal Disclaimer:", "disclaimer"),
    (
        "MENAFN provides the information “as is” without warranty of any kind. We do not accept any "
        "responsibility or liability for the accuracy, content, images, videos, licenses, completeness.",
        "disclaimer",
    ),
    ("Jae youngBy Jae youngJuly 10, 2025No Comments6 Mins Read", "byline"),
    ("By Jane Doe", "byline"),
    ("By Jane Doe and John Roe | March 3, 2024", "byline"),
    ("5 min read", "byline"),
    ("Share Facebook Twitter Pinterest LinkedIn Tumblr Email", "share"),
    ("Facebook X (Twitter) Instagram", "share"),
    ("Follow Us", "share"),
    ("Google News Flipboard Threads", "share"),
    ("Share.", "share"),
    ("To write comments, please log in to one of the accounts.", "comment_prompt"),
    ("Leave A Reply Cancel Reply", "comment_prompt"),
    ("No comment", "comment_prompt"),
    ("12 Comments", "comment_prompt"),
    ("Standards Board Policy (0/250자)", "comment_prompt"),
    ("![A caption [AP]](https://example.com/a.jpg)", "image_markdown"),
    ("[![alt](https://example.com/a.jpg)](https://example.com/big.jpg)", "image_markdown"),
    ("Credit: Official White House Photo by Daniel Torok", "credit"),
    ("Photo: Reuters", "credit"),
    ("사진=연합뉴스", "credit"),
    ("© 2025 Koreathread. Designed by CXNEST.", "copyright"),
    ("Copyright 2024 Example Media Inc. All rights reserved.", "copyright"),
    ("무단전재 및 재배포 금지", "korean_tail"),
    ("홍길동 기자 hong@example.co.kr", "korean_tail"),
    ("Trans-Pacific View | Diplomacy | East Asia", "breadcrumb"),
    ("Home»Breaking»July: A defining month for Korea-US alliance", "breadcrumb"),
    ("Home > World > Asia", "breadcrumb"),
    ("July 10, 2025", "date"),
    ("adminJuly 10, 2025", "date"),
    ("Updated: 2025-07-10 14:30 KST", "date"),
    ("입력 2025.07.10 14:30", "date"),
    ("Thursday, 10 July 2025", "date"),
    ("Related Posts", "chrome_heading"),
    ("What's Hot", "chrome_heading"),
    ("About Us", "chrome_heading"),
    ("Don't Miss", "chrome_heading"),
    ("관련기사", "chrome_heading"),
    ("Close Menu", "menu"),
    ("Type above and press Enter to search. Press Esc to cancel.", "menu"),
    ("Advertisement", "menu"),
    ("Tags: Korea, Trade, Tariffs", "tags"),
    ("Read more: Seoul and Washington agree on tariffs", "read_more"),
    ("Sign up for our daily newsletter to get the news first.", "newsletter"),
    ("https://www.example.com/assets/images/logo.png", "url"),
    ("This website uses cookies to improve your experience while you navigate through the website.", "cookie"),
    ("Privacy Overview", "chrome_heading"),
    ("Advert", "menu"),
    ("Milan Griffes on September 12, 2018 at 4:47 pm said:", "comment"),
    ("Comments are closed.", "comment_prompt"),
    ("2 days ago at 07:52 am", "date"),
    ("thelastchargersfan says:", "comment"),
    ("34 responses to “Anthony Lynn: We needed to win this game”", "comment_prompt"),
]

ARTICLE = [
    "What the US needs",
    "Why Korea needs a multi-alignment strategy",
    "July: A defining month for Korea-US alliance",
    "Trump's emphasis on allies' burden-sharing has also been a source of tension.",
    "Yonhap",
    "Amid this dilemma, a multi-alignment strategy emerges as the only sustainable solution.",
    "Wang Son-taek is an adjunct professor at Sogang University. He is a former diplomatic correspondent at YTN "
    "and a former research associate at Yeosijae. The views expressed here are the writer’s own. — Ed.",
    "Watch: aespa Takes 2nd Win For “Dirty Work” On “M Countdown”; Performances By SUPER JUNIOR, BABYMONSTER, And More",
    "Stand By Me: the song that defined 1961",
    "The share of exports going to China fell in 2024, the ministry said on Facebook.",
    "Comments by the minister on July 10, 2025 drew criticism from the opposition.",
    "Korea - US relations",
    "정부는 오늘 무단전재를 금지하는 법안을 발표했다고 밝혔다. 이 법안은 내년부터 시행된다.",
    "(서울=연합뉴스) 김철수 기자 = 정부는 10일 한미 관세 협상 결과를 발표했다.",
    "The report was published on July 10, 2025, after months of talks between Seoul and Washington.",
    "Related to this, Seoul also asked for an exemption on steel.",
    "Europe uses cookies in a different way, the commission said.",
    "He said on July 10, 2025 that the talks had stalled and he said:",
    "See https://example.com/report for the full report.",
    "By the numbers",
    "The minister says:",
    "Here is what the president of the United States of America said:",
    "By July 10, 2025, the deal must be signed.",
    "By Monday the talks had collapsed.",
    "Copyright infringement lawsuits rose sharply in 2024, the report said.",
    "The 2 comments he made were read aloud in court.",
    "x" * 5000,
]


@pytest.mark.parametrize("line,reason", CHROME)
def test_chrome_lines_get_their_reason(line, reason):
    assert L.line_reason(line) == reason


@pytest.mark.parametrize("line", ARTICLE)
def test_article_lines_have_no_reason(line):
    assert L.line_reason(line) is None


def test_empty_line():
    assert L.line_reason("   ") == "empty"


@pytest.mark.parametrize(
    "text,iso",
    [
        ("July 10, 2025", "2025-07-10"),
        ("Jae youngBy Jae youngJuly 10, 2025No Comments6 Mins Read", "2025-07-10"),
        ("10 Sept. 2024", "2024-09-10"),
        ("2025.7.3 09:00", "2025-07-03"),
        ("2025년 7월 10일", "2025-07-10"),
        ("Feb 30, 2025 then March 1, 2025", "2025-03-01"),
        ("no date here, only 2nd and 3rd", None),
    ],
)
def test_parse_date(text, iso):
    assert L.parse_date(text) == iso


@pytest.mark.parametrize(
    "line,authors",
    [
        ("Jae youngBy Jae youngJuly 10, 2025No Comments6 Mins Read", ["Jae young"]),
        ("By Jane Doe and John Roe | March 3, 2024", ["Jane Doe", "John Roe"]),
        ("By Kim Tong-hyung, Associated Press", ["Kim Tong-hyung"]),
        ("Nothing here", []),
    ],
)
def test_byline_authors(line, authors):
    assert L.byline_authors(line) == authors


def test_image_markdown_keeps_brackets_in_alt():
    alt, src = L.image_markdown("![Trump in the Rose Garden on April 2. [REUTERS/YONHAP]](https://x.test/a.jpg)")
    assert alt == "Trump in the Rose Garden on April 2. [REUTERS/YONHAP]"
    assert src == "https://x.test/a.jpg"
    assert L.image_markdown("!Important notice") is None


def test_normalize_strips_bullets_digits_and_case():
    assert L.normalize("  1. Related Posts: ") == "related posts"
    assert L.normalize("• Don’t Miss 👗") == "don't miss"


def test_conservative_on_real_article_text():
    """Every line of the ScrapingHub ground-truth bodies (4,363 lines of real article text) is a
    potential false positive: line_reason may flag only a few (affiliate links, agency copyright
    lines that the ground truth happens to keep), and never a line of prose."""
    import json
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / ".." / "shared" / "datasets" / "scrapinghub" / "ground-truth.json"
    if not path.exists():
        pytest.skip("shared dataset not available")
    truth = json.loads(path.read_text(encoding="utf-8"))
    lines = [ln.strip() for v in truth.values() for ln in v["articleBody"].split("\n") if ln.strip()]
    flagged = [(ln, L.line_reason(ln)) for ln in lines]
    flagged = [(ln, r) for ln, r in flagged if r]
    assert len(lines) > 4000
    assert len(flagged) < 0.015 * len(lines)
    prose = [(ln, r) for ln, r in flagged if len(ln) >= 150 and r not in ("copyright", "korean_tail", "disclaimer")]
    assert prose == []
