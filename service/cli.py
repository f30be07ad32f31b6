"""`winnow` command line: one sub-command per module in service/commands/.

Each module there exposes `register(subparsers)`, which adds its parser and sets
`func` (called with the parsed args, returns the exit code). Modules are
imported lazily so `winnow clean` does not pay for the runtime's imports.
"""

from __future__ import annotations

import argparse
import importlib
import sys

# command name -> module under service.commands that registers it
COMMANDS = {
    "clean": "clean",
    "run": "run",
    "enqueue": "enqueue",
    "tail": "tail",
    "dead": "dead",
    "relevance": "relevance",
}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="winnow", description="Streaming content filter for scraped news.")
    from . import __version__

    parser.add_argument("--version", action="version", version=f"winnow {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name, module in COMMANDS.items():
        if only is not None and name != only:
            # still list it in --help, without importing its module
            sub.add_parser(name, help=f"see `winnow {name} --help`")
            continue
        importlib.import_module(f"service.commands.{module}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    first = next((a for a in argv if not a.startswith("-")), None)
    only = first if first in COMMANDS else None
    args = build_parser(only).parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
