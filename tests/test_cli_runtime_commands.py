"""`winnow enqueue`, `winnow tail`, `winnow dead list|replay` against the real Redis."""

from __future__ import annotations

import gzip
import json
import os

import pytest

from conftest import SHARED
from service.cli import main


@pytest.fixture
def env(monkeypatch, names, redis_url):
    for k in list(os.environ):
        if k.startswith("WINNOW_"):
            monkeypatch.delenv(k)
    monkeypatch.setenv("REDIS_URL", redis_url)
    for k, v in names.items():
        monkeypatch.setenv(k, v)
    return names


def test_enqueue_files_and_directories(env, r, tmp_path, capsys):
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.txt").write_text("text page")
    (tmp_path / "sub" / "b.html").write_text("<p>html page</p>")
    (tmp_path / "sub" / "c.html.gz").write_bytes(gzip.compress(b"<p>gz page</p>"))
    (tmp_path / "sub" / "skip.json").write_text("{}")
    assert main(["enqueue", str(tmp_path), "-q"]) == 0
    rows = r.xrange(env["WINNOW_INPUT_STREAM"])
    got = {f[b"url"].decode().rsplit("/", 1)[1]: f for _i, f in rows}
    assert set(got) == {"a.txt", "b.html", "c.html.gz"}
    assert got["a.txt"][b"text"] == b"text page"
    assert got["b.html"][b"html"] == b"<p>html page</p>"
    assert got["c.html.gz"][b"html"] == b"<p>gz page</p>"
    assert "enqueued 3 pages" in capsys.readouterr().err


def test_enqueue_json_count_and_loop(env, r, tmp_path):
    (tmp_path / "a.txt").write_text("one")
    (tmp_path / "b.txt").write_text("two")
    assert main(["enqueue", str(tmp_path), "--json", "--loop", "--count", "5", "-q"]) == 0
    rows = r.xrange(env["WINNOW_INPUT_STREAM"])
    assert len(rows) == 5
    pages = [json.loads(f[b"page"]) for _i, f in rows]
    assert [p["text"] for p in pages] == ["one", "two", "one", "two", "one"]


def test_enqueue_scrapinghub_pages_get_their_real_urls(env, r):
    d = os.path.join(SHARED, "datasets", "scrapinghub", "html")
    if not os.path.isdir(d):
        pytest.skip("shared scrapinghub set not present")
    assert main(["enqueue", d, "--count", "3", "-q"]) == 0
    urls = [f[b"url"].decode() for _i, f in r.xrange(env["WINNOW_INPUT_STREAM"])]
    assert len(urls) == 3 and all(u.startswith("http") for u in urls)


def test_tail_prints_output_entries(env, r, capsys):
    art = {"title": "Hello", "text": "body text"}
    r.xadd(env["WINNOW_ARTICLES_STREAM"], {"article": json.dumps(art), "url": "u", "source_id": "1-0", "label": "relevant", "score": "0.9"})
    assert main(["tail", "--from-start", "--count", "1"]) == 0
    line = json.loads(capsys.readouterr().out.strip())
    assert line["title"] == "Hello" and line["source_id"] == "1-0" and line["label"] == "relevant"
    assert main(["tail", "--from-start", "--timeout", "0.2", "--stream", "offtopic"]) == 0


def test_dead_list_and_replay_put_the_original_back(env, r, capsys):
    from service.runtime.messages import dead_fields

    original = {b"url": b"https://x/p", b"html": b"\xb0\xa1 euc-kr bytes"}
    d1 = r.xadd(env["WINNOW_DEAD_STREAM"], dead_fields("1-1", original, reason="crash", error="boom", deliveries=3)).decode()
    r.xadd(env["WINNOW_DEAD_STREAM"], dead_fields("1-2", {b"url": b"u2"}, reason="invalid_entry", error="no page", deliveries=1))
    assert main(["dead", "list"]) == 0
    listed = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [x["reason"] for x in listed] == ["crash", "invalid_entry"]
    assert listed[0]["source_id"] == "1-1" and listed[0]["original_fields"] == ["html", "url"]
    assert main(["dead", "list", "--reason", "crash"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1
    assert main(["dead", "replay", "--reason", "crash"]) == 0
    rows = r.xrange(env["WINNOW_INPUT_STREAM"])
    assert len(rows) == 1 and rows[0][1] == original
    remaining = [i.decode() for i, _f in r.xrange(env["WINNOW_DEAD_STREAM"])]
    assert d1 not in remaining and len(remaining) == 1
    assert main(["dead", "replay"]) == 2  # needs IDs, --reason or --all
