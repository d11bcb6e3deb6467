"""Active trained models, kept in process memory keyed by row and version; loaded on first use."""

from __future__ import annotations

import threading

from xinfang.triage import textmodel
from xinfang.triage.models import TriageModel

from .advice import Guess

_lock = threading.Lock()
_models: dict[tuple[int, int], textmodel.TextModel] = {}


def active_models() -> dict[str, TriageModel]:
    rows = TriageModel.objects.filter(is_active=True, status=TriageModel.READY).only(
        "pk", "kind", "version"
    )
    return {r.kind: r for r in rows}


def _loaded(row: TriageModel) -> textmodel.TextModel:
    key = (row.pk, row.version)
    model = _models.get(key)
    if model is None:
        with _lock:
            model = _models.get(key)
            if model is None:
                blob = TriageModel.objects.filter(pk=row.pk).values_list("blob", flat=True).get()
                model = textmodel.TextModel.from_bytes(bytes(blob))
                # Only the active versions are worth keeping.
                if len(_models) >= 6:
                    _models.clear()
                _models[key] = model
    return model


def _model_guess(model: textmodel.TextModel, text: str, labels: dict[str, str], threshold: float):
    pairs = model.predict_proba(text)
    value, p = pairs[0]
    return Guess(
        value=value,
        label=labels.get(value, value),
        confidence=round(float(p), 4),
        source="model",
        low_confidence=p < threshold,
        probabilities=[(lab, float(q)) for lab, q in pairs],
    )
