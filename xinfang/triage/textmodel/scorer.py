"""Scoring one message of a fitted pipeline without scikit-learn's per-call overhead."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence

import numpy as np
from scipy.special import expit
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline

logger = logging.getLogger("xinfang.triage")


class _FastScorer:
    """Scores one message of a fitted :func:`build_pipeline` model without scikit-learn's
    per-call overhead.

    For a single document the vectorisers, the feature union and the calibrated classifier
    spend most of their time validating input and building sparse matrices. This does the
    same arithmetic with dictionary lookups and a gather of coefficient rows: the TF-IDF
    weights of each block, L2-normalised per block, times the SVM coefficients, then the
    per-class sigmoid calibration normalised over classes. :meth:`build` checks the result
    against the pipeline and refuses (returns None) on any difference, so a model of another
    shape simply keeps the pipeline path.
    """

    def __init__(self, pipeline: Pipeline):
        steps = dict(pipeline.steps)
        self.normaliser = steps["normalise"]
        features, clf = steps["features"], steps["clf"]
        if not isinstance(features, FeatureUnion):
            raise ValueError("needs a feature union")
        weights = features.transformer_weights or {}
        self.blocks: list[tuple[Callable[[str], dict[int, int]], np.ndarray, int, bool, float]]
        self.blocks = []
        offset = 0
        for name, vec in features.transformer_list:
            if not isinstance(vec, TfidfVectorizer) or vec.binary or vec.norm != "l2":
                raise ValueError("needs L2-normalised TF-IDF blocks")
            idf = vec.idf_ if vec.use_idf else np.ones(len(vec.vocabulary_))
            weight = float(weights.get(name, 1.0))  # the union scales a block after its norm
            count = _analyser_counter(vec)
            self.blocks.append((count, idf, offset, vec.sublinear_tf, weight))
            offset += len(vec.vocabulary_)
        if not isinstance(clf, CalibratedClassifierCV) or len(clf.calibrated_classifiers_) != 1:
            raise ValueError("needs one calibrated linear classifier")
        calibrated = clf.calibrated_classifiers_[0]
        self.coef = np.ascontiguousarray(calibrated.estimator.coef_.T)  # features x classes
        if self.coef.shape[0] != offset:
            raise ValueError("coefficients do not match the features")
        self.intercept = np.asarray(calibrated.estimator.intercept_, dtype=np.float64)
        self.a = np.array([c.a_ for c in calibrated.calibrators], dtype=np.float64)
        self.b = np.array([c.b_ for c in calibrated.calibrators], dtype=np.float64)
        self.n_classes = len(clf.classes_)

    @classmethod
    def build(cls, pipeline: Pipeline, probes: Sequence[str]) -> _FastScorer | None:
        try:
            scorer = cls(pipeline)
            expected = pipeline.predict_proba(list(probes))
            got = np.array([scorer.proba(p) for p in probes])
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            logger.debug("triage model keeps the pipeline path: %s", exc)
            return None
        if got.shape != expected.shape or not np.allclose(got, expected, atol=1e-6):
            logger.warning("triage fast scorer disagrees with the pipeline; not used")
            return None
        return scorer

    def decision(self, normalised: str) -> np.ndarray:
        columns, weights = [], []
        for count, idf, offset, sublinear, weight in self.blocks:
            counts = count(normalised)
            if not counts:
                continue
            idx = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
            tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
            if sublinear:
                tf = np.log(tf) + 1.0
            w = tf * idf[idx]
            w *= weight / math.sqrt(float(w @ w))
            columns.append(idx + offset)
            weights.append(w)
        if not columns:
            return self.intercept.copy()
        return np.concatenate(weights) @ self.coef[np.concatenate(columns)] + self.intercept

    def proba(self, text: str) -> np.ndarray:
        df = self.decision(self.normaliser.transform([text])[0])
        p = expit(-(self.a * df + self.b))
        if self.n_classes == 2:
            return np.array([1.0 - p[0], p[0]])
        total = p.sum()
        return p / total if total else np.full(self.n_classes, 1.0 / self.n_classes)


def _analyser_counter(vec: TfidfVectorizer) -> Callable[[str], dict[int, int]]:
    analyser, lookup = vec.build_analyzer(), vec.vocabulary_.get  # exactly as fitted

    def count(doc: str) -> dict[int, int]:
        counts: dict[int, int] = {}
        for term in analyser(doc):
            j = lookup(term)
            if j is not None:
                counts[j] = counts.get(j, 0) + 1
        return counts

    return count
