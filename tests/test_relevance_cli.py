"""`winnow relevance eval` and `winnow relevance explain`, run as a user would."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from service.cli import main

LINES = [
    {"title": "Trump threatens new tariffs on South Korean steel", "text": "Washington and Seoul held talks on steel tariffs.", "label": "relevant"},
    {"title": None, "text": "US envoy visits Seoul to coordinate North Korea policy", "label": "relevant"},
    {"text": "USFK commander says troop levels in Korea will not change", "label": "relevant"},
    {"title": "BTS tops Billboard Hot 100", "text": "The K-pop group's new single topped the chart in the US.", "label": "off_topic"},
    {"text": "Fed holds rates steady as inflation cools", "label": "off_topic"},
    # a relevant line the profile misses: its label is relevant, its words are not
    {"text": "Lee and Trump to meet next month", "label": "relevant"},
]


def write_jsonl(path, rows):
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_eval_prints_metrics_and_a_threshold_table(tmp_path, capsys):
    f = write_jsonl(tmp_path / "dev.jsonl", LINES)
    assert main(["relevance", "eval", str(f), "--errors"]) == 0
    out = capsys.readouterr().out
    # 3 of 4 relevant found, no false positive
    assert "6 lines: 4 relevant, 2 off_topic" in out
    assert "precision 1.000  recall 0.750  F1 0.857" in out
    assert "threshold  precision  recall" in out
    table = [line for line in out.splitlines() if line.strip()[:4] in ("0.20", "0.50", "0.80")]
    assert len(table) == 3 and "<- profile" in table[1]
    assert "Lee and Trump to meet next month" in out  # listed as an error


def test_eval_text_field_and_custom_profile(tmp_path, capsys):
    rows = [{"headline": r["text"], "label": r["label"]} for r in LINES]
    f = write_jsonl(tmp_path / "h.jsonl", rows)
    prof = tmp_path / "p.toml"
    prof.write_text(
        textwrap.dedent(
            """
            name = "fed"
            [groups.fed]
            role = "fed"
            weight = 1.0
            terms = ["Fed", "rates"]
            [[rules]]
            all = ["fed"]
            weight = 3.0
            """
        ),
        encoding="utf-8",
    )
    assert main(["relevance", "eval", str(f), "--text-field", "headline", "--profile", str(prof)]) == 0
    out = capsys.readouterr().out
    assert "profile fed" in out
    assert "recall 0.000" in out  # the Fed line is labelled off_topic for this data


def test_eval_reports_bad_lines_with_their_number(tmp_path, capsys):
    f = tmp_path / "bad.jsonl"
    f.write_text(json.dumps(LINES[0]) + "\n" + json.dumps({"text": "x", "label": "maybe"}) + "\n", encoding="utf-8")
    assert main(["relevance", "eval", str(f)]) == 2
    err = capsys.readouterr().err
    assert "bad.jsonl:2" in err and "label" in err
    assert main(["relevance", "eval", str(tmp_path / "missing.jsonl")]) == 2
    assert main(["relevance", "eval", str(f), "--profile", str(tmp_path / "nope.toml")]) == 2
    assert "file not found" in capsys.readouterr().err


HTML = """<!doctype html><html><head><title>Seoul offers shipyard investment to head off US tariffs</title></head>
<body><nav><a href="/">Home</a> <a href="/kpop">K-pop</a></nav>
<article><h1>Seoul offers shipyard investment to head off US tariffs</h1>
<p>South Korea offered on Tuesday to invest in American shipyards and buy more US liquefied natural gas,
as Seoul tries to head off tariffs that Washington has threatened on Korean cars and steel.</p>
<p>The trade minister told reporters after two days of talks in Washington that both sides wanted a
package deal before the deadline, and that defense cost-sharing was not on the table.</p>
<p>Officials said the proposal also covers semiconductors and a fund for investment in US manufacturing,
subject to approval by the National Assembly in Seoul.</p></article>
<footer>Copyright 2025</footer></body></html>"""


def test_explain_shows_title_label_score_and_evidence(tmp_path, capsys):
    page = tmp_path / "page.html"
    page.write_text(HTML, encoding="utf-8")
    try:
        code = main(["relevance", "explain", str(page)])
    except ImportError as e:
        pytest.skip(f"extraction not available: {e}")
    out = capsys.readouterr().out
    assert code == 0
    assert "title:     Seoul offers shipyard investment" in out
    assert "label:     relevant" in out
    assert "korea+us+theme" in out and "tariff*" in out
    assert main(["relevance", "explain", str(page), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["label"] == "relevant" and d["topic"] == "korea-us" and d["evidence"]


def test_explain_errors(tmp_path, capsys):
    assert main(["relevance", "explain", str(tmp_path / "missing.html")]) == 2
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    assert main(["relevance", "explain", str(empty)]) == 2
    assert "unprocessable page (empty)" in capsys.readouterr().err


def test_winnow_relevance_runs_as_a_command():
    out = subprocess.run(
        [sys.executable, "-m", "service.cli", "relevance", "--help"], capture_output=True, text=True, check=True
    ).stdout
    assert "eval" in out and "explain" in out
