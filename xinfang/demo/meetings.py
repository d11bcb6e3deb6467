"""The demo's joint meeting (联席会议, W39), held after the cases: its agenda from the leaders'
cases and the ledger, and two decisions that land in the responsible bodies' inboxes."""

from __future__ import annotations

import datetime as dt

from xinfang.cases.models import Case
from xinfang.core.timeutil import today
from xinfang.reception.models import Meeting
from xinfang.reception.services import meetings as reception

from .county import DemoCounty


def seed_meeting(county: DemoCounty) -> Meeting | None:
    supervisor = county.users["supervisor"]
    owned = Case.objects.exclude(leader_level="").filter(state="accepted").order_by("pk").first()
    if owned is None:
        return None
    meeting = reception.create_meeting(
        actor=supervisor,
        held_on=today(),
        title="全市信访工作联席会议（第四季度）",
        convenor=county.body("office"),
        bodies=[owned.holder_body, county.body("zhujian")],
        place="市政府第一会议室",
        summary="会议听取了领导包案事项和群众反映集中问题的办理情况汇报。",
    )
    item = reception.add_agenda_item(
        actor=supervisor, meeting=meeting, kind="leader_case", case_number=owned.number
    )
    reception.record_decision(
        actor=supervisor,
        meeting=meeting,
        body=owned.holder_body,
        text="责任单位主要负责人牵头，十日内拿出化解方案并向包案领导报告",
        due_on=today() + dt.timedelta(days=10),
        measure="summons",
        agenda_item=item,
    )
    reception.add_agenda_item(
        actor=supervisor, meeting=meeting, kind="hot_issue", topic="老旧小区屋面漏水问题集中反映"
    )
    reception.record_decision(
        actor=supervisor,
        meeting=meeting,
        body=county.body("zhujian"),
        text="住建局牵头排查全市老旧小区屋面防水，形成专项整治方案",
    )
    return meeting
