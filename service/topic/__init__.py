"""Topic profiles and relevance scoring: is this page about the configured topic?

Public API:
    score(text, *, title=None, profile=None) -> Relevance   (pure; also service.relevance)
    load_profile(path) -> Profile, default_profile() -> Profile (korea-us)
    apply_relevance(article, profiles) -> (label, score)    (used by service.pipeline)

A profile is data (TOML, see docs/profiles.md); scoring is one pass over the
tokens with dictionary lookups, so it is cheap enough to run on every block of
every page as well as on whole articles.
"""

from __future__ import annotations

from .apply import apply_relevance, drop_off_topic_runs
from .evaluate import evaluate, threshold_table
from .profile import DEFAULT_PROFILE_PATH, Profile, ProfileError, default_profile, load_profile, parse_profile
from .score import OFF_TOPIC, RELEVANT, Evidence, Relevance, score

__all__ = [
    "DEFAULT_PROFILE_PATH",
    "Evidence",
    "OFF_TOPIC",
    "Profile",
    "ProfileError",
    "RELEVANT",
    "Relevance",
    "apply_relevance",
    "default_profile",
    "drop_off_topic_runs",
    "evaluate",
    "load_profile",
    "parse_profile",
    "score",
    "threshold_table",
]
