"""`winnow relevance`: measure a topic profile on labelled data, explain one page.

    winnow relevance eval FILE.jsonl [--profile PATH] [--text-field NAME] [--errors]
    winnow relevance explain PATH [--profile PATH] [--json]

`eval` reads one JSON object per line, `{"title", "text", "label"}` with label
"relevant" or "off_topic" (title optional), and prints precision, recall and F1
of the relevant class at the profile's threshold, then a threshold table, so
users can tune a profile on their own data. `explain` cleans one page (HTML or
page text, a file or "-" for stdin) exactly as the pipeline does and prints why
it got its label.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "relevance",
        help="evaluate a topic profile on labelled JSONL, or explain one page's relevance",
        description=__doc__.split("\n\n")[1] if __doc__ else None,
    )
    sub = p.add_subparsers(dest="relevance_command", metavar="ACTION")
    sub.required = True

    ev = sub.add_parser("eval", help="precision, recall, F1 and a threshold table on labelled JSONL")
    ev.add_argument("file", metavar="FILE.jsonl", help='labelled lines {"title", "text", "label"}')
    ev.add_argument("--profile", metavar="PATH", help="TOML topic profile (default: the shipped korea-us)")
    ev.add_argument("--text-field", default="text", metavar="NAME", help="field holding the text (default: text)")
    ev.add_argument("--errors", action="store_true", help="also list every misclassified line with its evidence")
    ev.set_defaults(func=run_eval)

    ex = sub.add_parser("explain", help="clean one page and show the evidence behind its relevance")
    ex.add_argument("path", metavar="PATH", help='page file (HTML or page text), or "-" for stdin')
    ex.add_argument("--profile", metavar="PATH", help="TOML topic profile (default: the shipped korea-us)")
    ex.add_argument("--url", help="the page's URL, if known")
    ex.add_argument("--json", action="store_true", help="print the relevance as JSON instead of a table")
    ex.set_defaults(func=run_explain)


def _profile(path: str | None):
    from ..topic import default_profile, load_profile

    return load_profile(path) if path else default_profile()


def _err(msg: str) -> int:
    print(f"winnow relevance: {msg}", file=sys.stderr)
    return 2


def run_eval(args: argparse.Namespace) -> int:
    from ..topic import ProfileError, score, threshold_table
    from ..topic.evaluate import example_from_json

    try:
        profile = _profile(args.profile)
    except ProfileError as e:
        return _err(str(e))
    try:
        lines = Path(args.file).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        return _err(f"cannot read {args.file}: {e}")
    examples = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            examples.append(example_from_json(json.loads(line), text_field=args.text_field))
        except (json.JSONDecodeError, ValueError) as e:
            return _err(f"{args.file}:{n}: {e}")
    if not examples:
        return _err(f"{args.file}: no labelled lines")
    results = [score(e.text, title=e.title, profile=profile) for e in examples]
    scores = [r.score for r in results]
    labels = [e.label for e in examples]
    n_rel = labels.count("relevant")
    print(f"profile {profile.name}  ({profile.source})")
    print(f"{len(examples)} lines: {n_rel} relevant, {len(examples) - n_rel} off_topic")
    thresholds = sorted({*(0.2, 0.3, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7, 0.8), round(profile.threshold, 4)})
    table = threshold_table(scores, labels, thresholds)
    at = next(m for m in table if m.threshold == round(profile.threshold, 4))
    print(f"at threshold {profile.threshold:g}: precision {at.precision:.3f}  recall {at.recall:.3f}  F1 {at.f1:.3f}")
    print()
    print(f"{'threshold':>9}  {'precision':>9}  {'recall':>6}  {'F1':>5}  {'tp':>4}  {'fp':>4}  {'fn':>4}  {'tn':>4}")
    for m in table:
        mark = "  <- profile" if m.threshold == round(profile.threshold, 4) else ""
        print(
            f"{m.threshold:>9.2f}  {m.precision:>9.3f}  {m.recall:>6.3f}  {m.f1:>5.3f}"
            f"  {m.tp:>4}  {m.fp:>4}  {m.fn:>4}  {m.tn:>4}{mark}"
        )
    if args.errors:
        print()
        for e, r in zip(examples, results):
            if (r.score >= profile.threshold) != (e.label == "relevant"):
                top = ", ".join(f"{ev.name} {ev.weight:+.2f}" for ev in r.evidence[:6])
                name = e.id or (e.title or e.text)[:60]
                print(f"{e.label:>9} scored {r.score:.2f}: {name} | {top}")
    return 0


def run_explain(args: argparse.Namespace) -> int:
    from .. import clean
    from ..errors import UnprocessablePage
    from ..topic import ProfileError, drop_off_topic_runs, score

    try:
        profile = _profile(args.profile)
    except ProfileError as e:
        return _err(str(e))
    try:
        page = sys.stdin.buffer.read() if args.path == "-" else Path(args.path).read_bytes()
    except OSError as e:
        return _err(f"cannot read {args.path}: {e.strerror or e}")
    try:
        article = clean(page, url=args.url)
    except UnprocessablePage as e:
        return _err(f"{args.path}: unprocessable page ({e.reason}): {e}")
    kept, dropped = drop_off_topic_runs(article.blocks, [profile], title=article.title)
    text = "\n\n".join(b.text for b in kept)
    r = score(text, title=article.title, profile=profile)
    if args.json:
        d = r.to_dict()
        d["dropped_off_topic_blocks"] = dropped
        d["title"] = article.title
        print(json.dumps(d, ensure_ascii=False, indent=2))
        return 0
    print(f"title:     {article.title or '(none)'}")
    print(f"profile:   {profile.name}  (threshold {profile.threshold:g})")
    print(f"label:     {r.label}")
    print(f"score:     {r.score:.3f}")
    print(f"blocks:    {len(article.blocks)} kept by cleaning, {dropped} more dropped as off-topic runs")
    print("roles:     " + ", ".join(f"{k} {v:.2f}" for k, v in r.roles))
    print()
    print(f"{'kind':<5} {'name':<40} {'group':<16} {'role':<9} {'count':>5} {'weight':>8}")
    for e in r.evidence:
        print(
            f"{e.kind:<5} {e.name[:40]:<40} {(e.group or '')[:16]:<16} {(e.role or '')[:9]:<9}"
            f" {(e.count if e.kind == 'term' else ''):>5} {e.weight:>+8.2f}"
        )
    return 0
