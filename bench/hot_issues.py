"""Benchmark hot-issue clustering (similarity.clusters, what selectors.hot_issues runs).

Two windows of petitions, each with planted hot issues: groups of one petition retold by many
people (characters changed, sentences reordered, as bench/lookalike.py makes near-duplicates).
- real: the 7,084 real citizen messages of ../shared/data (messages-hot.csv and
  messages-with-replies.csv) as the background, the planted groups retold from some of them;
- synthetic: bench/lookalike.py's template generator at larger sizes. Its background is far
  denser in look-alikes than real messages (a few dozen templates), so it stresses both the
  time and the grouping.
Reports the clustering time and memory, how many planted groups come back whole (and whole with
nothing else), and how many clusters form among the background petitions.

Writes bench/results/hot_issues.json and prints it.

Usage: .venv/bin/python bench/hot_issues.py [--windows 10000,20000,50000] [--groups 50] [--size 20]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.lookalike import generate, near_duplicate, rss_mb  # noqa: E402
from xinfang.triage.similarity import (  # noqa: E402
    DEFAULT_SCHEME,
    HOT_ISSUE_SCORE,
    MinHasher,
    clusters,
)

OUT = ROOT / "bench" / "results" / "hot_issues.json"
DATA = ROOT.parent / "shared" / "data"
REAL = ("messages-hot.csv", "messages-with-replies.csv")


def real_messages() -> list[tuple[str, str]]:
    out = []
    for name in REAL:
        with (DATA / name).open(encoding="utf-8-sig", newline="") as fh:
            out += [(r["title"], r["body"]) for r in csv.DictReader(fh)]
    return out


def window(background: list[tuple[str, str]], groups: int, size: int, seed: int):
    """The background plus `groups` planted issues of `size` retellings each, the planted
    groups retold from background petitions (which stay in, as the first to write)."""
    rng = random.Random(seed)
    texts = list(background)
    planted: list[int | None] = [None] * len(texts)
    for g, j in enumerate(rng.sample(range(len(background)), groups)):
        planted[j] = g
        for _ in range(size - 1):
            texts.append(near_duplicate(*background[j], rng))
            planted.append(g)
    order = list(range(len(texts)))
    rng.shuffle(order)
    return [texts[i] for i in order], [planted[i] for i in order]


def run(name: str, background, groups: int, size: int) -> dict:
    texts, planted = window(background, groups, size, seed=len(background))
    n = len(texts)
    hasher = MinHasher(DEFAULT_SCHEME)
    t = time.perf_counter()
    sigs = hasher.signatures([f"{a}\n{b}" for a, b in texts], batch=512)
    t_sig = time.perf_counter() - t
    before = rss_mb()
    t = time.perf_counter()
    found = clusters(list(range(n)), sigs, min_score=HOT_ISSUE_SCORE)
    t_cluster = time.perf_counter() - t
    whole = alone = 0
    for g in range(groups):
        members = {i for i, p in enumerate(planted) if p == g}
        best = max(found, key=lambda c: len(members & {k for k, _l in c}), default=[])
        keys = {k for k, _l in best}
        whole += members <= keys
        alone += members == keys
    background = [c for c in found if all(planted[k] is None for k, _l in c)]
    mixed = [
        c
        for c in found
        if any(planted[k] is not None for k, _l in c) and any(planted[k] is None for k, _l in c)
    ]
    return {
        "background": name,
        "window_cases": n,
        "planted_groups": groups,
        "group_size": size,
        "signature_seconds": round(t_sig, 2),
        "cluster_seconds": round(t_cluster, 2),
        "rss_growth_mb": round(rss_mb() - before, 1),
        "planted_groups_found_whole": whole,
        "planted_groups_found_whole_and_alone": alone,
        "clusters": len(found),
        "background_clusters": len(background),
        "background_cluster_size_median": statistics.median([len(c) for c in background])
        if background
        else 0,
        "clusters_mixing_planted_and_background": len(mixed),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--windows", default="10000,20000,50000")
    parser.add_argument("--groups", type=int, default=50)
    parser.add_argument("--size", type=int, default=20)
    args = parser.parse_args()
    result = {
        "what": "similarity.clusters over a window of petitions (selectors.hot_issues)",
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "min_score": HOT_ISSUE_SCORE,
        "runs": [],
    }
    windows = [("real", real_messages)] if all((DATA / f).exists() for f in REAL) else []
    for n in [int(x) for x in args.windows.split(",") if x]:
        windows.append(("synthetic", lambda n=n: generate(n - args.groups * (args.size - 1), n)))
    for name, make in windows:
        result["runs"].append(run(name, make(), args.groups, args.size))
        print(json.dumps(result["runs"][-1]), flush=True)
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
