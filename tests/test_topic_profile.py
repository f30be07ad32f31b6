"""Topic profiles: the shipped default loads, users' files load by path, and
every mistake in a profile file is reported with the file and the key."""

from __future__ import annotations

import textwrap

import pytest

from service.topic import ProfileError, default_profile, load_profile, parse_profile, score

MINIMAL = """
name = "ships"
[groups.korea]
role = "korea"
weight = 1.0
terms = ["South Korea", "Seoul"]
[groups.ships]
role = "theme"
weight = 1.0
terms = ["shipyard*", "shipbuilding"]
[[rules]]
all = ["korea", "theme"]
weight = 3.0
"""


def write(tmp_path, body: str, name: str = "p.toml"):
    p = tmp_path / name
    p.write_text(textwrap.dedent(body), encoding="utf-8")
    return p


def test_default_profile_has_the_roles_the_issue_asks_for():
    p = default_profile()
    assert p.name == "korea-us"
    assert {"korea", "us", "theme", "negative", "nk", "pair"} <= set(p.roles)
    names = {g.name for g in p.groups}
    # themes and negative groups named in issue 4
    assert {"trade", "investment", "alliance", "troops", "nk_diplomacy", "chips", "ships", "energy", "china"} <= names
    assert {"kpop", "drama", "celebrity", "sports", "lifestyle"} <= names
    assert any(r.roles == ("korea", "us", "theme") for r in p.rules)
    assert 0 < p.threshold < 1
    assert default_profile() is p  # compiled once


def test_user_profile_loads_by_path_and_scores(tmp_path):
    p = load_profile(write(tmp_path, MINIMAL))
    assert p.name == "ships" and p.source.endswith("p.toml")
    r = score("Seoul shipyards win a new order", profile=p)
    assert r.label == "relevant" and r.topic == "ships"
    assert score("Seoul weather is mild", profile=p).label == "off_topic"
    # a path works wherever a profile does
    assert score("Seoul shipyards win a new order", profile=str(tmp_path / "p.toml")).label == "relevant"


@pytest.mark.parametrize(
    "body, message",
    [
        ("name = 'x'\n[groups.a\n", "invalid TOML"),
        (MINIMAL.replace('name = "ships"', ""), "`name` is required"),
        ("bogus = 1\n" + MINIMAL, "unknown top-level key"),
        (MINIMAL.replace('role = "theme"', 'role = "Theme!"'), "groups.ships.role"),
        (MINIMAL.replace("weight = 1.0\nterms = [\"shipyard*\"", 'weight = "heavy"\nterms = ["shipyard*"'), "groups.ships.weight must be a number"),
        (MINIMAL.replace('all = ["korea", "theme"]', 'all = ["korea", "us"]'), "names role(s) ['us'] that no group has"),
        (MINIMAL.replace('["shipyard*", "shipbuilding"]', '["shipyard*", "shipyard*"]'), "appears twice"),
        (MINIMAL.replace('["shipyard*", "shipbuilding"]', '["sh*"]'), "too short"),
        (MINIMAL.replace('["shipyard*", "shipbuilding"]', '["..."]'), "no letters or digits"),
        (MINIMAL.replace("weight = 3.0", "weight = -3.0"), "no rule has a positive weight"),
        (MINIMAL + "\n[scoring]\nthreshold = 1.5\n", "scoring.threshold must be between 0 and 1"),
        (MINIMAL + "\n[scoring]\nspeed = 2\n", "unknown key scoring.speed"),
        (MINIMAL + "\n[saturation]\nus = 2.0\n", "[saturation] names role(s) ['us']"),
        (MINIMAL.replace("[[rules]]", "[groups.empty]\nrole = \"theme\"\nweight = 1.0\n[[rules]]"), "has no terms"),
    ],
)
def test_profile_errors_name_the_file_and_the_key(tmp_path, body, message):
    path = write(tmp_path, body)
    with pytest.raises(ProfileError) as e:
        load_profile(path)
    assert message in str(e.value)
    assert str(path) in str(e.value)


def test_missing_and_non_utf8_files(tmp_path):
    with pytest.raises(ProfileError, match="file not found"):
        load_profile(tmp_path / "nope.toml")
    bad = tmp_path / "latin1.toml"
    bad.write_bytes('name = "caf\xe9"'.encode("latin-1"))
    with pytest.raises(ProfileError, match="not UTF-8"):
        load_profile(bad)


def test_profile_error_is_a_value_error():
    with pytest.raises(ValueError):
        parse_profile({"name": "x"})


def test_cased_terms_match_exact_case_only(tmp_path):
    body = MINIMAL.replace('terms = ["South Korea", "Seoul"]', 'terms = ["Seoul"]\ncased = ["ROK"]')
    p = load_profile(write(tmp_path, body))
    assert score("ROK shipbuilding drive", profile=p).label == "relevant"
    assert score("rok shipbuilding drive", profile=p).label == "off_topic"


def test_a_term_in_two_groups_counts_for_both(tmp_path):
    body = MINIMAL.replace('["shipyard*", "shipbuilding"]', '["shipyard*", "shipbuilding", "Seoul"]')
    p = load_profile(write(tmp_path, body))
    r = score("Seoul", profile=p)
    groups = {e.group for e in r.evidence if e.kind == "term"}
    assert groups == {"korea", "ships"}
    assert r.label == "relevant"


def test_profiles_pickle_for_the_process_pool():
    import pickle

    p = default_profile()
    q = pickle.loads(pickle.dumps(p))
    text = "Trump threatens new tariffs on South Korean steel"
    assert score(text, profile=q) == score(text, profile=p)
