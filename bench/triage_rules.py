"""Measure the day-one suggestion rules (no model trained yet) on the labelled messages.

The rules are built from the bundled taxonomy's own leaf names exactly as triage builds them
for a taxonomy version (KeywordRules.build), and rank level-1 categories for each message of
../shared/data: the raw sample (title and body) and the segmented training file (words as
exported, and the same words joined again). Reports top-1 and top-3 accuracy at level 1 and
the CPU time per message. Writes bench/results/triage_rules.json.

Usage: DJANGO_SETTINGS_MODULE=xinfang.config.settings PYTHONPATH=. .venv/bin/python \
    bench/triage_rules.py
"""

from __future__ import annotations

import csv
import json
import os
import platform
import sys
import time
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinfang.config.settings")
django.setup()

from xinfang.taxonomy.models import Category  # noqa: E402
from xinfang.taxonomy.services import BUNDLED_CSV  # noqa: E402
from xinfang.triage.suggest.rules import KeywordRules  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
RAW = DATA / "messages-raw-sample.csv"
SEGMENTED = DATA / "messages-segmented-train.csv"
OUT = ROOT / "bench" / "results" / "triage_rules.json"
# The example of issue reports: the taxonomy's own leaf must win over generic words.
EXAMPLE = "工伤认定申请半年多没有结果"


def categories_in_memory(path: Path) -> list[Category]:
    """The taxonomy's categories as load_taxonomy would store them, without a database."""
    out: list[Category] = []
    by_key: dict[tuple[str, ...], Category] = {}
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            names = (row["level1"].strip(), row["level2"].strip(), row["level3"].strip())
            for level in (1, 2, 3):
                key = names[:level]
                if key in by_key:
                    continue
                parent = by_key.get(key[:-1])
                c = Category(
                    pk=len(out) + 1,
                    code=f"{len(out) + 1:06d}",
                    name=key[-1],
                    level=level,
                    parent_id=parent.pk if parent else None,
                    full_name="/".join(key),
                )
                by_key[key] = c
                out.append(c)
    return out


def measure(rules: KeywordRules, rows: list[tuple[str, str]]) -> dict:
    top1 = top3 = unmatched = 0
    started = time.process_time()
    for text, label in rows:
        ranked = [name for name, _score in rules.level1_ranking(text=text)]
        unmatched += not ranked
        top1 += ranked[:1] == [label]
        top3 += label in ranked[:3]
    cpu = time.process_time() - started
    n = len(rows)
    return {
        "n": n,
        "top1": round(top1 / n, 4),
        "top3": round(top3 / n, 4),
        "no_rule_matched": unmatched,
        "cpu_ms_per_message": round(cpu * 1000 / n, 3),
    }


def main() -> int:
    if not RAW.exists() or not SEGMENTED.exists():
        print(f"labelled messages not found under {DATA}", file=sys.stderr)
        return 1
    started = time.process_time()
    rules = KeywordRules.build(categories_in_memory(BUNDLED_CSV))
    build_cpu = time.process_time() - started
    with RAW.open(encoding="utf-8-sig", newline="") as fh:
        raw = [(f"{r['title']}\n{r['body']}", r["label"]) for r in csv.DictReader(fh)]
    with SEGMENTED.open(encoding="utf-8-sig", newline="") as fh:
        segmented = [(r["text"], r["label"]) for r in csv.DictReader(fh)]
    joined = [(text.replace(" ", ""), label) for text, label in segmented]

    leaf = rules.scores(EXAMPLE)[0][0]
    results = {
        "what": "day-one keyword rules from the taxonomy's leaf names, level-1 ranking",
        "taxonomy": str(BUNDLED_CSV.relative_to(ROOT)),
        "leaves": len(rules.leaves),
        "rules_build_cpu_seconds": round(build_cpu, 3),
        "raw_sample": measure(rules, raw),
        "segmented_as_exported": measure(rules, segmented),
        "segmented_words_joined": measure(rules, joined),
        "example": {"text": EXAMPLE, "leaf": leaf.full_name},
        "earlier_rules_raw_sample": {"top1": 0.684, "top3": 0.863},
        "machine": {"python": platform.python_version(), "load_1m": os.getloadavg()[0]},
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, ensure_ascii=False, indent=2))
    print(f"written {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
