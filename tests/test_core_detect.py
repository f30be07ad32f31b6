"""detect_kind(): HTML or page text, from the first few KB."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.detect import detect_kind

SEEDS = Path(__file__).resolve().parents[1] / ".." / "shared" / "seeds"


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name[:3])
def test_seeds_are_text(path):
    assert detect_kind(path.read_text(encoding="utf-8")) == "text"


@pytest.mark.parametrize(
    "page",
    [
        "<!DOCTYPE html><html><body><p>x</p></body></html>",
        "\ufeff  <!doctype HTML>\n<html lang=en>",
        "<html><head><title>t</title></head>",
        "<?xml version='1.0'?><html xmlns='http://www.w3.org/1999/xhtml'>",
        "<!-- saved from url --><div class=a><p>one</p><p>two</p></div>",
        "Some preamble text\n<div id=main><p>Paragraph</p><span>x</span></div>",
        "<meta charset=utf-8><p>short page",
    ],
)
def test_html_is_html(page):
    assert detect_kind(page) == "html"


@pytest.mark.parametrize(
    "page",
    [
        "Plain article text. Nothing else.",
        "![caption](https://example.com/a.jpg)\nCaption line\nBody text here.",
        "Prices rose 3% as 2 < 3 and 5 > 4 in the model.",
        "The <b> tag is mentioned once in this sentence about HTML.",
        "",
    ],
)
def test_text_is_text(page):
    assert detect_kind(page) == "text"


def test_only_the_head_is_read():
    page = "x" * 100_000 + "<html><body><p>late</p></body></html>"
    assert detect_kind(page) == "text"
