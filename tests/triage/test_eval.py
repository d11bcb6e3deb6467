"""The evaluation command a deployment runs on its own labelled messages, and the token filter
both training and prediction use."""

from __future__ import annotations

import csv
import io
import re

from django.core.management import call_command

from xinfang.triage import textmodel

HOUSING = [
    "小区物业不修漏水的屋顶{}号楼",
    "物业公司乱收停车费{}元",
    "楼道电梯坏了{}天物业不管",
]
WAGES = [
    "工地老板拖欠工资{}个月",
    "公司欠薪{}元不发",
    "辞职后单位不给结算工资{}天",
]


def _write(path, rows):
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["text", "label"])
        writer.writerows(rows)
    return path


def _rows(numbers):
    rows = []
    for n in numbers:
        rows += [(t.format(n), "城乡建设") for t in HOUSING]
        rows += [(t.format(n), "劳动和社会保障") for t in WAGES]
    return rows


def _run(train, test):
    out, err = io.StringIO(), io.StringIO()
    call_command("triage_eval", train=str(train), test=str(test), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_triage_eval_prints_training_and_prediction_cpu_time(tmp_path):
    train = _write(tmp_path / "train.csv", _rows(range(1, 9)))
    test = _write(
        tmp_path / "test.csv", [("屋顶漏水物业推诿", "城乡建设"), ("老板欠薪", "劳动和社会保障")]
    )
    out, err = _run(train, test)
    cpu = re.search(r"CPU time: training (\d+\.\d+) s, prediction (\d+\.\d+) s", out)
    assert cpu and float(cpu.group(1)) > 0
    assert out.strip().splitlines()[-1].startswith("macro_f1=")
    assert "warning" not in err


def test_triage_eval_warns_when_test_texts_are_training_texts(tmp_path):
    rows = _rows(range(1, 9))
    train = _write(tmp_path / "train.csv", rows)
    test = _write(tmp_path / "test.csv", rows[:6] + [("老板欠薪", "劳动和社会保障")])
    _out, err = _run(train, test)
    assert "warning: 6 of 7 test texts also appear in the training data" in err


def test_the_token_filter_keeps_short_latin_terms_and_drops_place_codes():
    tokens = textmodel.normalise("QQ号被盗，账号ID登不上，5G信号差，PC端打不开，A3区K路").split()
    for term in ("ID", "5G", "PC"):
        assert term in tokens
    assert any(t.startswith("QQ") for t in tokens)
    assert "A3" not in tokens and "K" not in tokens
    # Pre-segmented text keeps them too.
    assert textmodel.normalise("QQ 账号 被盗 5G 信号 A3 区").split() == [
        "QQ",
        "账号",
        "被盗",
        "5G",
        "信号",
        "区",
    ]
