"""Builders shared by the service tests: the county with a provincial department, the main
path of a case step by step on the 2025 calendar, and timeline checks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model

from tests.conftest import County, register_appeal
from xinfang.cases import services
from xinfang.cases.models import Case, CaseEvent, Clock
from xinfang.orgs.models import Body, BodyKind, Membership

D = dt.date.fromisoformat


def on(time_machine, day: str) -> None:
    """Move the clock to 10:00 Beijing time on `day`."""
    time_machine.move_to(dt.datetime.fromisoformat(f"{day}T10:00:00+08:00"), tick=False)


def reload(case: Case) -> Case:
    return Case.objects.select_related("holder_body").get(pk=case.pk)


def last_event(case: Case) -> CaseEvent:
    return CaseEvent.objects.filter(case=case).order_by("-seq").first()


def clock(case: Case, period: str) -> Clock:
    """The latest clock of `period` on the case."""
    return Clock.objects.filter(case=case, period=period).order_by("-pk").first()


def running(case: Case) -> dict[str, dt.date]:
    return {
        c.period: c.due_on for c in Clock.objects.filter(case=case).exclude(status=Clock.STOPPED)
    }


def _staff(username: str, body: Body, *roles: str):
    user = get_user_model().objects.create_user(username, password="x", first_name=username)
    for role in roles:
        Membership.objects.create(user=user, body=body, role=role)
    return user


@dataclass
class World:
    county: County
    province_housing: Body
    users: dict

    def __getitem__(self, name: str):
        return self.users[name]


@pytest.fixture
def world(county) -> World:
    """The county, plus a provincial department above the city one so re-review has a superior."""
    province_housing = Body.objects.create(
        name="山东省住房和城乡建设厅", kind=BodyKind.DEPARTMENT, division=county.province
    )
    county.city_housing.parent = province_housing
    county.city_housing.save()
    users = dict(county.users)
    users["province_handler"] = _staff("province_handler", province_housing, "handler")
    users["office_handler"] = _staff("office_handler", county.office, "handler")
    return World(county, province_housing, users)


def citizen(case: Case) -> services.CitizenActor:
    return services.CitizenActor(case_id=case.pk)


# The main path, one step a line: (move, day it is made, how).
Step = tuple[str, str, Callable[[World, Case], Case]]
MAIN_PATH: list[Step] = [
    (
        "transfer",
        "2025-03-03",
        lambda w, c: services.transfer(case=c, actor=w["clerk"], body=w.county.housing),
    ),
    ("accept", "2025-03-03", lambda w, c: services.accept(case=c, actor=w["handler"])),
    (
        "request_extension",
        "2025-03-10",
        lambda w, c: services.request_extension(
            case=c, actor=w["handler"], days=20, reason="需委托第三方检测房屋渗漏原因"
        ),
    ),
    ("extend", "2025-03-10", lambda w, c: services.extend(case=c, actor=w["head"])),
    (
        "decide",
        "2025-04-01",
        lambda w, c: services.decide(
            case=c,
            actor=w["handler"],
            decision="support",
            facts="屋面防水层老化",
            reasons="属于保修范围",
            basis="《物业管理条例》",
        ),
    ),
    ("reply", "2025-04-01", lambda w, c: services.reply(case=c, actor=w["head"])),
    (
        "rate",
        "2025-04-02",
        lambda w, c: services.rate(case=c, actor=citizen(c), rating="unsatisfied"),
    ),
    (
        "request_review",
        "2025-04-07",
        lambda w, c: services.request_review(case=c, actor=citizen(c), reasons="维修方案不合理"),
    ),
    (
        "decide_review",
        "2025-04-20",
        lambda w, c: services.decide_review(
            case=c, actor=w["city_handler"], decision="support", opinion="维持原处理意见"
        ),
    ),
    (
        "request_rereview",
        "2025-04-21",
        lambda w, c: services.request_rereview(case=c, actor=citizen(c), reasons="仍不同意"),
    ),
    (
        "start_hearing",
        "2025-04-22",
        lambda w, c: services.start_hearing(
            case=c,
            actor=w["province_handler"],
            held_on=dt.date(2025, 4, 25),
            place="省信访局听证室",
            host="省信访局副局长",
            panel="律师 王某\n人大代表 李某\n群众代表 邻居赵某",
        ),
    ),
    (
        "end_hearing",
        "2025-04-29",
        lambda w, c: services.end_hearing(
            case=c, actor=w["province_handler"], minutes="各方陈述", conclusion="建议维持"
        ),
    ),
    (
        "decide_rereview",
        "2025-05-06",
        lambda w, c: services.decide_rereview(
            case=c, actor=w["province_handler"], decision="explain", opinion="复核维持"
        ),
    ),
    ("close", "2025-05-06", lambda w, c: services.close(case=c, actor=w["province_handler"])),
]
STEP_NAMES = [s[0] for s in MAIN_PATH]


@pytest.fixture
def path(world, time_machine):
    """`path.before(move)`: a case registered on 2025-03-03 and moved along the main path up to
    (not including) `move`, with the clock set to the day that move is made."""

    class Path:
        def register(self, **overrides) -> Case:
            on(time_machine, "2025-03-03")
            return register_appeal(world.county, **overrides).case

        def before(self, move: str, case: Case | None = None) -> Case:
            case = case or self.register()
            for name, day, make in MAIN_PATH:
                on(time_machine, day)
                if name == move:
                    return reload(case)
                case = make(world, case)
            return reload(case)

    return Path()


def assert_event(case: Case, kind: str, *, actor, citizen_visible: bool, notice: str = ""):
    event = last_event(case)
    assert event.kind == kind
    assert event.actor_id == (actor.pk if actor is not None else None)
    assert event.citizen_visible is citizen_visible
    assert event.notice == notice
    return event
