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

import csv
import functools
import io
import logging
import math
import pickle
import re
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from joblib import Parallel, delayed
from scipy.special import expit
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
)
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC

logger = logging.getLogger("xinfang.triage")

__all__ = [
    "TextModel",
    "build_baseline",
    "build_pipeline",
    "cross_validate",
    "evaluate",
    "format_report",
    "is_segmented",
    "normalise",
    "read_labelled_csv",
    "segment",
    "train",
]

FORMAT_VERSION = 1

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# A token is kept only if it has at least one letter, digit or CJK character.
_CONTENT = re.compile(rf"[0-9A-Za-z{_CJK}]")
# Anonymised place codes ("A3", "K", "E8") and bare numbers carry no topic signal and
# differ between the raw and the pre-segmented exports.
_CODE = re.compile(r"^(?:[A-Za-z]{1,2}\d{0,3}|\d+(?:\.\d+)?)$")
_SPACE_BETWEEN_CJK = re.compile(rf"[{_CJK}] +[{_CJK}]")
_CJK_CHAR = re.compile(rf"[{_CJK}]")
# Raw messages reach their 300th kept token after 2.3-3 characters a token (median 2.8).
_RAW_CHARS_PER_TOKEN = 3
_SPACE_RUN_CJK = re.compile(rf"(?<=[{_CJK}]) +(?=[{_CJK}])")

# Generic Chinese function words; the pre-segmented export has them removed already,
# so dropping them from raw text keeps both forms alike.
STOPWORDS = frozenset(
    """
    的 了 是 在 有 和 与 及 或 等 也 都 就 而 且 但 又 还 并 被 把 对 从 到 向 为 以 于
    之 其 该 此 这 那 这个 那个 这些 那些 这样 那样 这里 那里 个 些 着 过 吗 呢 吧 啊 呀
    哦 嘛 么 我 我们 你 你们 您 他 他们 她 她们 它 它们 自己 大家 什么 怎么 如何 为什么
    因为 所以 如果 但是 而且 并且 或者 以及 还是 只是 不是 没有 就是 可以 已经 一个 一些
    非常 很 太 更 最 极 不 没 让 给 用 由 将 要 会 能 可 却 才 再 所 得 地 至 非 无
    """.split()
)

_jieba_lock = threading.Lock()


@functools.cache
def _jieba() -> Any:
    # Loading the dictionary takes about a second; do it once per process.
    import jieba

    jieba.setLogLevel(logging.WARNING)
    with _jieba_lock:
        jieba.initialize()
    return jieba


@functools.lru_cache(maxsize=1 << 16)  # tokens repeat: two regexes once per distinct token
def _keep(token: str) -> bool:
    return bool(_CONTENT.search(token)) and not _CODE.match(token) and token not in STOPWORDS


def _filter(tokens: Iterable[str]) -> str:
    return " ".join(t for t in (tok.strip() for tok in tokens) if t and _keep(t))


# Cached because cross-validation normalises the same texts once per fold.
@functools.lru_cache(maxsize=8192)
def segment(text: str) -> str:
    """Segment raw Chinese text with jieba and return space separated content words."""
    return _filter(_jieba().lcut(text or ""))


def is_segmented(text: str) -> bool:
    """True when the text already looks like space separated words.

    Raw messages rarely put spaces between two Chinese characters, segmented ones do
    so between almost every pair of words.
    """
    cjk = len(_CJK_CHAR.findall(text))
    if cjk == 0:
        return False
    return len(_SPACE_BETWEEN_CJK.findall(text)) * 6 >= cjk


def normalise(text: str, *, resegment: bool = False, max_tokens: int | None = None) -> str:
    """Canonical token string for a message, raw or already segmented.

    With ``resegment`` pre-segmented text is joined and cut again by jieba instead of
    keeping its tokens; keeping them scored slightly higher in cross-validation (see
    bench/triage_eval.py), so it is off by default.

    ``max_tokens`` keeps only the start of long messages: the title and opening lines
    carry the topic, and it bounds prediction latency on very long bodies.
    """
    text = text or ""
    if is_segmented(text):
        if resegment:
            tokens = segment(_SPACE_RUN_CJK.sub("", text))
        else:
            tokens = _filter(text.split())
    else:
        if max_tokens:
            # Only the start can reach the token cap; segmenting the rest is wasted work.
            text = text[: max_tokens * _RAW_CHARS_PER_TOKEN]
        tokens = segment(text)
    if max_tokens:
        tokens = " ".join(tokens.split()[:max_tokens])
    return tokens


def _join_tokens(text: str) -> str:
    # Character n-grams are taken over the words without the spaces between them,
    # so they do not depend on where the segmenter drew word boundaries.
    return text.replace(" ", "")


def _split_tokens(text: str) -> list[str]:
    return text.split()


class Normaliser(TransformerMixin, BaseEstimator):
    """Pipeline step that applies :func:`normalise` to every document."""

    def __init__(self, resegment: bool = False, max_tokens: int | None = None):
        self.resegment = resegment
        self.max_tokens = max_tokens

    def fit(self, X: Sequence[str], y: Any = None) -> Normaliser:  # noqa: N803
        return self

    def transform(self, X: Sequence[str]) -> list[str]:  # noqa: N803
        return [normalise(x, resegment=self.resegment, max_tokens=self.max_tokens) for x in X]


def _word_tfidf(**kwargs: Any) -> TfidfVectorizer:
    return TfidfVectorizer(
        analyzer=_split_tokens, lowercase=False, sublinear_tf=True, dtype=np.float32, **kwargs
    )


def _char_tfidf(**kwargs: Any) -> TfidfVectorizer:
    return TfidfVectorizer(
        analyzer="char",
        preprocessor=_join_tokens,
        lowercase=False,
        sublinear_tf=True,
        dtype=np.float32,
        **kwargs,
    )


def build_baseline() -> Pipeline:
    """Plain word TF-IDF + logistic regression, kept as the reference point."""
    return Pipeline(
        [
            ("normalise", Normaliser()),
            ("tfidf", TfidfVectorizer(analyzer=_split_tokens, lowercase=False)),
            ("clf", LogisticRegression(max_iter=2000)),
        ]
    )


# The title comes first in both the raw and the pre-segmented exports; its first words get a
# block of their own so topic words in the title weigh more than the same words in the body.
HEAD_TOKENS = 8


def _head_chars(text: str) -> str:
    return "".join(text.split()[:HEAD_TOKENS])


def build_pipeline(
    *,
    c: float = 1.5,
    char_ngrams: tuple[int, int] = (2, 4),
    char_min_df: int = 2,
    head_weight: float = 0.6,
    calibration_folds: int = 3,
    resegment: bool = False,
    max_tokens: int | None = 300,
) -> Pipeline:
    """Best pipeline found: word and character n-gram TF-IDF of the whole message, plus
    character 1-3-grams of its first words (the title), into a calibrated LinearSVC.

    The title block raised 5-fold CV macro-F1 from 0.918 to 0.928 and segmented-to-raw
    transfer from 0.897 to 0.908 (bench/results/triage_eval.json lists what else was tried).
    The margins of a linear SVM rank well but are not probabilities; sigmoid calibration
    fitted on internal out-of-fold margins turns them into probabilities. A single SVM
    refitted on all data (ensemble=False) scored higher than averaging the fold models.
    Capping messages at 300 tokens costs ~0.001 macro-F1 and bounds the prediction time of
    long raw messages.
    """
    head = TfidfVectorizer(
        analyzer="char",
        preprocessor=_head_chars,
        ngram_range=(1, 3),
        min_df=2,
        lowercase=False,
        sublinear_tf=True,
        dtype=np.float32,
    )
    features = FeatureUnion(
        [
            ("words", _word_tfidf()),
            ("chars", _char_tfidf(ngram_range=char_ngrams, min_df=char_min_df)),
            ("head", head),
        ],
        transformer_weights={"words": 1.0, "chars": 1.0, "head": head_weight},
    )
    svm = LinearSVC(C=c, class_weight="balanced")
    clf = CalibratedClassifierCV(svm, method="sigmoid", cv=calibration_folds, ensemble=False)
    return Pipeline(
        [("normalise", Normaliser(resegment, max_tokens)), ("features", features), ("clf", clf)]
    )


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
    started = time.perf_counter()
    pipeline = factory()
    pipeline.fit(list(texts), list(labels))
    return TextModel(
        pipeline=pipeline,
        labels=[str(c) for c in pipeline.classes_],
        train_size=len(texts),
        train_seconds=time.perf_counter() - started,
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
    started = time.perf_counter()
    predicted = model.predict_many(test_texts)
    result = _metrics(list(test_labels), predicted)
    result["train_size"] = len(train_texts) if not isinstance(model_or_factory, TextModel) else 0
    result["train_seconds"] = model.train_seconds
    result["predict_seconds"] = time.perf_counter() - started
    return result


def _run_fold(factory: Any, texts, labels, train_idx, test_idx):
    model = _fit_for_eval(factory, [texts[i] for i in train_idx], [labels[i] for i in train_idx])
    return model.predict_many([texts[i] for i in test_idx]), model.train_seconds


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
    for (_, test_idx), (fold_pred, _) in zip(splits, runs, strict=True):
        for i, p in zip(test_idx, fold_pred, strict=True):
            predicted[i] = p
        fold_f1.append(float(f1_score([labels[i] for i in test_idx], fold_pred, average="macro")))
    result = _metrics(labels, predicted)
    result["pooled_macro_f1"] = result["macro_f1"]
    result["macro_f1"] = float(np.mean(fold_f1))
    result["fold_macro_f1"] = fold_f1
    result["macro_f1_std"] = float(np.std(fold_f1))
    result["folds"] = k
    result["train_seconds"] = [seconds for _, seconds in runs]
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
    lines.append(f"macro_f1={metrics['macro_f1']:.4f}")
    return "\n".join(lines)
