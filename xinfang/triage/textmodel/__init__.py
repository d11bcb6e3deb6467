"""Text classification of citizen messages into handling categories.

Pure Python and scikit-learn; no Django imports so it can be trained, evaluated and
benchmarked outside the web project.

Every text goes through :func:`normalise` before vectorising, both for training and
for prediction. Raw text (title + body) is segmented with jieba; text that is already
segmented (space separated words) keeps its tokens. Both paths then apply the same
token filter (punctuation, district codes such as "A3", common function words), so a
model trained on one form can score the other.
"""

from __future__ import annotations

# Pickled models name these classes and functions by this package's path; keep them importable
# here so models saved before the split still load.
from .evaluation import (
    DUPLICATE_SIMILARITY,
    cross_validate,
    evaluate,
    format_report,
    overlap_mask,
)
from .model import FORMAT_VERSION, Factory, TextModel, read_labelled_csv, train
from .pipeline import (
    HEAD_TOKENS,
    Normaliser,
    _char_tfidf,
    _head_chars,
    _join_tokens,
    _split_tokens,
    _word_tfidf,
    build_baseline,
    build_pipeline,
)
from .scorer import _FastScorer
from .tokens import STOPWORDS, is_segmented, normalise, search_words, segment

__all__ = [
    "DUPLICATE_SIMILARITY",
    "FORMAT_VERSION",
    "HEAD_TOKENS",
    "STOPWORDS",
    "Factory",
    "Normaliser",
    "TextModel",
    "_FastScorer",
    "_char_tfidf",
    "_head_chars",
    "_join_tokens",
    "_split_tokens",
    "_word_tfidf",
    "build_baseline",
    "build_pipeline",
    "cross_validate",
    "evaluate",
    "format_report",
    "is_segmented",
    "normalise",
    "overlap_mask",
    "read_labelled_csv",
    "search_words",
    "segment",
    "train",
]
