"""The README's core section stays true to the code: its example and its error table."""

from __future__ import annotations

import json
import re
from pathlib import Path

from service import clean
from service.errors import REASONS

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / ".." / "shared" / "seeds"


def core_section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return text.split("<!-- section:core -->", 1)[1].split("<!-- /section:core -->", 1)[0]


def test_article_example_matches_the_cli_output():
    section = core_section()
    example = json.loads(re.search(r"```json\n(.*?)\n```", section, re.S).group(1))
    seed = re.search(r"winnow clean \.\./shared/seeds/(\S+?)`", section).group(1)
    actual = clean((SEEDS / seed).read_bytes()).to_dict()
    assert seed.startswith("002_")
    assert set(example) == set(actual)
    for key, value in example.items():
        if key == "text":
            assert actual["text"].startswith(value.rstrip("…").rstrip())
        elif key == "blocks":
            for shown, real in zip(value, actual["blocks"]):
                assert shown["kind"] == real["kind"] and real["text"].startswith(shown["text"].rstrip("…").rstrip())
        else:
            assert value == actual[key], key


def test_error_table_lists_every_reason():
    section = core_section()
    table = dict(re.findall(r"^\| `(\w+)` \| (.+?) \|$", section.split("### Errors", 1)[1], re.M))
    assert set(table) == set(REASONS)
