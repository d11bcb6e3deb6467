"""Benchmark the triage text classifier.

Runs stratified 5-fold cross-validation on the segmented training file (baseline,
final pipeline, and the re-segmenting normaliser variant), the cross-file evaluations
between the segmented file and the raw sample, then times training and single
predictions. Writes bench/results/triage_eval.json.

Usage: .venv/bin/python bench/triage_eval.py [--jobs N] [--skip-variants]
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from xinfang.triage import textmodel  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
SEGMENTED = DATA / "messages-segmented-train.csv"
RAW = DATA / "messages-raw-sample.csv"
OUT = ROOT / "bench" / "results" / "triage_eval.json"
overlap_mask = textmodel.overlap_mask
DUPLICATE_SIMILARITY = textmodel.DUPLICATE_SIMILARITY


def summary(metrics: dict) -> dict:
    keys = ("n", "accuracy", "macro_f1", "pooled_macro_f1", "macro_f1_std", "fold_macro_f1")
    out = {k: metrics[k] for k in keys if k in metrics}
    out["per_class_f1"] = {lab: round(v["f1"], 4) for lab, v in metrics["per_class"].items()}
    if "train_seconds" in metrics:
        out["train_seconds"] = metrics["train_seconds"]
    return out


def timed(label: str, fn, *args, **kwargs):
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    elapsed = time.perf_counter() - started
    print(f"{label}: macro_f1={result['macro_f1']:.4f} ({elapsed:.0f} s)", flush=True)
    return result, elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2, help="parallel CV folds")
    parser.add_argument("--skip-variants", action="store_true", help="only baseline and final")
    args = parser.parse_args()
    if not SEGMENTED.exists() or not RAW.exists():
        print(f"data files not found under {DATA}", file=sys.stderr)
        return 1

    seg_x, seg_y = textmodel.read_labelled_csv(SEGMENTED)
    raw_x, raw_y = textmodel.read_labelled_csv(RAW)
    results: dict = {
        "data": {"segmented": len(seg_x), "raw_sample": len(raw_x)},
        "machine": {"python": platform.python_version(), "cpus": args.jobs},
        "cv": {},
        "cross_file": {},
    }
    factories = {
        "baseline_tfidf_logreg": textmodel.build_baseline,
        "final": textmodel.build_pipeline,
    }
    if not args.skip_variants:
        factories["final_uncapped"] = functools.partial(textmodel.build_pipeline, max_tokens=None)
        factories["final_resegmented_input"] = functools.partial(
            textmodel.build_pipeline, resegment=True
        )
    for name, factory in factories.items():
        metrics, elapsed = timed(
            f"5-fold CV {name}",
            textmodel.cross_validate,
            seg_x,
            seg_y,
            k=5,
            factory=factory,
            n_jobs=args.jobs,
        )
        results["cv"][name] = summary(metrics) | {"wall_seconds": round(elapsed, 1)}
        if name == "final":
            print(textmodel.format_report(metrics), flush=True)

    # Cross-file: drop near-duplicates of the test messages from the training side.
    raw_in_seg = overlap_mask(raw_x, seg_x)
    seg_in_raw = overlap_mask(seg_x, raw_x)
    seg_x_clean = [t for t, dup in zip(seg_x, seg_in_raw, strict=True) if not dup]
    seg_y_clean = [t for t, dup in zip(seg_y, seg_in_raw, strict=True) if not dup]
    results["cross_file"]["overlap"] = {
        "raw_messages_also_in_segmented": int(raw_in_seg.sum()),
        "segmented_messages_also_in_raw": int(seg_in_raw.sum()),
        "similarity_threshold": DUPLICATE_SIMILARITY,
    }
    for name, factory in (
        ("baseline_tfidf_logreg", textmodel.build_baseline),
        ("final", textmodel.build_pipeline),
    ):
        runs = {
            # Train on the segmented file minus the messages in the raw sample.
            "segmented_to_raw": (seg_x_clean, seg_y_clean, raw_x, raw_y),
            # Train on the raw sample, test on the segmented messages it does not contain.
            "raw_to_segmented": (raw_x, raw_y, seg_x_clean, seg_y_clean),
            # Leaky: the raw sample is mostly contained in the training file.
            "segmented_full_to_raw_leaky": (seg_x, seg_y, raw_x, raw_y),
        }
        for run, data in runs.items():
            metrics, _ = timed(f"{run} {name}", textmodel.evaluate, factory, *data)
            results["cross_file"].setdefault(run, {})[name] = summary(metrics) | {
                "train_size": len(data[0]),
                "test_size": len(data[2]),
            }

    # Training time and single-prediction latency of the final model on all data.
    started = time.perf_counter()
    model = textmodel.train(seg_x, seg_y)
    train_seconds = time.perf_counter() - started
    blob = model.to_bytes()
    model = textmodel.TextModel.from_bytes(blob)
    # Raw messages exercise jieba; clear the cache so every call segments afresh.
    textmodel.segment.cache_clear()
    probes = raw_x[:1000]
    model.predict_proba(probes[0])
    textmodel.segment.cache_clear()
    latencies, cpu = [], []
    for text in probes:
        t0, c0 = time.perf_counter(), time.thread_time()
        model.predict_proba(text)
        cpu.append((time.thread_time() - c0) * 1000)
        latencies.append((time.perf_counter() - t0) * 1000)
    latencies.sort()
    cpu.sort()
    results["timing"] = {
        "train_seconds_full_segmented": round(train_seconds, 2),
        "model_bytes": len(blob),
        "predictions": len(latencies),
        "predict_ms_p50": round(statistics.median(latencies), 3),
        "predict_ms_p95": round(latencies[int(0.95 * len(latencies)) - 1], 3),
        "predict_ms_max": round(latencies[-1], 3),
        # CPU time excludes waiting for the processor on a shared machine.
        "predict_cpu_ms_p50": round(statistics.median(cpu), 3),
        "predict_cpu_ms_p95": round(cpu[int(0.95 * len(cpu)) - 1], 3),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "probes": "first 1000 raw sample messages, segmentation cache cleared",
    }
    print(json.dumps(results["timing"], indent=2), flush=True)

    OUT.parent.mkdir(parents=True, exist_ok=True)
    if OUT.exists():
        # Attempts that did not become the default are recorded by hand; keep them.
        previous = json.loads(OUT.read_text(encoding="utf-8"))
        if "attempts" in previous:
            results["attempts"] = previous["attempts"]
    OUT.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: results[k] for k in ("cv", "cross_file")}, ensure_ascii=False, indent=2))
    print(f"written {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
