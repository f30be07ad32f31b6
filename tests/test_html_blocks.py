"""Block typing, chrome stripping, figures and Korean pages on small hand-made pages."""

from __future__ import annotations

import json

import pytest

from service.errors import UnprocessablePage
from service.html.extract import extract_html
from service.html.measure import weight

P1 = ("South Korea and the United States signed a semiconductor agreement on Tuesday, "
      "committing both governments to joint investment in advanced packaging plants.")
P2 = ("The deal covers export controls, subsidies and a new working group, officials said, "
      "and it follows months of negotiation over tariffs on Korean steel and cars.")
P3 = ("Analysts in Seoul said the agreement would ease pressure on Samsung and SK Hynix, "
      "although questions remain about how the subsidies will be paid out over the decade.")
ITEM1 = "A joint fund of ten billion dollars for packaging plants in both countries."
ITEM2 = "Shared export-control lists, reviewed by a standing working group every quarter."
QUOTE = "We are partners in the technologies that will decide this century, the minister said."
CAPTION = "President Yoon and the US trade representative after the signing in Seoul."

ARTICLE = f"""<!doctype html>
<html lang="en"><head>
<title>Seoul and Washington sign chips deal | Example News</title>
<meta property="og:title" content="Seoul and Washington sign chips deal">
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/business">Business</a></nav>
<article>
  <h1>Seoul and Washington sign chips deal</h1>
  <div class="share-bar"><a href="#"><img src="/icons/fb.png">Facebook</a> <a href="#">Twitter</a> <a href="#">Email</a></div>
  <img src="/pixel.gif" width="1" height="1">
  <p>{P1}</p>
  <figure><img src="/img/signing.jpg" alt="signing">
    <figcaption>{CAPTION} <span class="credit">Photo: Reuters</span></figcaption></figure>
  <h2>What the deal covers</h2>
  <p>{P2}</p>
  <ul><li>{ITEM1}</li><li>{ITEM2}</li></ul>
  <blockquote><p>{QUOTE}</p></blockquote>
  <div class="newsletter-signup"><p>Sign up for our daily newsletter to get the latest news from Asia.</p></div>
  <p>{P3}</p>
  <div class="related-articles"><h3>Related stories</h3><ul>
    <li><a href="/a">Korea and Japan agree on a new currency swap line for next year</a></li>
    <li><a href="/b">K-pop stars headline the charity concert at the Seoul stadium</a></li>
  </ul></div>
  <div class="article-comments"><p>Reader comments are closed for this story, moderators said today.</p></div>
</article>
<div id="comments"><h3>Comments</h3>
  <p>Great article! I totally agree with everything written here, thank you so much for this.</p></div>
<footer>© 2025 Example News. All rights reserved.</footer>
</body></html>"""


def test_blocks_are_typed_and_in_order():
    art = extract_html(ARTICLE, url="https://example.com/world/chips-deal")
    got = [(b.kind, b.text, b.level) for b in art.blocks]
    assert got == [
        ("paragraph", P1, None),
        ("heading", "What the deal covers", 2),
        ("paragraph", P2, None),
        ("list_item", ITEM1, None),
        ("list_item", ITEM2, None),
        ("quote", QUOTE, None),
        ("paragraph", P3, None),
    ]
    assert art.text == "\n\n".join(b.text for b in art.blocks)


def test_title_is_metadata_not_body():
    art = extract_html(ARTICLE, url="https://example.com/world/chips-deal")
    assert art.title == "Seoul and Washington sign chips deal"
    assert "Seoul and Washington sign chips deal" not in art.text


def test_chrome_is_removed_and_counted():
    art = extract_html(ARTICLE, url="https://example.com/world/chips-deal")
    for junk in ("Facebook", "newsletter", "currency swap", "K-pop", "Great article", "Reader comments",
                 "All rights reserved", "Home"):
        assert junk not in art.text
    removed = art.stats.removed
    assert removed.get("share", 0) >= 1
    assert removed.get("newsletter", 0) >= 1
    assert removed.get("related", 0) + removed.get("link_dense", 0) >= 1
    assert removed.get("comments", 0) >= 1
    assert removed.get("caption", 0) == 1


def test_figure_becomes_image_with_caption_and_credit():
    art = extract_html(ARTICLE, url="https://example.com/world/chips-deal")
    assert [i.src for i in art.images] == ["https://example.com/img/signing.jpg"]  # no share icon, no pixel
    assert art.images[0].caption == CAPTION
    assert art.images[0].credit == "Photo: Reuters"
    assert CAPTION not in art.text and "Reuters" not in art.text


def test_wordpress_caption_and_lazy_image():
    html = f"""<html><body><div class="entry-content"><p>{P1}</p>
      <div class="wp-caption"><img data-src="https://cdn.example.com/a.jpg" src="data:image/gif;base64,R0lGOD">
      <p class="wp-caption-text">{CAPTION}</p></div><p>{P2}</p></div></body></html>"""
    art = extract_html(html, url=None)
    assert [b.text for b in art.blocks] == [P1, P2]
    assert art.images[0].src == "https://cdn.example.com/a.jpg"
    assert art.images[0].caption == CAPTION


def test_body_found_without_any_declaration():
    filler = "".join(f"<li><a href='/n{i}'>Navigation link number {i}</a></li>" for i in range(40))
    html = f"""<html><body><div class="top"><ul>{filler}</ul></div>
      <div class="x1"><div class="x2"><p>{P1}</p><p>{P2}</p><p>{P3}</p></div></div>
      <div class="x3"><p>Short footer note.</p></div></body></html>"""
    art = extract_html(html, url=None)
    assert [b.text for b in art.blocks] == [P1, P2, P3]


KO1 = "한미 양국 정부가 반도체 공급망 협력을 강화하기 위한 공동 성명을 발표했다. 양측은 첨단 패키징 분야에 공동 투자하기로 했다."
KO2 = "산업통상자원부는 이번 합의로 국내 기업의 대미 투자 부담이 줄어들 것으로 기대한다고 밝혔다."


def test_korean_br_body_and_tail_lines():
    html = f"""<html><head><meta charset="utf-8"><title>한미 반도체 협력 - 예시일보</title></head><body>
      <div class="menu"><a href="/">홈</a> <a href="/pol">정치</a></div>
      <div id="article-view-content-div">{KO1}<br><br>{KO2}<br><br>
      홍길동 기자 hong@example.co.kr<br>
      저작권자 © 예시일보 무단전재 및 재배포 금지</div></body></html>"""
    art = extract_html(html, url="https://www.example.co.kr/news/1")
    assert [b.text for b in art.blocks] == [KO1, KO2]
    assert "무단전재" not in art.text and "hong@example.co.kr" not in art.text


def test_cjk_weight_counts_hangul_double():
    assert weight("abc") == 3
    assert weight("한국어") == 6
    assert weight(KO2) > len(KO2)


def test_json_ld_body_rescues_a_teaser_page():
    body = P1 + "\n\n" + P2 + "\n\n" + P3
    ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Chips", "articleBody": body})
    html = f"""<html><head><script type="application/ld+json">{ld}</script></head>
      <body><div class="teaser"><p>{P1[:60]}</p></div></body></html>"""
    art = extract_html(html, url=None)
    assert [b.text for b in art.blocks] == [P1, P2, P3]


@pytest.mark.parametrize("html", [
    "<html><body><nav><a href='/'>Home</a></nav></body></html>",
    "<html><head><title>Only a title</title></head></html>",
    "<!-- nothing -->",
    "<script>var a = 1;</script>",
])
def test_pages_without_article_raise_no_content(html):
    with pytest.raises(UnprocessablePage) as e:
        extract_html(html, url=None)
    assert e.value.reason == "no_content"


def test_korean_portal_photo_box_becomes_image():
    html = f"""<html><body><div class="media_end_head"><h2>한미 반도체 협력</h2></div>
      <div id="dic_area"><span class="end_photo_org"><img src="https://imgnews.example.com/a.jpg">
      <em class="img_desc">한미 정상회담 모습 (사진=연합뉴스)</em></span>
      {KO1}<br><br>{KO2}<br></div>
      <div class="media_end_linked_more"><a href="/1">다른 기사 제목 하나</a><a href="/2">다른 기사 제목 둘</a></div>
      </body></html>"""
    art = extract_html(html, url=None)
    assert [b.text for b in art.blocks] == [KO1, KO2]
    assert art.images[0].src == "https://imgnews.example.com/a.jpg"
    assert art.images[0].caption == "한미 정상회담 모습 (사진=연합뉴스)"


def test_daum_general_paragraphs():
    html = f"""<html><body><div class="news_view"><div class="article_view"><section>
      <p dmcf-ptype="general">{KO1}</p><p dmcf-ptype="general">{KO2}</p>
      </section></div></div><div class="cmt_box"><p>댓글 쓰기 전에 운영 정책을 확인해 주세요. 댓글은 자유롭게 작성할 수 있습니다.</p></div>
      </body></html>"""
    art = extract_html(html, url=None)
    assert [b.text for b in art.blocks] == [KO1, KO2]


def test_site_rule_body_and_strip_are_used(monkeypatch):
    from service.html import extract as ex
    from service.rules import SiteRule

    rule = SiteRule(name="t", domains=("example.org",), body=(".story-text",), strip=(".promo-box",))
    monkeypatch.setattr(ex, "rule_for", lambda url: rule)
    html = f"""<html><body><div class="big-sidebar"><p>{P3}</p><p>{P3}</p><p>{P3}</p></div>
      <div class="story-text"><p>{P1}</p><div class="promo-box"><p>Buy our magazine today, fifty percent off for new readers.</p></div>
      <p>{P2}</p></div></body></html>"""
    art = ex.extract_html(html, url="https://example.org/a")
    assert [b.text for b in art.blocks] == [P1, P2]
    assert art.stats.removed.get("rule") == 1


def test_broken_site_rule_falls_back_to_generic(monkeypatch):
    from service.html import extract as ex
    from service.rules import SiteRule

    rule = SiteRule(name="t", domains=("example.org",), body=("p[[[",))
    monkeypatch.setattr(ex, "rule_for", lambda url: rule)
    art = ex.extract_html(f"<html><body><div><p>{P1}</p><p>{P2}</p></div></body></html>", url="https://example.org/a")
    assert [b.text for b in art.blocks] == [P1, P2]


def test_dek_heading_chrome_heading_and_stubs_go():
    dek = "Both governments commit to joint investment in chip packaging, officials say"
    html = f"""<html><head><title>Chips deal</title><meta name="description" content="{dek}"></head><body>
      <div class="story"><h2>{dek}</h2><p>{P1}</p><p>Read more</p><p>{P2}</p>
      <h3>Most read</h3><ul><li><a href="/x">An unrelated story everyone clicked on today</a></li></ul>
      <p>{P3}</p><p>To read the full story, subscribe</p></div></body></html>"""
    art = extract_html(html, url=None)
    assert [b.text for b in art.blocks] == [P1, P2, P3]
    removed = art.stats.removed
    assert removed["description"] == 1 and removed["related"] == 1 and removed["boilerplate"] >= 2
