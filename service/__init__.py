"""winnow: streaming content filter for scraped news.

The functional core is importable without any I/O:

    from service import clean, relevance
    article = clean(html_bytes, url="https://example.com/a")
    print(article.title, relevance(article.text, title=article.title).label)
"""

from .article import Article, Block, Image, Stats
from .clean import clean
from .errors import UnprocessablePage

__version__ = "0.1.0"


def relevance(text, *, title=None, profile=None):
    """Score `text` against a topic profile (default: korea-us). See service.topic."""
    from .topic import score

    return score(text, title=title, profile=profile)


__all__ = ["Article", "Block", "Image", "Stats", "UnprocessablePage", "clean", "relevance", "__version__"]
