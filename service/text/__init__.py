"""Page text a scraper already extracted: classify its lines and blocks, keep the article.

`extract_text(text, url=...)` is the extractor `service.clean` calls for
kind="text"; `line_reason(line)` names a chrome line on its own and is shared
with the HTML extractor.
"""

from .extract import extract_text
from .lines import line_reason

__all__ = ["extract_text", "line_reason"]
