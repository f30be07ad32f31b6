"""Golden tests: the five seed pages (page text as scrapers deliver it).

For every seed the expected body is written out block by block (kind, first
five words, last four words), so a lost paragraph, a kept chrome line, a
paragraph merged with chrome or a wrong block kind all fail. Title, dek,
authors, date and images are checked where the seed carries them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from service import clean
from service.text.extract import extract_text

SEEDS = Path(__file__).resolve().parents[1] / ".." / "shared" / "seeds"


def seed(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


EXPECTED_BLOCKS = {
    "000": [
        ('paragraph', 'South Korea is heading into', 'economic and strategic direction.'),
        ('paragraph', 'The United States is urging', '– a multi-alignment strategy.'),
        ('heading', 'What the US needs', 'What the US needs'),
        ('paragraph', 'At the heart of US', 'uncertainty for its companies.'),
        ('paragraph', 'The disparity in diplomatic trade', 'economic and geopolitical benefits.'),
        ('paragraph', 'Semiconductors are a major point', 'from US trade policy.'),
        ('paragraph', 'Although not officially on the', 'tone of the negotiations.'),
        ('paragraph', 'Perhaps the most complex issue', 'advanced technology to Beijing.'),
        ('paragraph', 'While South Korea has shown', 'wave of economic retaliation.'),
        ('paragraph', 'Meanwhile, the US has implemented', 'and preparing suitable responses.'),
        ('paragraph', 'Seoul is also seeking a', 'fully compromising strategic autonomy.'),
        ('heading', 'The high cost of saying', 'or ‘no’ to Washington'),
        ('paragraph', 'The stakes are high. If', 'presence in Washington-led initiatives.'),
        ('paragraph', 'Yet the risks are equally', 'side of history. ”'),
        ('paragraph', 'The tone of China ’s', 'act against its interests.'),
        ('paragraph', 'As seen during the THAAD', 'on its own terms.'),
        ('paragraph', 'On the other hand, if', 'an independent middle power.'),
        ('paragraph', 'But this approach is also', 'in future security negotiations.'),
        ('heading', 'Why Korea needs a multi-alignment', 'needs a multi-alignment strategy'),
        ('paragraph', 'Amid this dilemma, a multi-alignment', 'the only sustainable solution.'),
        ('paragraph', 'With President Yoon Suk-yeol now', 'be Korea’s best option.'),
        ('paragraph', 'Korea does not need to', 'and enhances global credibility.'),
        ('paragraph', 'Multi-alignment offers precisely this. It', 'health of key industries.'),
        ('paragraph', 'A multi-alignment approach also opens', 'unlock new economic opportunities.'),
        ('paragraph', 'Internally, South Korea must reinforce', 'constrained by external dependencies.'),
        ('paragraph', 'The era of uncritical alignment', 'and respected global player.'),
        ('paragraph', 'At this moment of crossroads,', 'sovereign, respected and prosperous.'),
        ('paragraph', 'This is not a moment', 'an increasingly polarized world.'),
    ],
    "001": [
        ('paragraph', 'The United States is urging', '– a multi-alignment strategy.'),
        ('heading', 'What the US wants', 'What the US wants'),
        ('paragraph', 'At the heart of US', 'uncertainty for its manufacturers.'),
        ('paragraph', 'The imbalance in bilateral trade', 'economic and geopolitical benefits.'),
        ('paragraph', 'Semiconductors are a major point', 'from US trade policy.'),
        ('paragraph', 'Although not officially on the', 'tone of the negotiations.'),
        ('paragraph', 'Perhaps the most complex issue', 'advanced technology to Beijing.'),
    ],
    "002": [
        ('paragraph', 'Since the end of World', 'gap has narrowed considerably.'),
        ('paragraph', 'South Korea, one of the', 'of China’s 19.5 percent.'),
        ('paragraph', 'Given how U.S. President Donald', 'be on their side.'),
        ('paragraph', 'In late July, two days', 'in lowering the levy.'),
        ('paragraph', 'Yet despite Trump and South', 'by the Trump administration.'),
        ('paragraph', 'Washington is reportedly demanding that', 'it accept Trump’s demand.'),
        ('paragraph', 'It is understandable for the', 'reach a reasonable agreement.'),
        ('paragraph', 'Trump’s reckless behavior hasn’t helped.', 'office on April 4.'),
        ('paragraph', 'Some experts dismissed Trump’s harmful', 'sentiment among South Koreans.'),
        ('paragraph', 'When media reported over 300', 'Trump has been demanding.'),
        ('paragraph', 'Through all these actions, the', 'as much as possible.'),
        ('paragraph', 'The increasing economic pressure, highlighted', 'of Washington’s capricious policies.'),
        ('paragraph', 'Lastly, the anti-U.S. sentiment stemming', 'mainland of the U.S.'),
        ('paragraph', 'For many South Koreans, this', 'an independent nuclear capability.'),
        ('paragraph', 'Regardless of Lee’s hope to', 'Seoul remains truly “ironclad.”'),
    ],
    "003": [
        ('paragraph', 'The prospects for the South', 'shipbuilding and other fields.'),
        ('paragraph', "After Trump's return to office", 'Designated Countries List (SCL)."'),
        ('paragraph', 'A fair dose of optimism', 'uncertainties into the alliance'),
        ('paragraph', 'In the first several months', 'to name a few.'),
        ('paragraph', 'But the Asian country sprung', "South Korea's export-reliant economy."),
        ('paragraph', "Seoul's Finance Minister Choi Sang-mok", 'on them shortly afterward.'),
        ('paragraph', 'During the talks, the two', 'on reciprocal tariff ends.'),
        ('paragraph', "Last week's trade talks came", 'as a trading partner.'),
        ('paragraph', 'During a congressional speech last', '"so many other ways."'),
        ('paragraph', "South Korea's tariff on its", 'including the United States.'),
        ('paragraph', 'Tariffs aside, the Trump administration', 'regulations on imported cars.'),
        ('paragraph', "Trump's emphasis on allies' burden-sharing", 'a source of tension.'),
        ('paragraph', 'During his first phone call', 'U.S. Forces Korea (USFK).'),
        ('paragraph', '"We pay for the military', 'American troops in Europe.'),
        ('paragraph', 'On the North Korea front,', 'denuclearization" of North Korea.'),
        ('paragraph', "Trump's commitment to the denuclearization", 'it of nuclear arms.'),
        ('paragraph', 'His return to the Oval', 'in Singapore in 2018.'),
        ('paragraph', 'In a media interview after', 'him a "smart guy."'),
        ('paragraph', '"Since inauguration, [Trump] has continued', 'News Agency via email.'),
        ('paragraph', '"It\'s just a matter of', 'conditions warrant," he added.'),
        ('paragraph', 'As to the agenda for', 'the North Korean leader.'),
        ('paragraph', 'Among the most contentious alliance', 'hardly expected to join.'),
        ('paragraph', 'The department confirmed to Yonhap', 'cooperation or other purposes.'),
        ('paragraph', 'The designation drew keen public', 'alliance with the U.S.'),
        ('paragraph', 'Amid controversy over the SCL,', 'relationship with South Korea.'),
        ('paragraph', 'Another potential fault line in', 'and other security priorities.'),
        ('paragraph', 'Seoul has balked at USFK', 'on the Korean Peninsula.'),
        ('paragraph', 'The U.S. military has recently', 'both Seoul and Washington.'),
        ('paragraph', 'Under Secretary of Defense for', 'countering North Korean challenges.'),
        ('paragraph', '"Pressure from China hawks on', 'Korea\'s defense," Rapson said.'),
        ('paragraph', 'Brightening the prospects for the', 'including the shipbuilding industry.'),
        ('paragraph', 'With China known to have', 'to build naval vessels.'),
        ('paragraph', '"We don\'t really essentially build', 'meeting earlier this month.'),
        ('paragraph', '"But in the meantime, we', 'ships from those countries."'),
        ('paragraph', 'Trump has also signaled his', 'trillions of dollars each."'),
        ('paragraph', 'The project, estimated at $44', 'for America\'s "energy dominance."'),
        ('paragraph', '"From a geopolitical perspective, I', 'in a recent interview.'),
        ('paragraph', '"I think in addition to', 'some cases from Russia."'),
        ('paragraph', 'The future trajectory of the', 'law imposition in December.'),
        ('paragraph', 'Lee Jae-myung, former leader of', "his party's parliamentary clout."),
        ('paragraph', '"As such, while a policy', 'conservative administration," Rapson said.'),
    ],
    "004": [
        ('paragraph', 'SEOUL – The world is', 'major economies are doing.'),
        ('paragraph', 'Fortunately, the timing of South', 'the end of July.'),
        ('paragraph', 'The centerpiece of this three-week', 'these guiding principles be?'),
        ('paragraph', 'First, South Korea must remain', 'maximizing its national interest.'),
        ('paragraph', 'If this were a soccer', 'and joint financial initiatives.'),
        ('paragraph', 'Second, we must not treat', 'room for unilateral action.'),
        ('paragraph', 'Third, we must minimize the', 'by Trump’s tariff club.'),
        ('paragraph', 'It is not unusual for', 'up critical diplomatic efforts.'),
        ('paragraph', 'President Trump’s tariff threats pose', 'the beauty of diplomacy.'),
        ('paragraph', 'Wang Son-taek is an adjunct', 'writer’s own. — Ed.'),
    ],
}

EXPECTED_TITLES = {
    "000": "Between giants: South Korean moment for a balanced foreign policy",
    "001": "Between Giants: South Korean Moment For A Balanced Foreign Policy",
    "002": "US Pushes South Korea to Strengthen Self-Reliance",
    "003": "South Korea-U.S. alliance prospects marked by hope, concern in Trump's 1st 100 days",
    "004": "July: A defining month for Korea-US alliance",
}

# Lines of each seed that are chrome: none of them may survive in the body.
CHROME = {
    "000": ["– Asia Times", "Asia Times"],
    "001": ["Legal Disclaimer", "MENAFN", "without warranty", "Comments", "No comment"],
    "002": [
        "Trans-Pacific View",
        "Recent Features",
        "Diplomacy | East Asia",
        "Amid the formation of the China-North Korea-Russia coalition",
        "Credit: Official White House Photo",
        "visits with President Lee Jae-myung of South Korea in the Oval Office",
    ],
    "003": [
        "![",
        "koreajoongangdaily.joins.com/data/photo",
        "[REUTERS/YONHAP]",
        "pose for a photo prior to their trade talks",
        "Apache attack helicopters are seen",
        "with the Korea JoongAng Daily",
        "To write comments",
        "Standards Board Policy",
        "250자",
    ],
    "004": [
        "Close Menu",
        "What's Hot",
        "aespa",
        "July 10, 2025",
        "Facebook",
        "Koreathread",
        "Explore",
        "Trending",
        "Spring Of Youth",
        "K-pop",
        "Home»Breaking",
        "Jae young",
        "Mins Read",
        "Follow Us",
        "Geopolitics OPINION",
        "Related Posts",
        "Strings attached",
        "Leave A Reply",
        "Don't Miss",
        "About Us",
        "KoreaThread.com is your daily destination",
        "Our Picks",
        "Most Popular",
        "© 2025",
        "Press Esc to cancel",
    ],
}


def shape(article) -> list[tuple[str, str, str]]:
    out = []
    for b in article.blocks:
        words = b.text.split()
        out.append((b.kind, " ".join(words[:5]), " ".join(words[-4:])))
    return out


@pytest.mark.parametrize("prefix", sorted(EXPECTED_BLOCKS))
def test_seed_blocks_exactly(prefix):
    article = extract_text(seed(prefix), url=None)
    assert shape(article) == EXPECTED_BLOCKS[prefix]


@pytest.mark.parametrize("prefix", sorted(EXPECTED_TITLES))
def test_seed_title_without_site_suffix(prefix):
    assert extract_text(seed(prefix), url=None).title == EXPECTED_TITLES[prefix]


@pytest.mark.parametrize("prefix", sorted(CHROME))
def test_seed_no_chrome_in_body(prefix):
    text = extract_text(seed(prefix), url=None).text
    for needle in CHROME[prefix]:
        assert needle not in text, f"chrome {needle!r} kept in seed {prefix}"


@pytest.mark.parametrize("prefix", sorted(EXPECTED_BLOCKS))
def test_seed_every_long_line_is_kept_or_known_chrome(prefix):
    """Every line of prose in the seed (>= 200 chars) is in the body, unless listed as chrome."""
    text = extract_text(seed(prefix), url=None).text
    glued = text.replace("\n\n", "")  # a subheading glued to its paragraph is split into two blocks
    for line in seed(prefix).splitlines():
        line = " ".join(line.split())
        if len(line) < 200 or any(c in line for c in CHROME[prefix]):
            continue
        assert line in text or line in glued, f"lost paragraph in seed {prefix}: {line[:80]!r}"


def test_seed_004_body_is_exactly_the_op_ed():
    text = extract_text(seed("004"), url=None).text
    assert text.startswith("SEOUL – The world is bracing for another tariff storm from US President Donald Trump.")
    assert text.endswith(
        "Wang Son-taek is an adjunct professor at Sogang University. He is a former diplomatic correspondent "
        "at YTN and a former research associate at Yeosijae. The views expressed here are the writer’s own. — Ed."
    )


def test_seed_004_byline_metadata():
    article = extract_text(seed("004"), url=None)
    assert article.authors == ["Jae young"]
    assert article.published_at == "2025-07-10"
    assert article.stats.removed["headline_list"] >= 40


def test_seed_000_site_suffix_becomes_site_name():
    assert extract_text(seed("000"), url=None).site_name == "Asia Times"


def test_seed_001_glued_subheading_is_split():
    blocks = extract_text(seed("001"), url=None).blocks
    assert blocks[1].kind == "heading" and blocks[1].text == "What the US wants"
    assert blocks[2].text.startswith("At the heart of US demands is the question of tariffs.")


def test_seed_002_dek_and_captioned_photo():
    article = extract_text(seed("002"), url=None)
    assert article.description == (
        "Amid the formation of the China-North Korea-Russia coalition, South Korea is now facing "
        "unexpected challenges created by its own ally."
    )
    assert len(article.images) == 1
    image = article.images[0]
    assert image.caption.startswith("U.S. President Donald J. Trump visits with President Lee Jae-myung")
    assert image.credit == "Official White House Photo by Daniel Torok"


def test_seed_003_markdown_images_become_image_metadata():
    images = extract_text(seed("003"), url=None).images
    assert len(images) == 5
    first = images[0]
    assert first.src.startswith("https://koreajoongangdaily.joins.com/data/photo/2025/04/27/09a47904")
    assert first.caption == (
        "U.S. President Donald Trump delivers remarks on tariffs in the Rose Garden at the White House "
        "in Washington on April 2."
    )
    assert first.credit == "REUTERS/YONHAP"
    assert [i.credit for i in images[1:]] == ["NEWS1", "YONHAP", "AP/YONHAP", "AFP/YONHAP"]


@pytest.mark.parametrize("prefix", sorted(EXPECTED_BLOCKS))
def test_seed_through_clean_bytes(prefix):
    """The front door gives the same body from UTF-8 bytes, detects page text, fills stats."""
    raw = seed(prefix).encode("utf-8")
    article = clean(raw)
    assert article.kind == "text" and article.encoding == "utf-8"
    assert shape(article) == EXPECTED_BLOCKS[prefix]
    assert article.stats.kept_chars == len(article.text)
    assert article.stats.input_chars == len(seed(prefix))
    assert article.lang == "en"
    assert article.fingerprint and len(article.fingerprint) == 16
