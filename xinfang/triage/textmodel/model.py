"""A fitted model with its metadata, its training and its (de)serialisation; labelled CSVs."""

from __future__ import annotations

import csv
import io
import pickle
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.pipeline import Pipeline

from .pipeline import build_pipeline
from .scorer import _FastScorer

FORMAT_VERSION = 1

# Messages the fast scorer is checked against when a model is loaded: raw, segmented, empty.
_PROBES = ("市区道路积水严重，请尽快处理。", "小区 物业 收费 不合理 业主 投诉", "", "ABC 123")


@dataclass
class TextModel:
    """A fitted pipeline plus the metadata needed to use and describe it."""

    pipeline: Pipeline
    labels: list[str]
    trained_at: float = field(default_factory=time.time)
    train_size: int = 0
    train_seconds: float = 0.0
    # Processor time of this process: unlike wall time, not inflated by a busy machine.
    train_cpu_seconds: float = 0.0

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("_fast", None)  # rebuilt (and re-checked) after loading
        return state

    def _scorer(self) -> _FastScorer | None:
        if "_fast" not in self.__dict__:
            self.__dict__["_fast"] = _FastScorer.build(self.pipeline, _PROBES)
        return self.__dict__["_fast"]

    def predict_proba(self, text: str) -> list[tuple[str, float]]:
        """(label, probability) pairs for one message, most likely first."""
        scorer = self._scorer()
        if scorer is None:
            return self.predict_proba_many([text])[0]
        return self._ranked(scorer.proba(text))

    def _ranked(self, row: np.ndarray) -> list[tuple[str, float]]:
        classes = [str(c) for c in self.pipeline.classes_]
        row = row / row.sum()
        return sorted(zip(classes, row.tolist(), strict=True), key=lambda p: -p[1])

    def predict_proba_many(self, texts: Sequence[str]) -> list[list[tuple[str, float]]]:
        proba = self.pipeline.predict_proba(list(texts))
        return [self._ranked(row) for row in proba]

    def predict(self, text: str) -> str:
        return self.predict_proba(text)[0][0]

    def predict_many(self, texts: Sequence[str]) -> list[str]:
        return [str(p) for p in self.pipeline.predict(list(texts))]

    def to_bytes(self) -> bytes:
        buf = io.BytesIO()
        pickle.dump({"version": FORMAT_VERSION, "model": self}, buf, protocol=5)
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> TextModel:
        # Only load models this project wrote: pickle executes code from the payload.
        payload = pickle.loads(data)  # noqa: S301
        if not isinstance(payload, dict) or payload.get("version") != FORMAT_VERSION:
            raise ValueError("unsupported triage model format")
        model = payload["model"]
        if not isinstance(model, cls):
            raise ValueError("payload is not a TextModel")
        return model


Factory = Callable[[], Any]


def train(
    texts: Sequence[str], labels: Sequence[str], factory: Factory = build_pipeline
) -> TextModel:
    """Fit a fresh pipeline from ``factory`` on the given messages."""
    if len(texts) != len(labels):
        raise ValueError(f"{len(texts)} texts but {len(labels)} labels")
    if len(set(labels)) < 2:
        raise ValueError("need at least two distinct labels to train")
    started, cpu = time.perf_counter(), time.process_time()
    pipeline = factory()
    pipeline.fit(list(texts), list(labels))
    return TextModel(
        pipeline=pipeline,
        labels=[str(c) for c in pipeline.classes_],
        train_size=len(texts),
        train_seconds=time.perf_counter() - started,
        train_cpu_seconds=time.process_time() - cpu,
    )


def read_labelled_csv(path: str | Path) -> tuple[list[str], list[str]]:
    """Read messages and labels from a CSV with ``text`` or ``title`` + ``body`` columns.

    Title and body are joined with a newline; the text is returned unsegmented (the
    pipeline normalises it).
    """
    path = Path(path)
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        columns = [c.strip() for c in (reader.fieldnames or [])]
        reader.fieldnames = columns
        has_text = "text" in columns
        has_title_body = "title" in columns and "body" in columns
        missing = [c for c in ("label",) if c not in columns]
        if not (has_text or has_title_body):
            missing.append("text (or title and body)")
        if missing:
            raise ValueError(
                f"{path.name}: missing column(s) {', '.join(missing)}; "
                f"found {', '.join(columns) or 'no header'}"
            )
        texts: list[str] = []
        labels: list[str] = []
        for row in reader:
            label = (row.get("label") or "").strip()
            if has_text:
                text = row.get("text") or ""
            else:
                text = f"{row.get('title') or ''}\n{row.get('body') or ''}"
            if not label or not text.strip():
                continue
            texts.append(text)
            labels.append(label)
    return texts, labels
