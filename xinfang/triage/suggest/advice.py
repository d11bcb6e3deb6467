"""What a suggestion is: guesses with confidences, a place, a body; the threshold below which
a guess is shown as low confidence."""

from __future__ import annotations

import hashlib
import os
from dataclasses import asdict, dataclass, field

from django.conf import settings

CONTENT_TYPES = ("appeal", "suggestion", "report")
DEFAULT_LOW_CONFIDENCE = 0.6
# Bodies are long; the place and topic are nearly always in the opening lines.
TEXT_SCAN_CHARS = 600


def low_confidence_threshold() -> float:
    configured = getattr(settings, "XINFANG", {}).get("TRIAGE_LOW_CONFIDENCE")
    if configured is None:
        configured = os.environ.get("XINFANG_TRIAGE_LOW_CONFIDENCE", DEFAULT_LOW_CONFIDENCE)
    return float(configured)


@dataclass
class Guess:
    value: str  # content type key, level-1 name, or leaf code
    label: str  # what a clerk reads
    confidence: float
    source: str  # "model" or "rules"
    low_confidence: bool
    probabilities: list[tuple[str, float]] = field(default_factory=list)


@dataclass
class PlaceGuess:
    code: str
    name: str
    full_name: str
    level: int
    matched: str  # the text that matched
    how: str  # "address" or "text"


@dataclass
class Advice:
    content_type: Guess | None
    level1: Guess | None
    leaf: Guess | None
    place: PlaceGuess | None
    body_id: int | None
    body_name: str
    model_versions: dict[str, int]
    threshold: float

    @property
    def low_confidence(self) -> bool:
        guesses = (self.content_type, self.level1, self.leaf)
        return any(g is None or g.low_confidence for g in guesses)

    def as_dict(self) -> dict:
        out = asdict(self)
        out["low_confidence"] = self.low_confidence
        for key in ("content_type", "level1", "leaf"):
            if out[key] is not None:
                out[key]["probabilities"] = [
                    {"label": lab, "probability": round(p, 4)}
                    for lab, p in out[key]["probabilities"]
                ]
        return out


def input_hash(title: str, body: str, address: str) -> str:
    raw = "\x1f".join((title or "", body or "", address or "")).encode("utf-8")
    return hashlib.sha256(raw).hexdigest()


def model_text(title: str, body: str) -> str:
    return f"{title or ''}\n{body or ''}"
