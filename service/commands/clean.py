"""`winnow clean`: one page in, the clean article out, without Redis or a server.

    winnow clean PATH|- [--url URL] [--kind html|text] [--format json|text|markdown]

The quickest way to see what winnow makes of a page: it runs exactly the pure
`service.clean()` the stream worker runs. PATH is read as bytes (so decoding
works as in production); "-" reads stdin. An unusable page prints its reason
on stderr and exits with status 2.
"""

from __future__ import annotations

import argparse
import json
import sys

FORMATS = ("json", "text", "markdown")


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "clean",
        help="clean one page (HTML or page text) and print the article",
        description=__doc__.split("\n\n")[2] if __doc__ else None,
    )
    p.add_argument("path", metavar="PATH", help='page file (HTML or page text), or "-" for stdin')
    p.add_argument("--url", help="the page's URL, if known (helps metadata and per-site rules)")
    p.add_argument("--kind", choices=("html", "text"), help="what the page is (default: detect)")
    p.add_argument("--format", choices=FORMATS, default="json", help="output format (default: json)")
    p.add_argument(
        "--rules", action="append", metavar="PATH", default=[],
        help="site-rule file or directory (TOML, docs/rules.md) on top of the shipped rules; repeatable",
    )
    p.set_defaults(func=run)


def render(article, fmt: str) -> str:
    """The article as JSON (its versioned dict), plain body text, or Markdown."""
    if fmt == "json":
        return json.dumps(article.to_dict(), ensure_ascii=False, indent=2)
    if fmt == "text":
        return article.text
    parts = []
    if article.title:
        parts.append(f"# {article.title}")
    for block in article.blocks:
        if block.kind == "heading":
            parts.append(f"## {block.text}")
        elif block.kind == "list_item":
            parts.append(f"- {block.text}")
        elif block.kind == "quote":
            parts.append(f"> {block.text}")
        else:
            parts.append(block.text)
    return "\n\n".join(parts)


def _read(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    with open(path, "rb") as f:
        return f.read()


def run(args: argparse.Namespace) -> int:
    from .. import clean
    from ..errors import UnprocessablePage

    from ..rules import RuleError, load_rules

    try:
        rules = load_rules(args.rules) if args.rules else None
    except RuleError as e:
        print(f"winnow clean: {e}", file=sys.stderr)
        return 2
    try:
        raw = _read(args.path)
    except OSError as e:
        print(f"winnow clean: cannot read {args.path}: {e.strerror or e}", file=sys.stderr)
        return 2
    try:
        article = clean(raw, url=args.url, kind=args.kind, rules=rules)
    except UnprocessablePage as e:
        print(f"winnow clean: {e.reason}: {e.message}", file=sys.stderr)
        return 2
    out = render(article, args.format)
    sys.stdout.buffer.write(out.encode("utf-8", "replace") + b"\n")
    sys.stdout.flush()
    return 0
