"""Learning from the deployment's own data: closed and replied cases (W32) and clerks'
corrections are the labels; versions are stored with held-out metrics and can be rolled back."""

from __future__ import annotations

import csv
import random

import pytest
from django.core.management import CommandError, call_command

from tests.conftest import TAXONOMY_CSV, register_appeal, replied_appeal, shared_data_file
from xinfang.taxonomy.selectors import leaves
from xinfang.taxonomy.services import load_taxonomy
from xinfang.triage import suggest, training
from xinfang.triage.models import Suggestion, TriageModel

IMMEDIATE = "django_tasks.backends.immediate.ImmediateBackend"
# Level-1 category of the file's label -> the leaf the cases are filed under.
LEAVES = {"城乡建设": "物业服务", "劳动和社会保障": "工资发放", "教育文体": "民办学校"}
PER_CLASS = 20


def sample_messages(per_class: int = PER_CLASS) -> list[tuple[str, str]]:
    """A small stratified sample of the shared file, read at test time: (text, level-1)."""
    by_label: dict[str, list[str]] = {}
    with shared_data_file("messages-segmented-train.csv").open(
        encoding="utf-8-sig", newline=""
    ) as fh:
        for row in csv.DictReader(fh):
            if row["label"] in LEAVES and len(row["text"]) > 40:
                by_label.setdefault(row["label"], []).append(row["text"])
    rng = random.Random(5)
    out = []
    for label, texts in sorted(by_label.items()):
        out += [(t, label) for t in rng.sample(texts, per_class)]
    return out


def replied_case(county, text: str, leaf):
    """Registered, transferred, accepted, decided and replied: labelled for training (W32)."""
    words = text.split()
    return replied_appeal(
        county,
        title="".join(words[:4])[:60],
        text=" ".join(words[4:])[:400],
        category=leaf,
        decision="explain",
        facts="已核实",
        reasons="已说明",
    )


@pytest.fixture
def labelled(county):
    load_taxonomy(path=TAXONOMY_CSV)
    leaf = {top: leaves().get(name=name, full_name__startswith=top) for top, name in LEAVES.items()}
    cases = [replied_case(county, text, leaf[label]) for text, label in sample_messages()]
    county.cases = cases
    county.leaf = leaf
    return county


def test_train_triage_now_makes_version_1_with_held_out_metrics_and_activates_it(labelled):
    call_command("train_triage", "--now")
    row = TriageModel.objects.get(kind=TriageModel.CATEGORY)
    assert (row.version, row.status, row.progress, row.is_active) == (1, "ready", 100, True)
    assert row.trained_on == 3 * PER_CLASS
    m = row.metrics
    assert m["test_size"] + m["train_size"] == 3 * PER_CLASS
    assert 0 <= m["macro_f1"] <= 1 and 0 <= m["accuracy"] <= 1
    assert set(m["per_class"]) == set(LEAVES)
    # Three leaves with 20 cases each are enough for a leaf model too.
    assert TriageModel.objects.get(kind=TriageModel.LEAF).is_active

    text = "公司 拖欠 工资 三个月 劳动 监察 不管"
    advice = suggest.suggest("工资拖欠", text, "海阳市留格庄镇")
    assert advice.level1.source == "model"
    assert advice.model_versions == {"category": 1, "leaf": 1}
    probs = [p for _label, p in advice.level1.probabilities]
    assert sorted(lab for lab, _p in advice.level1.probabilities) == sorted(LEAVES)
    assert sum(probs) == pytest.approx(1.0, abs=1e-6)
    assert advice.level1.value == "劳动和社会保障"
    assert advice.level1.confidence == pytest.approx(max(probs), abs=1e-4)
    assert advice.leaf.value == labelled.leaf["劳动和社会保障"].code


def test_low_confidence_threshold_is_configurable_and_flagged(labelled, settings):
    training.start_training(now=True)
    settings.XINFANG = {**settings.XINFANG, "TRIAGE_LOW_CONFIDENCE": 0.999}
    advice = suggest.suggest("工资拖欠", "公司 拖欠 工资", "")
    assert advice.level1.low_confidence and advice.low_confidence
    settings.XINFANG = {**settings.XINFANG, "TRIAGE_LOW_CONFIDENCE": 0.0}
    advice = suggest.suggest("工资拖欠", "公司 拖欠 工资", "")
    assert not advice.level1.low_confidence


def test_rollback_and_activate_switch_the_active_version(labelled):
    training.start_training(now=True)
    training.start_training(now=True)
    assert TriageModel.objects.get(kind="category", is_active=True).version == 2

    call_command("train_triage", "--rollback")
    assert TriageModel.objects.get(kind="category", is_active=True).version == 1
    assert suggest.suggest("工资", "拖欠 工资", "").model_versions["category"] == 1
    with pytest.raises(CommandError, match="没有早于.*1"):
        call_command("train_triage", "--rollback")

    call_command("train_triage", "--activate", "2")
    assert TriageModel.objects.get(kind="category", is_active=True).version == 2


def test_the_command_queues_by_default_and_the_task_writes_progress(labelled, settings):
    settings.TASKS = {"default": {"BACKEND": IMMEDIATE}}
    call_command("train_triage")
    row = TriageModel.objects.get(kind="category", version=1)
    assert (row.status, row.progress, row.is_active) == ("ready", 100, True)
    assert "60" in row.message and "F1" in row.message  # cases used, held-out score


def test_too_few_labelled_cases_give_a_clear_message_and_rules_keep_working(county):
    load_taxonomy(path=TAXONOMY_CSV)
    with pytest.raises(CommandError, match="太少"):
        call_command("train_triage", "--now")
    row = TriageModel.objects.get()
    assert row.status == "failed" and not row.is_active and not row.blob
    advice = suggest.suggest("小区物业服务太差", "物业服务费照收不误。", "")
    assert advice.leaf.source == "rules" and advice.low_confidence


def test_clerks_corrections_count_as_labels(county):
    load_taxonomy(path=TAXONOMY_CSV)
    leaf = leaves().get(name="工资发放")
    case = register_appeal(county, title="工资", text="欠薪", category=leaf).case
    suggestion = Suggestion.objects.create(
        input_hash="x", leaf_code="999999", content_type="report"
    )
    suggest.record_choice(
        suggestion.pk,
        case,
        chosen_by=county.users["clerk"],
        leaf_code=leaf.code,
        content_type="appeal",
    )
    texts, labels, counts = training.labelled_examples("category")
    assert (labels, counts) == (["劳动和社会保障"], {"cases": 0, "corrections": 1})
    assert texts == ["工资\n欠薪"]
    assert training.labelled_examples("leaf")[1] == [leaf.full_name]
    assert training.labelled_examples("content_type")[1] == ["appeal"]
    # A case still open and followed as suggested teaches nothing new.
    Suggestion.objects.filter(pk=suggestion.pk).update(leaf_code=leaf.code)
    assert training.labelled_examples("category")[1] == []
