"""A deterministic stand-in for service.pipeline.process, for the runtime tests.

The runtime's guarantees (exactly once, poison, drain, backpressure) do not
depend on what the pipeline does, only on how it behaves: returns, raises
UnprocessablePage, raises something else, hangs, or kills its process. Pages
say which through directive lines, so tests can stage each case without
depending on the extraction core being finished:

    !offtopic        label off_topic, score 0.1
    !unprocessable   raise UnprocessablePage("no_content")
    !crash           raise RuntimeError
    !exit            kill the pool process (os._exit)
    !sleep 0.5       take that long first
Every other line becomes a paragraph of the article (the first one the title).
"""

from __future__ import annotations

import os
import time

from service.article import Article, Block
from service.errors import UnprocessablePage
from service.pipeline import Result


def process(page, *, url=None, kind=None, profiles=None):
    text = page.decode("utf-8") if isinstance(page, (bytes, bytearray)) else page
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    label, score = "relevant", 1.0
    body = []
    for ln in lines:
        if ln.startswith("!sleep"):
            time.sleep(float(ln.split()[1]))
        elif ln == "!offtopic":
            label, score = "off_topic", 0.1
        elif ln == "!unprocessable":
            raise UnprocessablePage("no_content", "fake pipeline: no article here")
        elif ln == "!crash":
            raise RuntimeError("fake pipeline crash")
        elif ln == "!exit":
            os._exit(3)
        else:
            body.append(ln)
    if not body:
        raise UnprocessablePage("empty", "page is empty")
    art = Article(title=body[0], blocks=[Block("paragraph", b) for b in body[1:]], url=url, kind=kind or "text")
    art.stats.input_chars = len(text)
    art.stats.kept_chars = len(art.text)
    if label == "off_topic":
        art.stats.count("offtopic_line", 1)
    return Result(art, label, score)
