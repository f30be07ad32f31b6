"""User site rules reach every entry point: clean(), `winnow clean --rules`, and `winnow run`."""

from __future__ import annotations

import json
import pickle
import subprocess
import urllib.request
import sys
import time

import pytest
import redis

from service import clean
from service.rules import RuleError, load_rules

from conftest import ROOT, free_port, runtime_env, winnow_cmd

# A made-up site whose real article sits in a <section> the generic extractor would not
# choose over the longer promo text around it; the rule says where the article is.
PAGE = """<!doctype html><html><head><title>Harbour Gazette</title></head><body>
<div class="promo"><p>{promo}</p><p>{promo}</p><p>{promo}</p></div>
<section class="story-text"><p>Port officials in Busan said the new cranes arrived on Tuesday.</p>
<p class="sponsor">Sponsored: buy our tide tables today.</p></section>
</body></html>""".format(promo="Subscribe now for unlimited reading of every story we publish, all year long. " * 4)
URL = "https://www.harbour-gazette.test/news/1"
RULE = """domains = ["harbour-gazette.test"]
body = ["section.story-text"]
strip = [".sponsor"]
"""


@pytest.fixture
def rule_dir(tmp_path):
    (tmp_path / "harbour.toml").write_text(RULE)
    return tmp_path


def test_clean_uses_a_user_rule_and_only_for_its_domain(rule_dir):
    rules = load_rules([rule_dir])
    art = clean(PAGE, url=URL, rules=rules)
    assert art.text == "Port officials in Busan said the new cranes arrived on Tuesday."
    assert art.stats.removed.get("rule", 0) >= 1
    generic = clean(PAGE, url=URL)  # without the rule: the promo wins or the sponsor line stays
    assert generic.text != art.text
    other = clean(PAGE, url="https://elsewhere.test/a", rules=rules)
    assert other.text == clean(PAGE, url="https://elsewhere.test/a").text


def test_rule_sets_survive_pickling_for_the_pipeline_processes(rule_dir):
    rules = load_rules([rule_dir])
    copy = pickle.loads(pickle.dumps(rules))
    assert copy.rule_for(URL) == rules.rule_for(URL) and copy.rule_for(URL) is not None
    assert clean(PAGE, url=URL, rules=copy).text == clean(PAGE, url=URL, rules=rules).text


def test_cli_clean_takes_rules_and_reports_bad_files(rule_dir, tmp_path):
    page = tmp_path / "page.html"
    page.write_text(PAGE)
    out = subprocess.run(
        winnow_cmd("clean", str(page), "--url", URL, "--rules", str(rule_dir), "--format", "text"),
        capture_output=True, text=True, cwd=ROOT, timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert "Port officials in Busan" in out.stdout and "Sponsored" not in out.stdout
    bad = tmp_path / "bad.toml"
    bad.write_text('domains = ["x.test"]\nbody = ["p:::nope"]\n')
    out = subprocess.run(winnow_cmd("clean", str(page), "--rules", str(bad)), capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert out.returncode == 2 and "bad.toml" in out.stderr


def test_run_refuses_a_broken_rule_file_naming_it(tmp_path):
    bad = tmp_path / "broken.toml"
    bad.write_text("domains = [\n")
    env = runtime_env(REDIS_URL="redis://127.0.0.1:6379/0", WINNOW_RULES=str(bad), WINNOW_HTTP_PORT="0")
    out = subprocess.run(winnow_cmd("run"), env=env, capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert out.returncode == 2
    assert "broken.toml" in out.stderr and "configuration error" in out.stderr


def test_running_service_applies_user_rules(rule_dir, names, redis_url):
    r = redis.Redis.from_url(redis_url)
    port = free_port()
    env = runtime_env(REDIS_URL=redis_url, WINNOW_RULES=str(rule_dir), WINNOW_TOPICS="none", WINNOW_HTTP_PORT=str(port),
                      WINNOW_HTTP_HOST="127.0.0.1", WINNOW_POOL_SIZE="1", **names)
    env.pop("WINNOW_PIPELINE")  # the real pipeline
    r.xadd(names["WINNOW_INPUT_STREAM"], {"url": URL, "html": PAGE})
    proc = subprocess.Popen(winnow_cmd("run"), env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not r.xlen(names["WINNOW_ARTICLES_STREAM"]):
            time.sleep(0.1)
        entries = r.xrange(names["WINNOW_ARTICLES_STREAM"])
        assert len(entries) == 1, proc.stderr.read1().decode() if proc.poll() is not None else "no article"
        article = json.loads(entries[0][1][b"article"])
        assert article["text"] == "Port officials in Busan said the new cranes arrived on Tuesday."
        # POST /v1/clean runs in its own pipeline process: the rules must reach it too
        req = urllib.request.Request(
            f"http://127.0.0.1:{port}/v1/clean?url={URL}", data=PAGE.encode(), headers={"Content-Type": "text/html"}
        )
        with urllib.request.urlopen(req, timeout=30) as resp:
            assert json.loads(resp.read())["text"] == article["text"]
    finally:
        proc.terminate()
        proc.wait(timeout=30)
