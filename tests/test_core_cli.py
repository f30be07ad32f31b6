"""`winnow clean`: formats, stdin, errors and exit codes (run in-process through cli.main)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from service.cli import main

SEEDS = Path(__file__).resolve().parents[1] / ".." / "shared" / "seeds"
SEED_004 = next(SEEDS.glob("004_*.txt"))
SEED_000 = next(SEEDS.glob("000_*.txt"))


class _Std:
    def __init__(self, data: bytes = b""):
        self.buffer = io.BytesIO(data)


def run(monkeypatch, capsysbinary, argv, stdin: bytes = b""):
    monkeypatch.setattr(sys, "stdin", _Std(stdin))
    code = main(argv)
    out, err = capsysbinary.readouterr()
    return code, out.decode("utf-8"), err.decode("utf-8")


def test_json_is_the_article_dict(monkeypatch, capsysbinary):
    code, out, err = run(monkeypatch, capsysbinary, ["clean", str(SEED_004)])
    assert code == 0 and err == ""
    data = json.loads(out)
    assert data["schema"] == "winnow.article" and data["schema_version"] == 1
    assert data["title"] == "July: A defining month for Korea-US alliance"
    assert data["kind"] == "text" and data["encoding"] == "utf-8"
    assert data["text"].startswith("SEOUL – The world is bracing")
    assert "—" in out  # ensure_ascii=False: non-ASCII characters printed as themselves


def test_markdown_has_title_and_subheadings(monkeypatch, capsysbinary):
    code, out, _ = run(monkeypatch, capsysbinary, ["clean", str(SEED_000), "--format", "markdown"])
    assert code == 0
    assert out.startswith("# Between giants: South Korean moment for a balanced foreign policy\n\n")
    assert "\n\n## What the US needs\n\n" in out
    assert "Asia Times" not in out


def test_text_format_is_the_body(monkeypatch, capsysbinary):
    code, out, _ = run(monkeypatch, capsysbinary, ["clean", str(SEED_000), "--format", "text"])
    assert code == 0
    assert out.startswith("South Korea is heading into a critical round")
    assert out.rstrip("\n").endswith("in an increasingly polarized world.")


def test_stdin_and_kind_and_url(monkeypatch, capsysbinary):
    code, out, _ = run(
        monkeypatch, capsysbinary, ["clean", "-", "--kind", "text", "--url", "https://example.com/a"], SEED_004.read_bytes()
    )
    data = json.loads(out)
    assert code == 0 and data["url"] == "https://example.com/a" and data["kind"] == "text"


@pytest.mark.parametrize(
    "stdin,reason",
    [(b"", "empty"), (b"\x89PNG\r\n\x1a\n" + bytes(300), "binary"), (b"Home\nNews\nSports", "no_content")],
)
def test_unprocessable_page_exits_2_with_reason(monkeypatch, capsysbinary, stdin, reason):
    code, out, err = run(monkeypatch, capsysbinary, ["clean", "-"], stdin)
    assert code == 2 and out == ""
    assert err.startswith(f"winnow clean: {reason}: ")


def test_missing_file_exits_2(monkeypatch, capsysbinary, tmp_path):
    code, out, err = run(monkeypatch, capsysbinary, ["clean", str(tmp_path / "nope.txt")])
    assert code == 2 and "cannot read" in err


def test_console_script_end_to_end():
    exe = Path(sys.executable).with_name("winnow")
    if not exe.exists():
        pytest.skip("winnow console script not installed in this environment")
    proc = subprocess.run([str(exe), "clean", str(SEED_004), "--format", "text"], capture_output=True, timeout=60)
    assert proc.returncode == 0
    assert proc.stdout.decode("utf-8").startswith("SEOUL – The world is bracing")
