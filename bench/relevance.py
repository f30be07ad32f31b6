"""Relevance benchmark: dev-set metrics, a split by story, and scoring time.

Reads the labelled dev sets in `../shared/relevance/` (never shipped), scores
them with a profile (default: korea-us) and prints

  - precision, recall and F1 of the relevant class for articles and headlines;
  - the same on two halves split by story (stories = runs of consecutive page
    ids on the same subject; each AG/BBC item is its own story; a headline goes
    with its document's story), so a profile tuned on one half can be checked
    on the other;
  - the median scoring time per article and per headline (each item timed
    `--repeat` times, median kept, then the median over items).

    .venv/bin/python bench/relevance.py [--profile PATH] [--repeat R] [--errors half|all]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from service.topic import default_profile, load_profile, score  # noqa: E402
from service.topic.evaluate import Example, half_of, metrics_at, story_halves  # noqa: E402

DATA = HERE.parent.parent / "shared" / "relevance"


def load(name: str) -> list[dict]:
    with open(DATA / name, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def examples(rows: list[dict], headlines: bool) -> list[Example]:
    if headlines:
        return [Example(text=r["text"], label=r["label"], id=r["id"]) for r in rows]
    return [Example(text=r["text"], label=r["label"], title=r.get("title") or None, id=r["id"]) for r in rows]


def report(name: str, exs: list[Example], scores: list[float], threshold: float) -> dict:
    m = metrics_at(scores, [e.label for e in exs], threshold)
    print(
        f"{name:<22} n={len(exs):>4}  P={m.precision:.3f} R={m.recall:.3f} F1={m.f1:.3f}"
        f"  (tp={m.tp} fp={m.fp} fn={m.fn} tn={m.tn})"
    )
    return {"n": len(exs), "precision": m.precision, "recall": m.recall, "f1": m.f1}


def timing(exs: list[Example], profile, repeat: int) -> tuple[float, float, float]:
    """(median, p95, max) of the per-item median scoring time, in ms."""
    per_item = []
    for e in exs:
        ts = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            score(e.text, title=e.title, profile=profile)
            ts.append(time.perf_counter() - t0)
        per_item.append(statistics.median(ts))
    per_item.sort()
    p95 = per_item[min(len(per_item) - 1, int(0.95 * len(per_item)))]
    return statistics.median(per_item) * 1000, p95 * 1000, per_item[-1] * 1000


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--profile", help="TOML profile (default: the shipped korea-us)")
    ap.add_argument("--repeat", type=int, default=5, help="timing repeats per item (default 5)")
    ap.add_argument("--errors", choices=["none", "A", "B", "all"], default="none", help="print misclassified items")
    ap.add_argument("--json", action="store_true", help="also print the numbers as one JSON line")
    args = ap.parse_args(argv)
    profile = load_profile(args.profile) if args.profile else default_profile()
    if not (DATA / "dev_docs.jsonl").exists():
        print(f"dev sets not found in {DATA}", file=sys.stderr)
        return 2
    docs = load("dev_docs.jsonl")
    heads = load("dev_headlines.jsonl")
    doc_half = story_halves(d["id"] for d in docs)
    head_half = [doc_half.get(h.get("doc_id") or "", half_of(h["id"])) for h in heads]
    out: dict = {"profile": profile.name, "threshold": profile.threshold}
    for kind, rows, halves in (
        ("articles", docs, [doc_half[d["id"]] for d in docs]),
        ("headlines", heads, head_half),
    ):
        exs = examples(rows, headlines=kind == "headlines")
        results = [score(e.text, title=e.title, profile=profile) for e in exs]
        scores = [r.score for r in results]
        out[kind] = report(f"{kind} (all)", exs, scores, profile.threshold)
        for h in ("A", "B"):
            idx = [i for i, x in enumerate(halves) if x == h]
            out[f"{kind}_{h}"] = report(
                f"{kind} (half {h})", [exs[i] for i in idx], [scores[i] for i in idx], profile.threshold
            )
        if args.errors != "none":
            for i, (e, r) in enumerate(zip(exs, results)):
                if args.errors != "all" and halves[i] != args.errors:
                    continue
                if (r.score >= profile.threshold) != (e.label == "relevant"):
                    top = ", ".join(f"{ev.name}:{ev.weight:+.2f}" for ev in r.evidence[:8])
                    print(f"  MISS {e.id} gold={e.label} score={r.score:.2f} | {(e.title or e.text)[:80]} | {top}")
    med, p95, mx = timing(examples(docs, False), profile, args.repeat)
    out.update(median_ms_article=med, p95_ms_article=p95, max_ms_article=mx)
    hmed, _, _ = timing(examples(heads, True), profile, args.repeat)
    out["median_ms_headline"] = hmed
    print(f"median scoring time: article {med:.3f} ms (p95 {p95:.3f}, max {mx:.3f}), headline {hmed:.3f} ms")
    if args.json:
        print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
