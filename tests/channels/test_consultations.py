"""Consultations (咨询): answered directly on a short clock of their own, counted apart from
petitions in the statistics."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from tests.conftest import register_appeal
from xinfang.cases import services
from xinfang.cases.models import Clock, PeriodSetting
from xinfang.core.errors import InvalidInput, MoveNotAllowed
from xinfang.insights import fold
from xinfang.insights.selectors import StatFilters, figure_facts, statistics, windows
from xinfang.orgs.models import Membership

# Monday 2 November 2026, 10:00 Beijing time.
MONDAY = dt.datetime.fromisoformat("2026-11-02T10:00:00+08:00")


def ask(county, **kw):
    fields = dict(
        content_type="consultation",
        channel="phone",
        title="社保卡补办需要哪些材料",
        text="请问社保卡丢失后补办需要带什么材料，到哪里办？",
        parties=[services.PartyInput(phone="13900139000")],
    )
    fields.update(kw)
    return register_appeal(county, **fields).case


@pytest.mark.django_db
def test_a_consultation_runs_its_own_short_clock_and_is_answered_directly(county):
    with time_machine.travel(MONDAY, tick=False):
        case = ask(county)
        clocks = {c.period: c.due_on for c in Clock.objects.filter(case=case)}
        # Three working days; no routing period, since it is not sent on.
        assert clocks == {"consult_answer": dt.date(2026, 11, 5)}
        with pytest.raises(InvalidInput):
            services.answer_consultation(case=case, actor=county.users["clerk"], answer=" ")
        case = services.answer_consultation(
            case=case, actor=county.users["clerk"], answer="带身份证到市民中心二楼办理。"
        )
    assert case.state == "replied"
    assert case.decision_detail["answer"] == "带身份证到市民中心二楼办理。"
    clock = Clock.objects.get(case=case, period="consult_answer")
    assert (clock.status, clock.met) == ("stopped", True)
    # Closed afterwards; no review or rating window holds it open.
    services.close(case=case, actor=county.users["clerk"])


@pytest.mark.django_db
def test_only_a_consultation_is_answered_directly(county):
    case = register_appeal(county).case
    with pytest.raises(MoveNotAllowed) as exc:
        services.answer_consultation(case=case, actor=county.users["clerk"], answer="答复")
    assert str(exc.value) == "只有咨询类事项可以直接答复"


@pytest.mark.django_db
def test_the_consultation_period_is_configurable(county):
    PeriodSetting.objects.create(key="consult_answer", days=5, unit="working")
    with time_machine.travel(MONDAY, tick=False):
        case = ask(county)
    assert Clock.objects.get(case=case, period="consult_answer").due_on == dt.date(2026, 11, 9)


@pytest.mark.django_db
def test_consultations_are_counted_apart_from_petitions(county, client):
    with time_machine.travel(MONDAY, tick=False):
        register_appeal(county)
        register_appeal(county, content_type="suggestion")
        ask(county)
        ask(county, title="公积金提取流程")
    fold.rebuild()
    analyst = county.users["clerk"].__class__.objects.create_user("analyst", password="x")
    Membership.objects.create(user=analyst, body=county.office, role="analyst")
    f = StatFilters(window=windows.month(2026, 11))
    s = statistics(analyst, f, day=dt.date(2026, 12, 1))
    assert (s.intake.count, s.registered, s.consultations) == (2, 2, 2)
    assert {r.key: r.count for r in s.by_channel} == {"channel:letter": 2}
    # The list behind the figure holds the consultations only.
    facts = figure_facts(analyst, f, "consultations", day=dt.date(2026, 12, 1))
    assert set(facts.values_list("content_type", flat=True)) == {"consultation"}
    # Asking for consultations by the content-type filter counts them as the figures' subject.
    only = statistics(
        analyst, StatFilters(window=f.window, content_type="consultation"), day=dt.date(2026, 12, 1)
    )
    assert only.intake.count == 2
    # The statistics page shows them on a tile of their own, linked to their list.
    client.force_login(analyst)
    html = client.get("/desk/statistics/?period=month&year=2026&month=11").content.decode()
    tile = html[html.index('id="fig-consultations"') :][:600]
    assert "咨询" in tile and ">2</a>" in tile and "不计入信访件数" in tile
