"""Tests for the pure triage text model (no database needed)."""

from __future__ import annotations

import math
import pickle
from pathlib import Path

import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import train_test_split
from sklearn.naive_bayes import ComplementNB
from sklearn.pipeline import Pipeline

from tests.conftest import shared_data_file
from xinfang.triage import textmodel

SEGMENTED = "messages-segmented-train.csv"
RAW = "messages-raw-sample.csv"

# Measured with 1,500 training rows and 1,000 held out: 0.880 / 0.883 / 0.896 for
# seeds 0 / 1 / 2 (full-data 5-fold CV ~0.92; 7 classes, so chance is ~0.14).
MACRO_F1_FLOOR = 0.85


def _need(name: str) -> Path:
    return shared_data_file(name)


@pytest.fixture(scope="module")
def segmented():
    return textmodel.read_labelled_csv(_need(SEGMENTED))


@pytest.fixture(scope="module")
def split(segmented):
    texts, labels = segmented
    x_train, x_rest, y_train, y_rest = train_test_split(
        texts, labels, train_size=1500, stratify=labels, random_state=0
    )
    x_test, _, y_test, _ = train_test_split(
        x_rest, y_rest, train_size=1000, stratify=y_rest, random_state=0
    )
    return x_train, y_train, x_test, y_test


@pytest.fixture(scope="module")
def model(split):
    x_train, y_train, _, _ = split
    return textmodel.train(x_train, y_train)


def test_held_out_macro_f1_above_floor(model, split):
    _, _, x_test, y_test = split
    metrics = textmodel.evaluate(model, [], [], x_test, y_test)
    assert metrics["n"] == 1000
    assert metrics["macro_f1"] >= MACRO_F1_FLOOR
    assert len(metrics["labels"]) == 7
    assert sum(map(sum, metrics["confusion_matrix"])) == 1000
    assert sum(v["support"] for v in metrics["per_class"].values()) == 1000


def test_format_report_ends_with_macro_f1(model, split):
    _, _, x_test, y_test = split
    metrics = textmodel.evaluate(model, [], [], x_test[:200], y_test[:200])
    last = textmodel.format_report(metrics).splitlines()[-1]
    assert last == f"macro_f1={metrics['macro_f1']:.4f}"


def test_probabilities_sorted_and_sum_to_one(model, split):
    _, _, x_test, _ = split
    for text in x_test[:20]:
        pairs = model.predict_proba(text)
        probs = [p for _, p in pairs]
        assert {label for label, _ in pairs} == set(model.labels)
        assert probs == sorted(probs, reverse=True)
        assert math.isclose(sum(probs), 1.0, abs_tol=1e-9)
        assert all(0.0 <= p <= 1.0 for p in probs)


def test_round_trip_bytes_gives_identical_probabilities(model, split):
    _, _, x_test, _ = split
    clone = textmodel.TextModel.from_bytes(model.to_bytes())
    assert clone.labels == model.labels
    for text in x_test[:20]:
        assert clone.predict_proba(text) == model.predict_proba(text)


def test_from_bytes_rejects_foreign_payload():
    with pytest.raises(ValueError, match="format"):
        textmodel.TextModel.from_bytes(pickle.dumps({"version": 999}))


def test_raw_and_segmented_forms_normalise_alike(model):
    raw = "A市西湖路的路灯坏了，晚上非常危险，请尽快维修。"
    pre = textmodel.segment(raw)
    assert textmodel.is_segmented(pre)
    assert not textmodel.is_segmented(raw)
    # District codes, punctuation and function words are dropped on both paths.
    assert "A" not in pre.split() and "，" not in pre and "的" not in pre.split()
    assert textmodel.normalise(raw) == textmodel.normalise(pre) == pre
    assert model.predict_proba(raw) == model.predict_proba(pre)


def test_raw_sample_scores_well_above_chance(model):
    texts, labels = textmodel.read_labelled_csv(_need(RAW))
    metrics = textmodel.evaluate(model, [], [], texts[:300], labels[:300])
    assert metrics["macro_f1"] >= 0.7


def test_reader_accepts_text_layout(tmp_path):
    path = tmp_path / "seg.csv"
    path.write_text("id,text,label\n1,路灯 坏 维修,城乡建设\n2,工资 拖欠,劳动和社会保障\n")
    texts, labels = textmodel.read_labelled_csv(path)
    assert texts == ["路灯 坏 维修", "工资 拖欠"]
    assert labels == ["城乡建设", "劳动和社会保障"]


def test_reader_accepts_title_body_layout(tmp_path):
    path = tmp_path / "raw.csv"
    path.write_text(
        "\ufeffid,title,body,label,time\n"
        '1,路灯坏了,"晚上很黑,请维修",城乡建设,2020/1/6 12:09:38\n'
        "2,,,城乡建设,2020/1/6\n",
        encoding="utf-8",
    )
    texts, labels = textmodel.read_labelled_csv(path)
    # Rows with neither title nor body are skipped.
    assert texts == ["路灯坏了\n晚上很黑,请维修"]
    assert labels == ["城乡建设"]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("id,content,label", "text (or title and body)"),
        ("id,title,label", "text (or title and body)"),
        ("id,text,category", "label"),
    ],
)
def test_reader_rejects_bad_layout(tmp_path, header, expected):
    path = tmp_path / "bad.csv"
    path.write_text(header + "\n1,x,y\n")
    with pytest.raises(ValueError, match="missing column") as excinfo:
        textmodel.read_labelled_csv(path)
    assert expected in str(excinfo.value)
    assert "bad.csv" in str(excinfo.value)


def test_cross_validate_accepts_an_estimator(segmented):
    texts, labels = segmented
    x, _, y, _ = train_test_split(texts, labels, train_size=700, stratify=labels, random_state=1)
    # A cheap estimator keeps this fast; the factory path is exercised by ``model``.
    estimator = Pipeline(
        [
            ("normalise", textmodel.Normaliser()),
            ("tfidf", TfidfVectorizer(analyzer=str.split)),
            ("nb", ComplementNB()),
        ]
    )
    metrics = textmodel.cross_validate(x, y, k=3, factory=estimator)
    assert metrics["folds"] == 3 and len(metrics["fold_macro_f1"]) == 3
    assert metrics["macro_f1"] > 0.5
    assert textmodel.format_report(metrics).splitlines()[-1].startswith("macro_f1=0.")


def test_train_rejects_mismatched_input():
    with pytest.raises(ValueError):
        textmodel.train(["a b"], ["x", "y"])
    with pytest.raises(ValueError):
        textmodel.train(["a b", "c d"], ["x", "x"])


def _pipeline_pairs(model, text):
    return dict(model.predict_proba_many([text])[0])


def test_single_message_scores_match_the_pipeline(model, split):
    # One message is scored without scikit-learn's per-call overhead; the numbers must be the
    # pipeline's own, for raw, pre-segmented, empty and out-of-vocabulary text.
    _, _, x_test, _ = split
    raw_texts, _ = textmodel.read_labelled_csv(_need(RAW))
    assert model._scorer() is not None
    texts = [*x_test[:30], *raw_texts[:30], "", "ABC 123", "甲乙丙丁戊己庚辛"]
    for text in texts:
        fast = dict(model.predict_proba(text))
        slow = _pipeline_pairs(model, text)
        assert fast.keys() == slow.keys()
        assert all(math.isclose(fast[k], slow[k], abs_tol=1e-6) for k in slow)
        assert max(fast, key=fast.get) == max(slow, key=slow.get)


def test_two_class_model_scores_match_the_pipeline(segmented):
    texts, labels = segmented
    by_label = {
        lab: [t for t, tl in zip(texts, labels, strict=True) if tl == lab][:165]
        for lab in ("教育文体", "环境保护")
    }
    train = [(t, lab) for lab, ts in by_label.items() for t in ts[:150]]
    two = textmodel.train([t for t, _ in train], [lab for _, lab in train])
    assert two._scorer() is not None
    for text in [t for ts in by_label.values() for t in ts[150:]]:
        fast, slow = dict(two.predict_proba(text)), _pipeline_pairs(two, text)
        assert all(math.isclose(fast[k], slow[k], abs_tol=1e-6) for k in slow)


def test_a_pipeline_of_another_shape_keeps_the_pipeline_path(split):
    x_train, y_train, x_test, _ = split
    other = textmodel.train(x_train[:400], y_train[:400], factory=textmodel.build_baseline)
    assert other._scorer() is None
    assert dict(other.predict_proba(x_test[0])) == _pipeline_pairs(other, x_test[0])


def test_saved_model_does_not_carry_the_scorer(model, split):
    assert model._scorer() is not None
    clone = textmodel.TextModel.from_bytes(model.to_bytes())
    assert "_fast" not in clone.__dict__
    assert clone.predict_proba(split[2][0]) == model.predict_proba(split[2][0])
