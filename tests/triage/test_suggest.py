"""Suggestions before a model is trained: keyword rules from the taxonomy, the place from the
deployment's own division table, the responsible body through routing rules (W22, W31), and
the clerk's choice recorded beside the advice."""

from __future__ import annotations

import pytest

from tests.conftest import TAXONOMY_CSV, register_appeal
from xinfang.orgs.models import Division, Level
from xinfang.taxonomy.models import RoutingRule
from xinfang.taxonomy.selectors import leaves
from xinfang.taxonomy.services import load_taxonomy
from xinfang.triage import suggest
from xinfang.triage.models import Suggestion


@pytest.fixture
def taxonomy(county):
    load_taxonomy(path=TAXONOMY_CSV)
    return county


def test_without_a_model_keyword_rules_give_a_taxonomy_leaf_flagged_low_confidence(taxonomy):
    advice = suggest.suggest(
        "小区物业服务太差", "物业公司不打扫卫生，物业服务费照收不误。", "海阳市某小区"
    )
    leaf = leaves().get(code=advice.leaf.value)
    assert leaf.name == "物业服务"
    assert advice.leaf.label == "城乡建设/住房保障与房地产/物业服务"
    assert advice.leaf.source == "rules"
    assert advice.leaf.low_confidence and advice.low_confidence
    assert 0 < advice.leaf.confidence < 1
    assert advice.level1.value == "城乡建设" and advice.level1.low_confidence
    assert advice.model_versions == {}


def test_keyword_rules_find_nothing_in_unrelated_text_and_say_so(taxonomy):
    advice = suggest.suggest("你好", "请回电话。", "")
    assert advice.leaf is None and advice.level1 is None
    assert advice.low_confidence  # a missing guess is never shown as a confident one


@pytest.mark.parametrize(
    ("title", "body", "expected"),
    [
        ("举报村干部", "村支书贪污扶贫款。", "report"),
        ("关于公交线路的建议", "希望增开一条公交线路。", "suggestion"),
        ("工资被拖欠", "老板欠我三个月工资。", "appeal"),
        # "希望" ends most complaints: it alone does not make a suggestion.
        ("小区物业乱收费", "物业多收停车费，希望有关部门尽快处理。", "appeal"),
        ("希望开通夜间公交线路", "下夜班没有车回家。", "suggestion"),
        ("投诉商家虚假宣传", "商家宣传与实际不符，要求退款。", "appeal"),
    ],
)
def test_w29_w31_content_type_by_keywords_without_a_model(taxonomy, title, body, expected):
    advice = suggest.suggest(title, body, "")
    assert advice.content_type.value == expected
    assert advice.content_type.source == "rules" and advice.content_type.low_confidence


def test_place_from_the_address_down_to_the_village_of_the_test_county(taxonomy):
    advice = suggest.suggest("道路坑洼", "村里道路年久失修。", "海阳市留格庄镇东村12号")
    assert advice.place.code == taxonomy.village.code == "370687101201"
    assert advice.place.how == "address"
    assert advice.place.matched == "东村"
    assert advice.place.full_name == "山东省烟台市海阳市留格庄镇东村"


def test_place_by_short_form_from_the_text_when_the_address_has_none(taxonomy):
    advice = suggest.suggest("留格庄道路坑洼", "海阳留格庄的主路坑洼不平。", "不详")
    assert advice.place.code == taxonomy.town.code
    assert advice.place.how == "text"
    assert advice.place.matched == "留格庄"


def test_an_ambiguous_village_name_counts_only_under_a_named_township(taxonomy):
    other_town = Division.objects.create(
        code="370687102", name="发城镇", level=Level.TOWNSHIP, parent=taxonomy.county
    )
    Division.objects.create(
        code="370687102201", name="东村", level=Level.VILLAGE, parent=other_town
    )
    assert suggest.suggest("", "", "发城镇东村").place.code == "370687102201"
    assert suggest.suggest("", "", "留格庄镇东村").place.code == "370687101201"
    # "东村" alone names two villages: the place stays unsaid rather than guessed.
    assert suggest.suggest("", "", "东村").place is None


def test_w22_responsible_body_through_the_routing_rule(taxonomy):
    leaf = leaves().get(name="物业服务")
    RoutingRule.objects.create(
        category=leaf.parent, division=taxonomy.county, body=taxonomy.housing
    )
    advice = suggest.suggest(
        "小区物业服务太差", "物业公司不打扫卫生，物业服务费照收不误。", "海阳市留格庄镇东村"
    )
    assert advice.body_id == taxonomy.housing.pk
    assert advice.body_name == "海阳市住房和城乡建设局"


def test_the_clerks_choice_is_recorded_beside_the_suggestion(taxonomy):
    title, body, address = "小区物业服务太差", "物业服务费照收不误。", "海阳市留格庄镇东村"
    advice = suggest.suggest(title, body, address)
    row = suggest.record_suggestion(title, body, address, advice)
    other_leaf = leaves().get(name="噪音污染")
    case = register_appeal(taxonomy, title=title, text=body, category=other_leaf).case

    suggest.record_choice(
        row.pk,
        case,
        chosen_by=taxonomy.users["clerk"],
        content_type="appeal",
        leaf_code=other_leaf.code,
        division_code=taxonomy.village.code,
    )
    row.refresh_from_db()
    assert row.case == case and row.chosen_by == taxonomy.users["clerk"]
    assert row.leaf_code != row.chosen_leaf_code == other_leaf.code
    assert row.accepted == {"content_type": True, "leaf": False, "division": True}
    assert suggest.suggestion_for_case(case) == row

    suggest.record_choice(row.pk, case, chosen_by=taxonomy.users["clerk"], body=taxonomy.land)
    row.refresh_from_db()
    assert row.chosen_body == taxonomy.land
    assert row.accepted["leaf"] is False  # the earlier choice stays
    assert Suggestion.objects.count() == 1
