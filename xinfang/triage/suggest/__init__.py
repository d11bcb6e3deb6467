"""Suggestions for a new petition: content type, category, place and responsible body.

Triage only advises. The desk and the API show the advice; a clerk applies it, and the choice is
recorded beside it (record_choice) so corrections become training labels.

With a trained model (TriageModel, active version) the category and content type come with
calibrated probabilities. Without one, keyword rules built from the taxonomy's own leaf names
still suggest a leaf, always flagged as low confidence.
"""

from .advice import (
    CONTENT_TYPES,
    DEFAULT_LOW_CONFIDENCE,
    TEXT_SCAN_CHARS,
    Advice,
    Guess,
    PlaceGuess,
    input_hash,
    low_confidence_threshold,
    model_text,
)
from .engine import advice_for_case, suggest
from .loaded import active_models
from .places import PlaceMatcher, place_matcher, short_forms, suggest_place
from .records import (
    ROUTING_EVENTS,
    record_choice,
    record_routed_body,
    record_suggestion,
    suggestion_for_case,
)
from .rules import KeywordRules, content_type_by_rules, keyword_rules

__all__ = [
    "CONTENT_TYPES",
    "DEFAULT_LOW_CONFIDENCE",
    "TEXT_SCAN_CHARS",
    "Advice",
    "Guess",
    "KeywordRules",
    "PlaceGuess",
    "PlaceMatcher",
    "active_models",
    "advice_for_case",
    "content_type_by_rules",
    "input_hash",
    "keyword_rules",
    "low_confidence_threshold",
    "model_text",
    "place_matcher",
    "ROUTING_EVENTS",
    "record_choice",
    "record_routed_body",
    "record_suggestion",
    "short_forms",
    "suggest",
    "suggest_place",
    "suggestion_for_case",
]
