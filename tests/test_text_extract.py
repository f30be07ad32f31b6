"""Page-text extraction on small hand-written pages: the rules are general, not seed-shaped."""

from __future__ import annotations

import pytest

from service.errors import UnprocessablePage
from service.text.extract import extract_text

P1 = (
    "Officials from both countries met in Washington on Tuesday to discuss the future of the alliance, "
    "according to people familiar with the talks, and agreed to continue the negotiations next month."
)
P2 = (
    "The two sides did not reach a final agreement on cost sharing, but they said the meeting had been "
    "productive and that a joint statement would be issued once the remaining details were settled."
)
P3 = (
    "Analysts said the outcome would depend largely on the domestic politics of both countries, which have "
    "become more volatile in recent months as elections approach in each of them."
)


def kinds(article):
    return [(b.kind, b.text[:30]) for b in article.blocks]


def test_related_list_after_body_is_chrome_even_on_topic():
    page = "\n\n".join(
        [
            "Allies resume talks on cost sharing | Example News",
            P1,
            P2,
            P3,
            "Related Posts",
            "Seoul and Washington resume talks on troop costs",
            "March 3, 2025",
            "Korea, US agree to hold another round of tariff negotiations",
            "March 2, 2025",
        ]
    )
    article = extract_text(page, url=None)
    assert article.title == "Allies resume talks on cost sharing"
    assert article.site_name == "Example News"
    assert [b.text for b in article.blocks] == [P1, P2, P3]
    assert article.stats.removed["headline_list"] == 4
    assert article.stats.removed["chrome_heading"] == 1


def test_subheadings_lists_and_quotes_inside_the_body():
    page = "\n".join(
        [
            "Allies resume talks",
            P1,
            "What comes next",
            P2,
            "- Cost sharing for the troops stationed in the country.",
            "- Tariffs on steel, cars and semiconductors.",
            "> We will not accept an unfair deal, the minister said in a statement on Tuesday.",
            P3,
        ]
    )
    article = extract_text(page, url=None)
    assert [b.kind for b in article.blocks] == ["paragraph", "heading", "paragraph", "list_item", "list_item", "quote", "paragraph"]
    assert article.blocks[1].level == 2
    assert article.blocks[3].text == "Cost sharing for the troops stationed in the country."
    assert article.text == "\n\n".join(b.text for b in article.blocks)


def test_menus_share_rows_and_byline_around_the_body_go():
    page = "\n".join(
        [
            "Skip to content",
            "Menu",
            "• World",
            "• Business",
            "• Opinion",
            "Allies resume talks on cost sharing",
            "By Jane Doe | March 3, 2025",
            "Share Facebook Twitter Email",
            P1,
            P2,
            "Photo: Reuters",
            P3,
            "Tags: alliance, defense, cost sharing",
            "© 2025 Example Media. All rights reserved.",
        ]
    )
    article = extract_text(page, url=None)
    assert [b.text for b in article.blocks] == [P1, P2, P3]
    assert article.title == "Allies resume talks on cost sharing"
    assert article.authors == ["Jane Doe"]
    assert article.published_at == "2025-03-03"
    assert article.tags == ["alliance", "defense", "cost sharing"]
    assert article.images and article.images[0].credit == "Reuters"


def test_hard_wrapped_paragraphs_are_joined():
    wrapped = "Officials from both countries met in Washington on Tuesday to\ndiscuss the future of the alliance, according to people familiar\nwith the talks, and agreed to continue the negotiations next month."
    article = extract_text("Talks resume in Washington\n\n" + wrapped + "\n\n" + P2, url=None)
    assert article.blocks[0].text == P1
    assert article.title == "Talks resume in Washington"


KO_P1 = (
    "한국과 미국은 10일 워싱턴에서 고위급 회의를 열고 방위비 분담과 관세 문제를 논의했다. "
    "양측은 다음 달 후속 협상을 이어가기로 합의했다고 외교부가 밝혔다."
)
KO_P2 = (
    "정부 관계자는 이번 회의에서 구체적인 합의에 이르지는 못했지만 양국이 동맹의 중요성을 재확인했다며 "
    "조만간 공동 성명을 발표할 예정이라고 말했다."
)


def test_korean_page_tail_lines_and_reporter():
    page = "\n".join(
        [
            "한미, 방위비·관세 고위급 회의 개최",
            "입력 2025.07.10 14:30",
            KO_P1,
            KO_P2,
            "홍길동 기자 hong@example.co.kr",
            "기사제보 및 보도자료 press@example.co.kr",
            "<저작권자 © 예시뉴스, 무단 전재 및 재배포 금지>",
            "많이 본 뉴스",
            "한미 정상회담 다음 달 개최",
            "2025.07.09",
            "관세 협상 타결 임박",
            "2025.07.08",
        ]
    )
    article = extract_text(page, url=None)
    assert [b.text for b in article.blocks] == [KO_P1, KO_P2]
    assert article.title == "한미, 방위비·관세 고위급 회의 개최"
    assert article.published_at == "2025-07-10"
    assert article.authors == ["홍길동"]
    assert article.lang == "ko"
    assert article.stats.removed["korean_tail"] == 3


@pytest.mark.parametrize(
    "page",
    [
        "Home\nNews\nSports\nWeather",
        "Share Facebook Twitter\n\nJuly 10, 2025\n\n© 2025 Example",
        "abc",
        "Related Posts\nSeoul and Washington resume talks\nMarch 3, 2025\nTariff talks continue\nMarch 2, 2025",
    ],
)
def test_pages_without_prose_raise_no_content(page):
    with pytest.raises(UnprocessablePage) as e:
        extract_text(page, url=None)
    assert e.value.reason == "no_content"


def test_short_news_brief_is_kept():
    page = "Brief: talks resume\n\nSeoul and Washington will resume tariff talks next week, officials said."
    article = extract_text(page, url=None)
    assert article.text == "Seoul and Washington will resume tariff talks next week, officials said."


def test_lone_surrogates_and_control_characters_do_not_break_extraction():
    page = "Title of the page here\n\n" + P1.replace("Washington", "Wash\ud800ington") + "\x00\n\n" + P2
    article = extract_text(page, url=None)
    assert len(article.blocks) == 2
    assert "Wash\ufffdington" in article.text
    article.text.encode("utf-8")  # no lone surrogate survives: the output is always valid UTF-8


TEASERS = [
    ("Ministers meet in Geneva over grain deal", "Officials from five countries met in Geneva on Monday to discuss the grain export deal, which expires next week."),
    ("Floods force thousands from their homes", "Heavy rain in the north of the country forced thousands of people to leave their homes, the government said."),
    ("Central bank holds rates steady", "The central bank kept its key interest rate unchanged on Thursday, citing uncertainty about the economy."),
    ("New stadium opens after years of delays", "The long-delayed stadium finally opened its doors to fans on Saturday, two years later than planned."),
]


def test_teaser_list_of_other_stories_is_chrome():
    lines = ["Allies resume talks on cost sharing"]
    for head, summary in TEASERS:
        lines += [head, summary]
    lines += [P1, P2, P3]
    article = extract_text("\n".join(lines), url=None)
    assert [b.text for b in article.blocks] == [P1, P2, P3]
    assert article.stats.removed["teaser_list"] == 8


def test_an_article_made_of_short_sections_is_kept():
    lines = ["Five things to know about the talks"]
    for head, summary in TEASERS:
        lines += [head, summary]
    article = extract_text("\n".join(lines), url=None)
    assert [b.text for b in article.blocks if b.kind == "paragraph"] == [s for _, s in TEASERS]
    assert [b.text for b in article.blocks if b.kind == "heading"] == [h for h, _ in TEASERS[1:]]
    assert "teaser_list" not in article.stats.removed


def test_comment_thread_after_the_article_goes():
    page = "\n".join(
        [
            "Allies resume talks on cost sharing",
            P1,
            P2,
            P3,
            "Jane Roe on September 12, 2018 at 4:47 pm said:",
            "I think the talks will fail again, as they did last year, because neither side wants to move on the numbers.",
            "2 days ago at 07:52 am",
            "It is good to see the two governments talking again after such a long pause in the negotiations.",
        ]
    )
    assert [b.text for b in extract_text(page, url=None).blocks] == [P1, P2, P3]


def test_repeated_sentences_in_the_body_are_dropped_once_seen():
    quote = "“We will not accept an unfair deal,” the minister said on Tuesday in Seoul."
    page = "\n".join(["Allies resume talks on cost sharing", P1, quote, P2, quote, P3])
    article = extract_text(page, url=None)
    assert [b.text for b in article.blocks] == [P1, quote, P2, P3]
    assert article.stats.removed["duplicate"] == 1


def test_cookie_box_prose_does_not_beat_the_article():
    cookie = [
        "Privacy Overview",
        "This website uses cookies to improve your experience while you navigate through the website.",
        "Necessary cookies are absolutely essential for the website to function properly. This category only "
        "includes cookies that ensure basic functionalities and security features of the website.",
        "Any cookies that may not be particularly necessary for the website to function and are used specifically "
        "to collect user personal data via analytics, ads and other embedded contents are termed as non-necessary.",
        "It is mandatory to procure user consent prior to running these cookies on your website, which is why we "
        "ask for it every time you visit and store your choice for the length of your visit here.",
    ]
    page = "\n".join(["Allies resume talks on cost sharing", P1, P2] + cookie)
    assert [b.text for b in extract_text(page, url=None).blocks] == [P1, P2]


def test_camel_case_names_are_not_glued_headings():
    line = (
        "Users of LinkedIn said on Tuesday that the new feed had made it harder to find posts from their own "
        "contacts, according to a survey published by the company."
    )
    article = extract_text("A title for this page\n\n" + line + "\n\n" + P1, url=None)
    assert article.blocks[0].text == line


@pytest.mark.parametrize(
    "line,title,site",
    [
        ("Between giants: a balanced foreign policy – Asia Times", "Between giants: a balanced foreign policy", "Asia Times"),
        ("한미, 방위비·관세 고위급 회의 개최 - 연합뉴스", "한미, 방위비·관세 고위급 회의 개최", "연합뉴스"),
        ("Trump says talks went well - report", "Trump says talks went well - report", None),
        ("Korea - US Relations", "Korea - US Relations", None),
        ("Seoul and Washington resume tariff talks | BBC News", "Seoul and Washington resume tariff talks", "BBC News"),
    ],
)
def test_title_site_suffix(line, title, site):
    from service.text.extract import _strip_suffix

    assert _strip_suffix(line) == (title, site)


def test_story_cards_with_author_date_and_summary_are_a_list():
    cards = []
    for head, summary in TEASERS[:3]:
        cards += [head, "Jane Roe", "Wednesday November 20, 2019", summary + " " + summary]
    page = "\n".join(["Allies resume talks on cost sharing", P1, P2, P3, "More from us"] + cards)
    article = extract_text(page, url=None)
    assert [b.text for b in article.blocks] == [P1, P2, P3]
    assert article.stats.removed["headline_list"] == 11  # all but the last summary, which is outside_article


def test_live_blog_of_dated_updates_is_kept():
    updates = []
    for _, summary in TEASERS[:3]:
        updates += ["Update", "July 10, 2025", summary + " " + summary]
    article = extract_text("\n".join(["Live: talks in Geneva"] + updates), url=None)
    assert len([b for b in article.blocks if b.kind == "paragraph"]) == 3


def test_title_is_the_line_above_the_byline_even_if_others_repeat():
    page = "\n".join(
        [
            "Video: Trump says talks went well",
            "Allies resume talks on cost sharing in Washington",
            "By Jane Doe | March 3, 2025",
            "Video: Trump says talks went well",
            "Video: Trump says talks went well",
            P1,
            P2,
        ]
    )
    assert extract_text(page, url=None).title == "Allies resume talks on cost sharing in Washington"


def test_title_shares_words_with_the_lead_and_labels_lose():
    page = "\n".join(["Officials meet in Washington on the alliance", "Politics & Policy", "9:24 pm ET", P1, P2])
    assert extract_text(page, url=None).title == "Officials meet in Washington on the alliance"


def test_no_title_rather_than_a_section_label():
    page = "\n".join(["Science & Technology", "(Reed Saxon / Associated Press)", P1, P2])
    assert extract_text(page, url=None).title is None


def test_everything_after_the_first_reader_comment_is_the_thread():
    thread = []
    for name in ("fan1", "joetoronto", "theprocess12"):
        thread += [f"{name} says:", "November 19, 2019 at 6:34 am", P2 + " " + P3]
    page = "\n".join(["Allies resume talks on cost sharing", P1, P2, "3 responses to “Allies resume talks”"] + thread)
    assert [b.text for b in extract_text(page, url=None).blocks] == [P1, P2]


def test_long_korean_headlines_are_not_prose():
    headlines = [
        "한미 정상회담 다음 달 워싱턴서 개최…관세·방위비 협상 마무리 수순 들어가나 정부 기대감 커져 재계도 환영 입장 발표하고 후속 대책 마련 착수",
        "삼성전자·SK하이닉스 미국 반도체 보조금 최종 확정…현지 공장 투자 계획 일정대로 진행 업계 안도 속 추가 관세 가능성에는 여전히 촉각",
        "주한미군 감축설에 국방부 공식 부인…한미 연합훈련 예정대로 실시 방침 재확인 야당은 정부 대응 미흡하다며 국회 차원 진상 조사 요구",
    ]
    headlines = [h + " 관련 속보와 분석 기사 모음 전체 보기" for h in headlines]  # teaser cards run long
    page = "\n".join(["한미, 방위비·관세 고위급 회의 개최", KO_P1, KO_P2] + headlines)
    article = extract_text(page, url=None)
    assert [b.text for b in article.blocks] == [KO_P1, KO_P2]


def test_dek_between_title_and_byline():
    dek = "The two allies agreed to keep talking after a day of negotiations in Washington."
    page = "\n".join(["Allies resume talks on cost sharing", dek, "By Jane Doe | March 3, 2025", P1, P2])
    article = extract_text(page, url=None)
    assert article.description == dek
    assert [b.text for b in article.blocks] == [P1, P2]
    assert article.authors == ["Jane Doe"] and article.title == "Allies resume talks on cost sharing"
