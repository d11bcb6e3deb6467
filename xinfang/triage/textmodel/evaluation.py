"""Held-out evaluation, cross-validation and the printed report."""

from __future__ import annotations

import time
import unicodedata
from collections.abc import Sequence
from typing import Any

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import clone
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
)
from sklearn.model_selection import StratifiedKFold

from .model import TextModel, train
from .pipeline import build_pipeline
from .tokens import normalise

# Cosine similarity of character-bigram TF-IDF above which two messages count as the same
# message (exported twice, or copied into both files).
DUPLICATE_SIMILARITY = 0.8


def overlap_mask(queries: Sequence[str], corpus: Sequence[str]) -> np.ndarray:
    """For each query, whether a (near-)identical message is in ``corpus``: a test text that
    is also a training text makes a held-out score look better than it is."""
    q = [normalise(t).replace(" ", "") for t in queries]
    c = [normalise(t).replace(" ", "") for t in corpus]
    best = np.zeros(len(q), dtype=np.float32)
    if not any(q) or not any(c):
        return best >= DUPLICATE_SIMILARITY
    vec = TfidfVectorizer(analyzer="char", ngram_range=(2, 2), dtype=np.float32).fit(q + c)
    qm, cm = vec.transform(q), vec.transform(c)
    for start in range(0, len(q), 500):
        sims = (qm[start : start + 500] @ cm.T).max(axis=1).toarray().ravel()
        best[start : start + 500] = sims
    return best >= DUPLICATE_SIMILARITY


def _fit_for_eval(model_or_factory: Any, texts: Sequence[str], labels: Sequence[str]):
    if isinstance(model_or_factory, TextModel):
        return model_or_factory
    if hasattr(model_or_factory, "fit"):
        est = clone(model_or_factory)
        return train(texts, labels, factory=lambda: est)
    if callable(model_or_factory):
        return train(texts, labels, factory=model_or_factory)
    raise TypeError("expected a TextModel, an estimator or a pipeline factory")


def _metrics(y_true: Sequence[str], y_pred: Sequence[str]) -> dict[str, Any]:
    labels = sorted(set(y_true) | set(y_pred))
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    return {
        "n": len(y_true),
        "accuracy": float(accuracy_score(y_true, y_pred)),
        "macro_f1": float(f1_score(y_true, y_pred, labels=labels, average="macro")),
        "labels": labels,
        "per_class": {
            lab: {
                "precision": float(p[i]),
                "recall": float(r[i]),
                "f1": float(f[i]),
                "support": int(s[i]),
            }
            for i, lab in enumerate(labels)
        },
        "confusion_matrix": confusion_matrix(y_true, y_pred, labels=labels).tolist(),
    }


def evaluate(
    model_or_factory: Any,
    train_texts: Sequence[str],
    train_labels: Sequence[str],
    test_texts: Sequence[str],
    test_labels: Sequence[str],
) -> dict[str, Any]:
    """Train (unless given a fitted TextModel) and score on a held-out set.

    ``model_or_factory`` is a fitted :class:`TextModel` (training data ignored), an
    unfitted estimator (cloned) or a zero-argument factory such as
    :func:`build_pipeline`.
    """
    model = _fit_for_eval(model_or_factory, train_texts, train_labels)
    started, cpu = time.perf_counter(), time.process_time()
    predicted = model.predict_many(test_texts)
    predict_cpu = time.process_time() - cpu
    result = _metrics(list(test_labels), predicted)
    result["train_size"] = len(train_texts) if not isinstance(model_or_factory, TextModel) else 0
    result["train_seconds"] = model.train_seconds
    result["predict_seconds"] = time.perf_counter() - started
    result["train_cpu_seconds"] = model.train_cpu_seconds
    result["predict_cpu_seconds"] = predict_cpu
    return result


def _run_fold(factory: Any, texts, labels, train_idx, test_idx):
    model = _fit_for_eval(factory, [texts[i] for i in train_idx], [labels[i] for i in train_idx])
    cpu = time.process_time()
    predicted = model.predict_many([texts[i] for i in test_idx])
    return predicted, model.train_seconds, model.train_cpu_seconds, time.process_time() - cpu


def cross_validate(
    texts: Sequence[str],
    labels: Sequence[str],
    k: int = 5,
    factory: Any = build_pipeline,
    seed: int = 0,
    n_jobs: int | None = None,
) -> dict[str, Any]:
    """Stratified k-fold CV; ``macro_f1`` is the mean over folds.

    Per-class figures and the confusion matrix are computed on the pooled
    out-of-fold predictions. ``n_jobs`` runs folds in parallel processes.
    """
    if k < 2:
        raise ValueError("k must be at least 2")
    texts = list(texts)
    labels = list(labels)
    splits = list(StratifiedKFold(n_splits=k, shuffle=True, random_state=seed).split(texts, labels))
    runs = Parallel(n_jobs=n_jobs)(
        delayed(_run_fold)(factory, texts, labels, tr, te) for tr, te in splits
    )
    predicted: list[str] = [""] * len(texts)
    fold_f1: list[float] = []
    for (_, test_idx), (fold_pred, *_times) in zip(splits, runs, strict=True):
        for i, p in zip(test_idx, fold_pred, strict=True):
            predicted[i] = p
        fold_f1.append(float(f1_score([labels[i] for i in test_idx], fold_pred, average="macro")))
    result = _metrics(labels, predicted)
    result["pooled_macro_f1"] = result["macro_f1"]
    result["macro_f1"] = float(np.mean(fold_f1))
    result["fold_macro_f1"] = fold_f1
    result["macro_f1_std"] = float(np.std(fold_f1))
    result["folds"] = k
    result["train_seconds"] = [run[1] for run in runs]
    # Folds run in worker processes: each measures its own processor time.
    result["train_cpu_seconds"] = [run[2] for run in runs]
    result["predict_cpu_seconds"] = [run[3] for run in runs]
    return result


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    # Chinese labels take two terminal columns per character.
    return text + " " * max(0, width - _display_width(text))


def format_report(metrics: dict[str, Any]) -> str:
    """Human readable report; the last line is ``macro_f1=0.xxxx``."""
    labels = metrics["labels"]
    width = max([len("label"), *(_display_width(lab) for lab in labels)]) + 2
    lines = []
    if "folds" in metrics:
        folds = " ".join(f"{f:.4f}" for f in metrics["fold_macro_f1"])
        lines.append(f"{metrics['folds']}-fold cross-validation, n={metrics['n']}")
        lines.append(f"fold macro-F1: {folds} (std {metrics['macro_f1_std']:.4f})")
    else:
        lines.append(f"held-out evaluation, n={metrics['n']}")
    lines.append(f"accuracy={metrics['accuracy']:.4f}")
    lines.append("")
    lines.append(f"{_pad('label', width)}precision  recall      f1  support")
    for lab in labels:
        pc = metrics["per_class"][lab]
        lines.append(
            f"{_pad(lab, width)}{pc['precision']:9.4f} {pc['recall']:7.4f} "
            f"{pc['f1']:7.4f} {pc['support']:8d}"
        )
    lines.append("")
    lines.append("confusion matrix (rows true, columns predicted), labels in order:")
    lines.append("  " + ", ".join(f"{i}={lab}" for i, lab in enumerate(labels)))
    cm = metrics["confusion_matrix"]
    cell = max(4, *(len(str(v)) + 1 for row in cm for v in row))
    lines.append("   " + "".join(f"{i:>{cell}}" for i in range(len(labels))))
    for i, row in enumerate(cm):
        lines.append(f"{i:>3}" + "".join(f"{v:>{cell}}" for v in row))
    train_cpu, predict_cpu = metrics.get("train_cpu_seconds"), metrics.get("predict_cpu_seconds")
    if train_cpu is not None and predict_cpu is not None:
        if isinstance(train_cpu, list):  # cross-validation: the sum over folds
            train_cpu, predict_cpu = sum(train_cpu), sum(predict_cpu)
        lines.append(
            f"CPU time: training {train_cpu:.2f} s, prediction {predict_cpu:.2f} s "
            f"({predict_cpu * 1000 / max(1, metrics['n']):.2f} ms a message)"
        )
    lines.append(f"macro_f1={metrics['macro_f1']:.4f}")
    return "\n".join(lines)
