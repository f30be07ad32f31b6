"""`winnow run`: the streaming service (configured by environment variables only)."""

from __future__ import annotations

import argparse
import sys


def _epilog() -> str:
    from service.runtime.config import defaults_table

    lines = ["configuration (environment variables, default in brackets):"]
    for var, default, meaning in defaults_table():
        lines.append(f"  {var} [{default}]\n      {meaning}")
    return "\n".join(lines)


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "run",
        help="run the service: input stream -> clean articles on the output streams",
        description="Consume pages from the input Redis stream, clean and classify them in a process pool, "
        "publish to the articles/offtopic/dead streams; serve /metrics, /healthz, /readyz, /v1/clean. "
        "With REDIS_URL unset an embedded redis-server is started.",
        epilog=_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.set_defaults(func=_run)


def _run(args) -> int:
    from service.runtime.app import main
    from service.runtime.config import Config, ConfigError
    from service.runtime.pool import load_profiles, load_rules

    try:
        cfg = Config.from_env()
        # Loaded once, here: a broken rule or profile file stops the start, naming the file.
        rules = load_rules(cfg.rule_paths)
        profiles = load_profiles(cfg.topic_paths)
    except (ConfigError, ValueError) as e:  # RuleError and ProfileError are ValueErrors
        print(f"winnow run: configuration error: {e}", file=sys.stderr)
        return 2
    return main(cfg, profiles=profiles, rules=rules)
