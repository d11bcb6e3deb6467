"""Hearings (听证) while handling (W31), in review (W35) and in re-review (W36): the notice, the
panel, the minutes and the conclusion; only re-review's period does not count hearing time."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from tests.conftest import accepted_appeal
from xinfang.cases import services
from xinfang.cases.models import Clock
from xinfang.core.errors import InvalidInput, MoveNotAllowed
from xinfang.documents.models import Notice

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)  # Monday 09:00 in Beijing
PANEL = "律师 王某（法律顾问）\n人大代表 李某\n群众代表 邻居赵某"


def _hearing(case, actor, held_on=dt.date(2026, 3, 5)):
    return services.start_hearing(
        case=case,
        actor=actor,
        held_on=held_on,
        place="海阳市信访局听证室",
        host="海阳市住建局副局长",
        panel=PANEL,
    )


def test_w31_a_hearing_while_handling_keeps_the_handling_clock_running(county):
    with time_machine.travel(START, tick=False):
        case = accepted_appeal(county)
        due = Clock.objects.get(case=case, period="handle").due_on
        case = _hearing(case, county.users["handler"])
    notice = Notice.objects.get(case=case, kind="hearing_notice")
    assert notice.citizen_visible
    assert (
        notice.context["hearing_panel"] == "律师 王某（法律顾问）、人大代表 李某、群众代表 邻居赵某"
    )
    assert notice.context["hearing_on"] == "2026年3月5日" and not notice.context["stage_pauses"]
    assert case.decision_detail["hearing"]["panel"][0] == "律师 王某（法律顾问）"
    handle = Clock.objects.get(case=case, period="handle")
    assert handle.status == Clock.RUNNING and handle.due_on == due
    with pytest.raises(MoveNotAllowed):
        services.decide(
            case=case, actor=county.users["handler"], decision="support", facts="x", reasons="y"
        )
    with time_machine.travel(START + dt.timedelta(days=5), tick=False):
        case = services.end_hearing(
            case=case,
            actor=county.users["handler"],
            minutes="信访人陈述，物业说明，听证员询问。",
            conclusion="听证员一致认为漏水属实，物业应当维修。",
        )
    assert case.decision_detail["hearing"]["conclusion"] == "听证员一致认为漏水属实，物业应当维修。"
    handle.refresh_from_db()
    assert handle.due_on == due and handle.paused_days == 0
    case = services.decide(
        case=case, actor=county.users["handler"], decision="support", facts="x", reasons="y"
    )
    assert case.state == "decided"


@time_machine.travel(START, tick=False)
def test_w31_a_hearing_needs_its_date_place_host_and_panel(county):
    case = accepted_appeal(county)
    with pytest.raises(InvalidInput) as exc:
        services.start_hearing(
            case=case, actor=county.users["handler"], held_on=None, place="", host="", panel=""
        )
    assert "place" in exc.value.fields
    with pytest.raises(InvalidInput):
        _hearing(case, county.users["handler"], held_on=dt.date(2026, 3, 1))


def test_w35_a_hearing_in_review_keeps_the_review_clock_running_w36_pauses_only_rereview(county):
    """W35 gives review no pause; W36 says only that re-review does not count hearing time."""
    from tests.conftest import replied_appeal

    with time_machine.travel(START, tick=False):
        case = replied_appeal(county)
        case = services.request_review(
            case=case, actor=services.CitizenActor(case_id=case.pk), reasons="不服"
        )
        review = Clock.objects.get(case=case, period="review_decide", status=Clock.RUNNING)
        case = _hearing(case, county.users["city_handler"])
    review.refresh_from_db()
    assert review.status == Clock.RUNNING and review.paused_since is None
    notice = Notice.objects.get(case=case, kind="hearing_notice")
    assert notice.context["stage"] == "复查阶段" and not notice.context["stage_pauses"]
    with pytest.raises(MoveNotAllowed):
        services.decide_review(
            case=case, actor=county.users["city_handler"], decision="reject", opinion="维持"
        )
    with time_machine.travel(START + dt.timedelta(days=4), tick=False):
        case = services.end_hearing(
            case=case, actor=county.users["city_handler"], minutes="陈述", conclusion="维持"
        )
    review.refresh_from_db()
    assert review.paused_days == 0 and review.status == Clock.RUNNING
