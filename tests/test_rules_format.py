"""The rule file format and loader: validation, user overrides, URL matching."""

from __future__ import annotations

import pytest

from service.rules import RuleError, RuleSet, SiteRule, load_rules, parse_rule_file, rule_for

GOOD = """
domains = ["example.com", "*.example.org"]
body = ["#story"]
strip = [".share", ".related"]
title = "h1.headline"
date = ["time[datetime]"]
test_url = "https://www.example.com/a"
test_contains = ["hello"]
"""


def test_parse_one_rule_per_file():
    (rule,) = parse_rule_file(GOOD, name="example")
    assert rule.name == "example"
    assert rule.domains == ("example.com", "example.org")
    assert rule.body == ("#story",)
    assert rule.strip == (".share", ".related")
    assert rule.title == ("h1.headline",)  # a single string is a one-element list
    assert rule.date == ("time[datetime]",)
    assert rule.test_url == ("https://www.example.com/a",)


def test_parse_several_rules_in_one_file():
    text = """
[[site]]
name = "a"
domains = ["a.example"]
body = ["main"]

[[site]]
domains = ["b.example"]
strip = [".ad"]
"""
    a, b = parse_rule_file(text, name="multi")
    assert (a.name, a.domains, a.body) == ("a", ("a.example",), ("main",))
    assert (b.name, b.domains, b.strip) == ("multi[1]", ("b.example",), (".ad",))


@pytest.mark.parametrize(
    "text, message",
    [
        ('domains = ["x.com"\nbody = ["a"]', "not valid TOML"),
        ('domains = ["x.com"]\nbody = ["a"]\nbodyy = ["b"]', "unknown keys"),
        ('body = ["a"]', "at least one domain"),
        ('domains = ["x.com"]', "needs at least one of"),
        ('domains = ["x.com"]\nbody = ["p["]', "not valid CSS"),
        ('domains = ["x.com"]\nbody = [1]', "list of strings"),
        ('domains = ["https://x.com/path"]\nbody = ["a"]', "not a domain"),
        ('domains = ["localhost"]\nbody = ["a"]', "not a domain"),
        ('domains = ["x.com"]\nbody = ["a"]\n[[site]]\ndomains = ["y.com"]\nbody = ["b"]', "not both"),
    ],
)
def test_bad_rule_files_are_rejected_with_a_clear_message(text, message):
    with pytest.raises(RuleError, match=message):
        parse_rule_file(text, name="bad", source="bad.toml")


def test_rule_for_matches_host_and_subdomains_only():
    rules = RuleSet.of(parse_rule_file(GOOD, name="example"))
    for url in ("https://example.com/", "http://www.example.com/x?y=1", "https://news.example.org/a", "example.com/path"):
        assert rules.rule_for(url) is not None, url
    for url in ("https://notexample.com/", "https://example.com.evil.net/", "https://com/", None, "", "http://[::1", 42):
        assert rules.rule_for(url) is None, url


def test_most_specific_domain_wins():
    parent = SiteRule(name="parent", domains=("example.com",), body=("main",))
    child = SiteRule(name="child", domains=("news.example.com",), body=("article",))
    rules = RuleSet.of([parent, child])
    assert rules.rule_for("https://news.example.com/1").name == "child"
    assert rules.rule_for("https://m.news.example.com/1").name == "child"
    assert rules.rule_for("https://www.example.com/1").name == "parent"


def test_user_rules_override_shipped_ones(tmp_path):
    (tmp_path / "mynaver.toml").write_text('domains = ["news.naver.com"]\nbody = ["#my_body"]\n', encoding="utf-8")
    (tmp_path / "other.toml").write_text('domains = ["example.net"]\nstrip = [".ad"]\n', encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a rule", encoding="utf-8")
    rules = load_rules([tmp_path])
    assert len(rules) == len(load_rules()) + 2
    assert rules.rule_for("https://n.news.naver.com/mnews/article/1/2").body == ("#my_body",)
    assert rules.rule_for("https://example.net/").name == "other"
    assert rules.rule_for("https://www.bbc.com/news/1").name == "bbc"  # shipped ones still there
    # the shipped set itself is unchanged (it is a cached constant)
    assert rule_for("https://n.news.naver.com/mnews/article/1/2").body[0] == "#dic_area"


def test_load_rules_single_file_and_without_shipped(tmp_path):
    f = tmp_path / "one.toml"
    f.write_text(GOOD, encoding="utf-8")
    rules = load_rules(f, shipped=False)
    assert [r.name for r in rules] == ["one"]
    assert rules.rule_for("https://www.bbc.com/") is None


def test_load_rules_reports_missing_and_broken_files(tmp_path):
    with pytest.raises(RuleError, match="no such rule file"):
        load_rules([tmp_path / "missing.toml"])
    bad = tmp_path / "bad.toml"
    bad.write_text('domains = ["x.com"]\nbody = ["div[["]\n', encoding="utf-8")
    with pytest.raises(RuleError, match=str(bad)):
        load_rules([tmp_path])


def test_shipped_rules_load_and_are_frozen():
    rules = load_rules()
    assert load_rules() is rules  # read once, cached
    names = [r.name for r in rules]
    assert len(names) == len(set(names))
    rule = rules.rule_for("https://v.daum.net/v/1")
    with pytest.raises(AttributeError):
        rule.body = ()  # type: ignore[misc]
    with pytest.raises(TypeError):
        rules.index["x.com"] = rule  # type: ignore[index]
