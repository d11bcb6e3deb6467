"""The demo's reception days (W18): two resident lawyers, a weekly video session that the staffed
township joins, and an in-person day next week with walk-ins booked on open cases."""

from __future__ import annotations

import datetime as dt

from xinfang.cases import workflow
from xinfang.cases.models import Case
from xinfang.core.timeutil import today
from xinfang.reception import services
from xinfang.reception.models import DayMode, Lawyer, ReceptionDay

from .county import DemoCounty

LAWYERS = [
    ("于海涛", "山东海阳正和律师事务所", "13706199010123456"),
    ("王淑芬", "山东海阳明理律师事务所", "13706201110234567"),
]


def seed_reception(county: DemoCounty) -> int:
    """Publish the demo's reception days once; returns how many days exist."""
    if ReceptionDay.objects.filter(office=county.office).exists():
        return ReceptionDay.objects.filter(office=county.office).count()
    clerk, leader = county.users.get("clerk"), county.users.get("leader")
    if clerk is None:
        return 0
    lawyers = [
        Lawyer.objects.get_or_create(
            office=county.office, name=name, defaults={"firm": firm, "licence": licence}
        )[0]
        for name, firm, licence in LAWYERS
    ]
    town = county.body("town")
    if not town.has_video_room:
        town.has_video_room = True
        town.save(update_fields=["has_video_room"])
    start = today() + dt.timedelta(days=1)
    wednesday = start + dt.timedelta(days=(2 - start.weekday()) % 7)
    services.publish_days(
        actor=clerk,
        data=services.DayInput(
            office=county.office,
            host=county.government,
            leader=leader,
            leader_title="市委副书记 姜卫东",
            day=wednesday,
            starts_at=dt.time(14, 30),
            ends_at=dt.time(17, 0),
            mode=DayMode.BOTH,
            capacity=8,
            place="海阳市民服务中心二楼信访接待大厅",
            topics="征地拆迁、住房保障、劳动社保",
            stations=(town,),
            lawyers=tuple(lawyers[:1]),
            weeks=8,
        ),
    )
    monday = wednesday + dt.timedelta(days=5)
    day = services.publish_days(
        actor=clerk,
        data=services.DayInput(
            office=county.office,
            host=county.office,
            leader=leader,
            leader_title="市信访局局长",
            day=monday,
            starts_at=dt.time(9, 0),
            ends_at=dt.time(11, 30),
            mode=DayMode.IN_PERSON,
            capacity=6,
            place="海阳市信访局一楼接待室",
            topics="群众来访接待",
            lawyers=tuple(lawyers),
        ),
    )[0]
    open_cases = Case.objects.filter(
        holder_body=county.office, state__in=sorted(workflow.OPEN)
    ).order_by("pk")[:3]
    for case, kind in zip(open_cases, ("walk_in", "invited", "walk_in"), strict=False):
        services.book_for(
            actor=clerk, day_id=day.pk, number=case.number, mode="in_person", kind=kind
        )
    return ReceptionDay.objects.filter(office=county.office).count()
