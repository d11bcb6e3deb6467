"""A fixed month of petitions whose figures are worked out by hand in the tests.

The county of tests/conftest.py; "today" is 2026-12-20 and the reporting window November 2026.
Times are 10:00 in Shanghai (02:00 UTC), so no date depends on the machine's time zone.

| case | registered | channel | place | what happened (2026) |
| A | 11-02 | web    | village | sent on, accepted, answered 11-06; rated satisfied 11-07 |
| B | 11-03 | letter | town    | sent on 11-25 (routing 7 days late), answered 11-25; rated unsatisfied |
| C | 11-04 | web    | county  | sent on 11-28 (routing late), answered 11-28; not rated, window open |
| D | 11-05 | visit  | village | answered 11-06; review asked 11-08, review not decided (overdue) |
| E | 11-06 | phone  | town    | answered 11-09; not rated, window over on 12-09 |
| F | 11-10 | web    | village | never sent on: routing overdue since 11-26 |
| G | 11-12 | letter | village | a repeat of F, merged into it the same day |
| H | 10-15 | web    | village | October: the month before |
| I | 2025-11-20 | letter | town | a year before |

Every answer supports the request and is carried out the day it is given.

Grid ledger: two items found in the village in November, one settled.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
import time_machine

from tests.conftest import register_appeal
from xinfang.cases import services
from xinfang.insights import fold
from xinfang.orgs.models import Membership

TODAY = dt.date(2026, 12, 20)


def at(y, m, d):
    return dt.datetime(y, m, d, 2, 0, tzinfo=dt.UTC)


def _travel(moment):
    return time_machine.travel(moment, tick=False)


def citizen(case):
    return services.CitizenActor(case_id=case.pk)


@dataclass
class Month:
    county: object
    cases: dict
    analyst: object


def answer(county, case, when):
    u = county.users
    with _travel(when):
        case = services.transfer(case=case, actor=u["clerk"], body=county.housing)
        case = services.accept(case=case, actor=u["handler"])
        case = services.decide(
            case=case, actor=u["handler"], decision="support", facts="属实", reasons="应当处理"
        )
        case = services.reply(case=case, actor=u["head"])
        # Carried out the same day (W32), so no carrying-out deadline runs late in this month.
        return services.record_carried_out(
            case=case, actor=u["handler"], account="已按处理意见落实"
        )


def register(county, when, channel, place, title):
    with _travel(when):
        return register_appeal(
            county, channel=channel, place=place, title=title, text=f"{title}，请尽快处理。"
        ).case


def build_month(county) -> Month:
    c = county
    cases = {}
    cases["A"] = register(c, at(2026, 11, 2), "web", c.village, "村道路灯损坏")
    cases["B"] = register(c, at(2026, 11, 3), "letter", c.town, "镇上集市占道经营")
    cases["C"] = register(c, at(2026, 11, 4), "web", c.county, "小区供暖不热")
    cases["D"] = register(c, at(2026, 11, 5), "visit", c.village, "宅基地界址纠纷")
    cases["E"] = register(c, at(2026, 11, 6), "phone", c.town, "农田灌溉渠堵塞")
    cases["F"] = register(c, at(2026, 11, 10), "web", c.village, "养殖场异味扰民")
    cases["G"] = register(c, at(2026, 11, 12), "letter", c.village, "养殖场气味难闻")
    cases["H"] = register(c, at(2026, 10, 15), "web", c.village, "村委会公开栏未更新")
    cases["I"] = register(c, at(2025, 11, 20), "letter", c.town, "镇卫生院排队久")

    cases["A"] = answer(c, cases["A"], at(2026, 11, 6))
    with _travel(at(2026, 11, 7)):
        services.rate(case=cases["A"], actor=citizen(cases["A"]), rating="satisfied")
    cases["B"] = answer(c, cases["B"], at(2026, 11, 25))
    with _travel(at(2026, 11, 26)):
        services.rate(case=cases["B"], actor=citizen(cases["B"]), rating="unsatisfied")
    cases["C"] = answer(c, cases["C"], at(2026, 11, 28))
    cases["D"] = answer(c, cases["D"], at(2026, 11, 6))
    with _travel(at(2026, 11, 8)):
        services.request_review(case=cases["D"], actor=citizen(cases["D"]), reasons="不服")
    cases["E"] = answer(c, cases["E"], at(2026, 11, 9))
    with _travel(at(2026, 11, 12)):
        services.merge_repeat(case=cases["G"], actor=c.users["clerk"], into=cases["F"].number)

    grid = c.users["grid"]
    with _travel(at(2026, 11, 20)):
        item = services.register_grid_item(
            actor=grid,
            body=c.village_committee,
            kind="dispute",
            title="邻里排水纠纷",
            description="两户因排水沟走向发生争执。",
            place=c.village,
            responsible_person="网格员",
            due_on=dt.date(2026, 11, 30),
        )
    with _travel(at(2026, 11, 22)):
        services.settle_grid_item(item=item, actor=grid, outcome="调解达成协议")
    with _travel(at(2026, 11, 21)):
        services.register_grid_item(
            actor=grid,
            body=c.village_committee,
            kind="hazard",
            title="村口桥栏杆松动",
            description="桥栏杆松动，存在安全隐患。",
            place=c.village,
            responsible_person="网格员",
            due_on=dt.date(2026, 12, 5),
        )
    fold.rebuild()
    analyst = c.users["clerk"].__class__.objects.create_user("analyst", password="pw-analyst")
    Membership.objects.create(user=analyst, body=c.office, role="analyst")
    return Month(c, {k: v.__class__.objects.get(pk=v.pk) for k, v in cases.items()}, analyst)


@pytest.fixture
def month(county):
    return build_month(county)
