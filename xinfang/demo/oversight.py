"""The oversight layer of the demo (joint handling, supervision notices, extensions refused,
leaders' cases, unmasking) and the grid ledger, planned after the procedure's cases."""

from __future__ import annotations

import datetime as dt

from xinfang.cases.workflow import S

from . import data
from .flow import Flow
from .planner import CasePlan, GridPlan, Late, Planner, handler_of, head_of, step_day, superior_of

WORDS = data.words()
LISTS = data.lists()
GRID_KEYS = 100_000  # grid plan keys, apart from case plan keys
GRID_LEVELS = ("village", "town", "office")
GRID_ACTORS = {"village": "grid_worker", "town": "town_handler", "office": "clerk"}


def plan_oversight(p: Planner) -> None:
    r = p.rng
    county = p.county
    leader = county.users["leader"]
    appeals = p.topics(need_head=True)
    zhujian = [t for t in appeals if t.body == "zhujian"]

    def later(days: int) -> Late:
        return Late(lambda: step_day() + dt.timedelta(days=days))

    def give_to_leader(f: Flow, actor: str, level: str, days: int, **when) -> None:
        f.then(
            "assign_leader",
            actor,
            level=level,
            leader=leader,
            body=county.body(f.holder),
            plan=data.plans()["leader_plans"][level],
            deadline=later(days),
            **when,
        )

    # Joint handling (W24): some co-handling bodies have answered, some not yet.
    co = []
    for i, row in enumerate(data.plans()["co_handling"]):
        topic, stage = data.story(row["story"]), row["stage"]
        parts = [(part["body"], part["part"], part["answer"]) for part in row["parts"]]
        if stage == S.TRANSFERRED:
            f = p.new_case(stage, topic, reg_ago=r.randint(4, 8)).route(gap=(0, 1))
        else:
            f = p.new_case(stage, topic, reg_ago=r.randint(30, 50)).route().accept()
        adder = "clerk" if i % 2 == 0 else handler_of(f.holder)
        for body_key, part, _answer in parts:
            f.then("add_co_handler", adder, gap=(0, 2), body=county.body(body_key), part=part)
        for body_key, _part, answer in parts:
            if answer:
                f.then("answer_co_handling", handler_of(body_key), gap=(3, 8), answer=answer)
        co.append(f)
    # Every view of personal data in clear is logged (DESIGN.md, Access).
    co[0].then(
        "unmask",
        handler_of(co[0].holder),
        gap=(0, 1),
        party_id=Late(lambda pl=co[0].plan: pl.case.parties.order_by("pk").first().pk),
        reason=WORDS["unmask_wage"],
    )
    co[0].then("supervise", "supervisor", at=r.randint(2, 4), grounds=LISTS["supervision"][1])

    # Supervision notices (W40): one long past its reply date, one answered then issued again.
    f = p.new_case(S.ACCEPTED, r.choice(zhujian), reg_ago=r.randint(80, 95)).route().accept()
    f.then("supervise", "supervisor", at=r.randint(22, 26), grounds=LISTS["supervision"][1])
    f = p.new_case(S.ACCEPTED, r.choice(appeals), reg_ago=r.randint(75, 90)).route().accept()
    f.then("supervise", "supervisor", at=30, grounds=LISTS["supervision"][2], due_on=later(7))
    f.then(
        "answer_supervision",
        handler_of(f.holder),
        gap=(3, 5),
        answer=WORDS["answer_supervision_met"],
    )
    f.then(
        "supervise",
        "supervisor",
        at=14,
        grounds=WORDS["supervise_again"],
        due_on=later(7),
    )

    # Extensions (W34): refused with the limit days away, refused then answered, one pending.
    f = p.new_case(S.ACCEPTED, r.choice(zhujian), reg_ago=r.randint(62, 64)).route()
    f.accept(at=r.randint(56, 57))
    f.then(
        "request_extension",
        handler_of(f.holder),
        at=r.randint(8, 10),
        days=30,
        reason=LISTS["extension"][1],
    )
    f.then("refuse_extension", head_of(f.holder), gap=(1, 2), reason=LISTS["refusals"][1])
    f = p.new_case(S.REPLIED, r.choice(appeals), reg_ago=r.randint(75, 85)).route().accept()
    f.then(
        "request_extension",
        handler_of(f.holder),
        gap=(40, 45),
        days=20,
        reason=LISTS["extension"][0],
    )
    f.then("refuse_extension", head_of(f.holder), gap=(1, 2), reason=LISTS["refusals"][0])
    f.decide(gap=(3, 8)).reply()
    f = p.new_case(S.ACCEPTED, r.choice(zhujian), reg_ago=r.randint(50, 55)).route().accept()
    f.then(
        "request_extension",
        handler_of(f.holder),
        at=r.randint(1, 2),
        days=15,
        reason=LISTS["extension"][2],
    )

    # Leaders' cases (包案, W18): one past its time limit and escalated, one under review, one new.
    groups = p.topics(group=True, need_head=True)
    f = p.new_case(
        S.ACCEPTED, r.choice(groups), reg_ago=r.randint(95, 110), channel="visit", group=True
    )
    f.route().accept()
    give_to_leader(f, "supervisor", "A", 30, at=r.randint(44, 48))
    f.then(
        "escalate",
        "supervisor",
        at=r.randint(5, 9),
        reason=WORDS["escalate_leader"],
    )
    reviewable = [t for t in p.topics(reviewable=True) if superior_of(t.body) == "government"]
    f = p.new_case(S.UNDER_REVIEW, r.choice(reviewable), reg_ago=r.randint(75, 90)).route()
    f.handle_to_reply(reply_at=r.randint(25, 32)).request_review(at=r.randint(12, 16))
    give_to_leader(f, "leader", "B", 25, gap=(1, 3))
    f = p.new_case(S.TRANSFERRED, r.choice(appeals), reg_ago=r.randint(5, 8)).route(gap=(0, 1))
    give_to_leader(f, "leader", "C", 20, gap=(1, 2))

    # Letters to a leader (阅批, W18): one awaiting the instruction, one instructed to a body.
    f = p.new_case(S.REGISTERED, r.choice(appeals), reg_ago=r.randint(1, 2), channel="letter")
    f.then("address_leader", "clerk", gap=(0, 1), leader=leader, note=WORDS["letter_note"])
    f = p.new_case(S.TRANSFERRED, r.choice(appeals), reg_ago=r.randint(6, 9), channel="letter")
    f.route(gap=(0, 1))
    f.then("address_leader", "clerk", gap=(0, 1), leader=leader, note=WORDS["letter_note"])
    f.then(
        "instruct",
        "leader",
        gap=(1, 2),
        instruction=WORDS["leader_instruction"],
        body=county.body(f.holder),
        deadline=later(10),
    )

    # A reporter's identity, seen by the discipline body holding the report (W30, W46).
    f = p.new_case(S.ACCEPTED, data.story("dibao_favour"), reg_ago=r.randint(15, 30))
    if not f.plan.register["parties"]:
        f.plan.register["parties"] = [p.party(f.plan.register["address"])]
    f.route().accept()
    f.then(
        "unmask",
        "jiwei_handler",
        gap=(1, 3),
        party_id=Late(lambda pl=f.plan: pl.case.parties.order_by("pk").first().pk),
        reason=WORDS["unmask_report"],
    )


def plan_grid_ledger(p: Planner) -> None:
    r = p.rng

    def due(days: int) -> Late:
        return Late(lambda: step_day() + dt.timedelta(days=days))

    grid = data.grid()
    for spec in data.grid_rows():
        target, ago, days = spec.target, spec.ago, spec.days
        status, level = target.split("@")
        start = spec.level
        place = p.grid_village if start == "village" else r.choice(p.town_villages)
        plan = GridPlan(
            key=GRID_KEYS + len(p.grid_plans),
            target=target,
            spec=spec,
            place=place,
            registrar=GRID_ACTORS[start],
        )
        p.grid_plans.append(plan)
        f = Flow(
            p,
            plan,
            ago,
            holder=start,
            staff=True,
            first="grid_record",
            kwargs={"due_on": due(days)},
        )
        for below in GRID_LEVELS[GRID_LEVELS.index(start) : GRID_LEVELS.index(level)]:
            up = GRID_LEVELS[GRID_LEVELS.index(below) + 1]
            f.then(
                "grid_escalate",
                GRID_ACTORS[below],
                gap=(1, 3),
                reason=grid["reasons"][below],
                due_on=due(days),
                responsible_person=grid["people"][up],
            )
        if status == "settled":
            f.then("grid_settle", GRID_ACTORS[level], gap=(2, 6), outcome=grid["outcomes"][level])
        elif status == "converted":
            topic_key, case_target = grid["cases"][level], S.ACCEPTED
            petitioner = p.party(place.name)
            case = CasePlan(
                key=len(p.plans),
                target=case_target,
                topic=data.story(topic_key),
                register={"title": spec.title, "place": place, "parties": [petitioner]},
                registrar=GRID_ACTORS[level],
            )
            p.plans.append(case)
            cf = Flow(
                p,
                case,
                f.ago - r.randint(1, 3),
                holder=level,
                staff=True,
                first="grid_convert",
                kwargs={
                    "grid": plan,
                    "petitioner_name": petitioner.name,
                    "petitioner_phone": petitioner.phone,
                },
                after=f.last,
            )
            if level == "office":
                cf.route(gap=(0, 2))
            cf.accept(gap=(0, 3))
