"""Vocabulary as data: English stop words and the words of site chrome.

Kept apart from the rules so the lists can grow without touching logic. These
are general words of the web (share buttons, "Related Posts"), never strings
of one site.
"""

from __future__ import annotations

# Function words: their share in a block tells running prose from headlines and menus.
STOP_WORDS = frozenset(
    """
    a about above after again against all also although am among an and any are around as at be because been
    before being below between both but by can could did do does doing down during each either even ever every
    few for from further had has have having he her here hers herself him himself his how however i if in into
    is it its itself just least less like many may me might more most much must my myself neither no nor not now
    of off often on once one only or other others otherwise our ours ourselves out over own per rather same she
    should since so some still such than that the their theirs them themselves then there these they this those
    though through thus to too toward towards under until up upon us very was we were what whatever when where
    whether which while who whom whose why will with within without would yet you your yours yourself
    said says say amid across along beyond despite onto via whose
    """.split()
)

# Headings that open a block of site chrome; everything under them until the
# article resumes is chrome. Compared after case-folding and stripping
# punctuation, emoji and counts.
CHROME_HEADINGS = frozenset(
    """
    related posts|related articles|related stories|related news|related content|related reading|related coverage
    |related topics|related|more related|related links|see also|you may also like|you might also like|you may like
    |also read|read also|read more|read next|more to read|more stories|more news|more from|more articles
    |recommended|recommended for you|recommended stories|recommended articles|what's hot|whats hot|hot topics
    |trending|trending now|trending news|trending stories|trending articles|most popular|most read|most viewed
    |most shared|most commented|popular|popular posts|popular articles|popular stories|popular news|top stories
    |top news|latest|latest news|latest posts|latest stories|latest articles|latest updates|recent posts
    |recent features|recent articles|recent stories|recent news|recent blog posts|recent comments|latest comments|don't miss|dont miss|editor's picks
    |editors picks|editor's choice|our picks|featured|featured posts|featured stories|featured articles
    |in case you missed it|around the web|sponsored|sponsored content|promoted stories|from the web
    |about us|about the author|about the authors|author|authors|more by this author|more from this author
    |leave a reply|leave a comment|post a comment|add a comment|comments|comment|join the conversation
    |legal disclaimer|disclaimer|sections|quick links|privacy overview|cookie policy|cookie settings
    |we use cookies|cookies|your privacy|manage consent
    |관련기사|관련 기사|많이 본 뉴스|많이 본 기사|인기기사|인기 기사|최신기사|최신 기사|추천기사|추천 기사|포토뉴스|댓글
    """.replace("\n", "").split("|")
)
CHROME_HEADINGS = frozenset(h.strip() for h in CHROME_HEADINGS if h.strip())

# Words of share/follow rows ("Share Facebook Twitter Pinterest LinkedIn Tumblr Email").
SOCIAL_NETWORKS = frozenset(
    """
    facebook twitter x instagram pinterest linkedin tumblr whatsapp telegram reddit flipboard threads youtube
    tiktok kakaotalk kakao kakaostory naver band line messenger viber wechat weibo vk snapchat mastodon bluesky
    pocket digg mix email e-mail mail sms print rss
    """.split()
)
SHARE_WORDS = SOCIAL_NETWORKS | frozenset(
    """
    share shares shared sharing follow us on via tweet pin copy link url google news tw fb in whatsapp copied
    subscribe save comment comments print and the this article story page
    공유 공유하기 페이스북 트위터 카카오톡 카카오스토리 네이버 밴드 링크 복사 이메일 인쇄 스크랩
    """.split()
)
