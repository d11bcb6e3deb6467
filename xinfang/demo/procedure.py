"""The mix of the demo: about 150 cases through every state of the procedure, each telling one
story of data/stories.toml, with the oversight layer and the grid ledger after them."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from xinfang.cases.workflow import S

from . import data
from .county import DemoCounty
from .oversight import plan_grid_ledger, plan_oversight
from .planner import (
    HEADLESS,
    SEED,
    CasePlan,
    DemoPlan,
    Late,
    Planner,
    handler_of,
    head_of,
    number_of,
    step_day,
)

WORDS = data.words()
LISTS = data.lists()


def plan_procedure(
    county: DemoCounty, *, seed: int = SEED, today: dt.date | None = None
) -> Planner:
    rng = random.Random(seed)
    today = today or timezone.localdate()
    p = Planner(county, rng, today)
    r = rng
    appeals = p.topics(need_head=True)
    any_appeals = p.topics()
    suggestions = p.topics(kind="suggestion")
    reports = p.topics(kind="report")
    legal = p.topics(legal=True)
    groups = p.topics(group=True, need_head=True)
    town_topics = p.topics(area=("town",))
    grid_topics = p.topics(area=("grid",))
    # Taken up by the township once the grid worker sends them up: its own matters only.
    town_grid = [t for t in grid_topics if t.body == "town"]
    depts = list(county.departments)

    def pick(pool):
        return r.choice(pool)

    def group_case(target, reg_ago, pool=groups):
        topic = pick(pool)
        return p.new_case(target, topic, reg_ago=reg_ago, channel="visit", group=True)

    # registered (已登记): fresh items, two past the 15-day routing limit, grid items below.
    for _ in range(4):
        p.new_case(S.REGISTERED, pick(any_appeals + suggestions), reg_ago=r.randint(1, 9))
    for _ in range(2):
        p.new_case(S.REGISTERED, pick(appeals), reg_ago=r.randint(17, 26))
    p.new_case(S.REGISTERED, pick(appeals), reg_ago=r.randint(1, 6), registrar="agent")
    # A question put to the 12345 hotline, answered directly (咨询).
    consult = data.story("consult_pension")
    p.new_case(S.REPLIED, consult, reg_ago=r.randint(3, 8), channel="hotline").then(
        "answer_consultation", "clerk", gap=(0, 1), answer=consult.facts
    )
    for _ in range(2):
        p.new_case(S.REGISTERED, pick(grid_topics), reg_ago=r.randint(1, 5), registrar="grid")
    p.new_case(S.REGISTERED, pick(grid_topics), reg_ago=r.randint(3, 8), registrar="grid").grid_up(
        1
    )
    p.new_case(
        S.REGISTERED, data.story("hazard"), reg_ago=r.randint(5, 12), registrar="grid"
    ).grid_up(2)
    # Sent to the wrong body, objected to and taken back (W23).
    for _ in range(2):
        topic = pick(appeals)
        wrong = r.choice([d for d in depts if d != topic.body])
        f = p.new_case(S.REGISTERED, topic, reg_ago=r.randint(6, 14))
        f.route(wrong, gap=(0, 1)).object_remit(topic.body)
        f.then("agree_return", "clerk", gap=(0, 2), note=WORDS["agree_return"])
        f.holder = "office"

    # transferred (已转送交办)
    for _ in range(2):
        p.new_case(S.TRANSFERRED, pick(appeals + suggestions), reg_ago=r.randint(2, 12)).route()
    for _ in range(2):
        p.new_case(S.TRANSFERRED, pick(appeals), reg_ago=r.randint(6, 25)).route(assign=True)
    for _ in range(2):  # past the 15-day notice limit (W23)
        p.new_case(S.TRANSFERRED, pick(appeals), reg_ago=r.randint(24, 40)).route(gap=(1, 3))
    for _ in range(2):  # notice limit due within days
        f = p.new_case(S.TRANSFERRED, pick(appeals), reg_ago=16)
        f.route(at=r.randint(13, 14))
    # The responsible body says another should handle it; the office holds to its transfer.
    topic = pick(appeals)
    other = r.choice([d for d in depts if d != topic.body])
    f = p.new_case(S.TRANSFERRED, topic, reg_ago=r.randint(8, 20)).route(gap=(0, 1))
    f.object_remit(other).then(
        "reject_objection",
        "clerk",
        gap=(0, 2),
        reason=WORDS["reject_objection"],
    )
    p.new_case(S.TRANSFERRED, pick(reports), reg_ago=r.randint(2, 10)).route()
    group_case(S.TRANSFERRED, r.randint(3, 10)).route()
    # Litigation-related items go to the political-legal committee (W22, 诉访分离).
    p.new_case(S.TRANSFERRED, data.story("enforcement"), reg_ago=r.randint(3, 12)).route()

    # remit_objected (管辖异议待定)
    for _ in range(3):
        topic = pick(appeals)
        wrong = r.choice([d for d in depts if d != topic.body])
        f = p.new_case(S.REMIT_OBJECTED, topic, reg_ago=r.randint(4, 12))
        f.route(wrong, gap=(0, 1)).object_remit(topic.body, gap=(1, 2))

    # accepted (已受理办理中): on time, due soon, overdue, extended, supervised, leader-owned.
    for _ in range(5):
        p.new_case(
            S.ACCEPTED, pick(appeals + suggestions), reg_ago=r.randint(8, 55)
        ).route().accept()
    for _ in range(3):  # the 60-day limit ends within days (W34)
        f = p.new_case(S.ACCEPTED, pick(appeals), reg_ago=r.randint(60, 66)).route()
        f.accept(at=r.randint(57, 58))
    overdue = []
    for _ in range(8):
        f = p.new_case(S.ACCEPTED, pick(appeals), reg_ago=r.randint(72, 115)).route().accept()
        overdue.append(f)
    for i, f in enumerate(overdue[:5]):
        f.then(
            "supervise", "supervisor", at=r.randint(3, 8), grounds=r.choice(LISTS["supervision"])
        )
        if i == 0:
            f.then(
                "answer_supervision",
                handler_of(f.holder),
                gap=(1, 2),
                answer=WORDS["answer_supervision"],
            )
        if i in (1, 2):
            f.then(
                "list_supervision",
                "leader",
                gap=(0, 1),
                reason=WORDS["list_supervision"],
            )
        if i == 2:
            f.then("escalate", "supervisor", gap=(0, 1), reason=WORDS["escalate"])
    for _ in range(3):  # extended once (W34)
        f = p.new_case(S.ACCEPTED, pick(appeals), reg_ago=r.randint(66, 80)).route().accept()
        f.extend(gap=(40, 52))
    f = p.new_case(S.ACCEPTED, pick(appeals), reg_ago=r.randint(108, 118)).route().accept()
    f.extend(gap=(45, 55))  # extended and still overdue
    for level in "ABC":  # leader ownership (包案, W18)
        f = group_case(S.ACCEPTED, r.randint(25, 80)).route().accept()
        f.then(
            "assign_leader",
            "leader",
            gap=(2, 10),
            level=level,
            leader=p.county.users["leader"],
            body=p.county.body(f.holder),
            plan=WORDS["leader_plan"],
            deadline=Late(lambda: step_day() + dt.timedelta(days=45)),
        )
    for _ in range(3):
        p.new_case(S.ACCEPTED, pick(reports), reg_ago=r.randint(10, 50)).route().accept()
    for _ in range(2):  # grid matters taken up by the township
        p.new_case(S.ACCEPTED, pick(town_grid), reg_ago=r.randint(6, 30), registrar="grid").grid_up(
            1
        ).accept(gap=(0, 2))
    for _ in range(2):  # received directly by a department (W23)
        topic = pick([t for t in appeals if t.body in depts])
        p.new_case(S.ACCEPTED, topic, reg_ago=r.randint(5, 40), registrar=topic.body).accept(
            gap=(0, 2)
        )
    p.new_case(S.ACCEPTED, pick(town_topics), reg_ago=r.randint(10, 40)).route().accept()
    p.new_case(S.ACCEPTED, data.story("enforcement"), reg_ago=r.randint(10, 40)).route().accept()

    # decided (处理意见待签发)
    for _ in range(3):
        p.new_case(
            S.DECIDED, pick(appeals + suggestions), reg_ago=r.randint(20, 60)
        ).route().accept().decide()
    f = p.new_case(S.DECIDED, pick(appeals), reg_ago=r.randint(40, 70)).route().accept().decide()
    f.then(
        "return_draft",
        head_of(f.holder),
        gap=(1, 2),
        reason=WORDS["return_draft"],
    ).decide(gap=(2, 5))
    p.new_case(S.DECIDED, pick(reports), reg_ago=r.randint(30, 60)).route().accept().decide()

    # replied (已答复): some rated, most within the review window.
    for i in range(7):
        f = p.new_case(S.REPLIED, pick(appeals + suggestions), reg_ago=r.randint(35, 90))
        f.route().handle_to_reply(reply_at=r.randint(2, 26))
        if i % 3 == 0:
            f.rate(r.choice(["satisfied", "basically", "unsatisfied"]), gap=(1, 1))
    for _ in range(2):
        f = p.new_case(S.REPLIED, pick(reports), reg_ago=r.randint(40, 80))
        f.route().handle_to_reply(reply_at=r.randint(3, 20), decision="support")
    f = group_case(S.REPLIED, r.randint(50, 90)).route()
    f.handle_to_reply(reply_at=r.randint(3, 15))

    # mediated (已调解, W33)
    for i in range(3):
        f = p.new_case(S.MEDIATED, pick(appeals), reg_ago=r.randint(25, 80)).route().accept()
        f.mediate(gap=(7, 15))
        if i < 2:
            f.rate(gap=(1, 3))
    for _ in range(3):
        p.new_case(
            S.MEDIATED, pick(town_grid), reg_ago=r.randint(14, 60), registrar="grid"
        ).grid_up(1).accept(gap=(0, 2)).mediate(gap=(3, 8))
    p.new_case(
        S.MEDIATED, data.story("village_affairs"), reg_ago=r.randint(20, 60)
    ).route().accept().mediate(gap=(5, 15))

    reviewable = p.topics(reviewable=True)

    def to_review(target, reg_ago, review_at):
        f = p.new_case(target, pick(reviewable), reg_ago=reg_ago).route()
        f.handle_to_reply(reply_at=review_at + r.randint(5, 20))
        f.request_review(at=review_at)
        return f

    # under_review (复查中, W35); one past its 30-day limit.
    for _ in range(3):
        to_review(S.UNDER_REVIEW, r.randint(70, 100), r.randint(2, 25))
    to_review(S.UNDER_REVIEW, r.randint(105, 115), r.randint(32, 36))
    # review_decided (已复查)
    for i in range(4):
        f = to_review(S.REVIEW_DECIDED, r.randint(90, 115), r.randint(30, 50))
        f.decide_review(gap=(10, 25))
        if i == 0:
            f.rate("unsatisfied", gap=(1, 1))
    # under_rereview (复核中, W36); one hearing running, one held.
    rereview = []
    for _ in range(4):
        f = to_review(S.UNDER_REREVIEW, r.randint(108, 120), r.randint(45, 50))
        f.decide_review(gap=(10, 15)).request_rereview(gap=(3, 10))
        rereview.append(f)
    hearing = dict(
        held_on=Late(lambda: step_day() + dt.timedelta(days=1)),
        place=WORDS["hearing_place"],
        host=WORDS["hearing_host"],
        panel=WORDS["hearing_panel"],
    )
    rereview[0].then(
        "start_hearing",
        handler_of(rereview[0].holder),
        gap=(1, 3),
        note=WORDS["hearing_start"],
        **hearing,
    )
    rereview[1].then(
        "start_hearing",
        handler_of(rereview[1].holder),
        gap=(1, 3),
        note=WORDS["hearing_start_short"],
        **hearing,
    ).then(
        "end_hearing",
        handler_of(rereview[1].holder),
        gap=(1, 2),
        minutes=WORDS["hearing_minutes"],
        conclusion=WORDS["hearing_end"],
    )
    # final (复核终结)
    finals = []
    for _ in range(3):
        f = to_review(S.FINAL, 120, r.randint(68, 75))
        f.decide_review(gap=(8, 12)).request_rereview(gap=(3, 6)).decide_rereview(gap=(8, 15))
        finals.append(f)

    # not_accepted (不予受理 / 不再受理)
    for _ in range(3):
        p.new_case(S.NOT_ACCEPTED, pick(any_appeals), reg_ago=r.randint(3, 100)).then(
            "decline", "clerk", gap=(0, 4), reason=r.choice(LISTS["decline"])
        )
    for _ in range(3):
        f = p.new_case(S.NOT_ACCEPTED, pick(appeals), reg_ago=r.randint(5, 100)).route()
        f.then("decline", handler_of(f.holder), gap=(1, 5), reason=r.choice(LISTS["decline"]))
    f = p.new_case(S.NOT_ACCEPTED, pick(reports), reg_ago=r.randint(10, 90)).route()
    f.then("decline", "jiwei_handler", gap=(1, 5), reason=WORDS["decline_report"])
    # The same facts and reasons after a re-review are not accepted again (W36).
    done = max(finals, key=lambda x: x.ago)
    if done.ago >= 3:
        final_plan = done.plan
        f = p.new_case(S.NOT_ACCEPTED, final_plan.topic, reg_ago=done.ago - 1)
        f.plan.register["parties"] = final_plan.register["parties"]
        f.then(
            "not_reaccept",
            "clerk",
            gap=(0, 0),
            reason=WORDS["not_reaccept"],
            final_case=Late(lambda: number_of(final_plan)),
        )

    # redirected (导入法定途径, W31)
    for i in range(5):
        topic = legal[i % len(legal)]
        f = p.new_case(S.REDIRECTED, topic, reg_ago=r.randint(2, 110))
        if i % 2 and topic.body not in HEADLESS:
            f.route()
        f.then(
            "redirect_to_legal_channel",
            handler_of(f.holder),
            gap=(0, 4),
            legal_channel=topic.legal,
            reason=WORDS["redirect"],
        )

    # merged (已合并): a repeat of a case that is still open.
    open_plans = [
        x
        for x in p.plans
        if x.target in (S.ACCEPTED, S.TRANSFERRED, S.DECIDED)
        and x.registered_ago >= 4
        and x.register["parties"]
    ]
    for original in r.sample(open_plans, 4):
        f = p.new_case(S.MERGED, original.topic, reg_ago=r.randint(1, original.registered_ago - 2))
        f.plan.register["parties"] = original.register["parties"]
        f.plan.register["title"] = "再次反映：" + original.register["title"]
        f.then(
            "merge_repeat",
            "clerk",
            gap=(0, 1),
            into=Late(lambda o=original: number_of(o)),
            reason=WORDS["merge"],
        )

    # closed (已办结)
    for _ in range(6):  # rated satisfied, then closed
        f = p.new_case(S.CLOSED, pick(appeals + suggestions), reg_ago=r.randint(55, 115)).route()
        f.handle_to_reply().rate(gap=(1, 6)).close(gap=(0, 3))
    for _ in range(5):  # the review window ran out unrated (W35)
        f = p.new_case(S.CLOSED, pick(appeals + suggestions), reg_ago=r.randint(75, 118)).route()
        f.handle_to_reply(reply_at=r.randint(45, 52)).close(at=r.randint(1, 3))
    for _ in range(2):  # extended, then answered
        f = p.new_case(S.CLOSED, pick(appeals), reg_ago=r.randint(100, 118)).route().accept()
        f.extend(gap=(40, 50)).decide(gap=(5, 15)).reply().rate(gap=(1, 3)).close()
    for _ in range(3):
        f = p.new_case(S.CLOSED, pick(appeals), reg_ago=r.randint(50, 100)).route().accept()
        f.mediate().rate(gap=(1, 5)).close()
    for _ in range(2):
        f = p.new_case(S.CLOSED, pick(town_grid), reg_ago=r.randint(30, 90), registrar="grid")
        f.grid_up(1).accept(gap=(0, 1)).mediate(gap=(3, 10)).rate(gap=(1, 2)).close()
    for _ in range(2):
        f = group_case(S.CLOSED, r.randint(60, 110)).route()
        f.handle_to_reply(decision="support").rate(gap=(2, 5)).close()
    for _ in range(2):
        f = p.new_case(S.CLOSED, pick(reports), reg_ago=r.randint(100, 118)).route()
        # Long past the review window, even where a long holiday moved its end (W35).
        f.handle_to_reply(decision="support").close(gap=(45, 50))
    for _ in range(2):  # a suggestion registered at a department, answered there
        topic = pick([t for t in suggestions if t.body in depts])
        f = p.new_case(S.CLOSED, topic, reg_ago=r.randint(55, 90), registrar=topic.body)
        f.handle_to_reply().rate(gap=(1, 3)).close()
    for _ in range(3):  # review decided, closed once its window passed or the rating came
        f = to_review(S.CLOSED, r.randint(100, 118), r.randint(60, 70))
        f.decide_review(gap=(8, 15)).rate("basically", gap=(1, 3)).close(gap=(1, 3))
    f = to_review(S.CLOSED, 120, r.randint(70, 75))
    f.decide_review(gap=(8, 10)).request_rereview(gap=(2, 4)).decide_rereview(gap=(5, 10))
    f.rate(gap=(1, 3)).close(gap=(1, 3))
    return p


def plan_cases(
    county: DemoCounty, *, seed: int = SEED, today: dt.date | None = None
) -> list[CasePlan]:
    """The cases of the demo (grid ledger rows that become cases included)."""
    return plan_demo(county, seed=seed, today=today).cases


def plan_demo(county: DemoCounty, *, seed: int = SEED, today: dt.date | None = None) -> DemoPlan:
    """The cases through every state, then the oversight layer: joint handling (W24),
    supervision notices (W40), extensions refused (W34), leaders' cases (W18), the grid ledger.

    The oversight layer is planned after the cases, so their plans stay as they were."""
    p = plan_procedure(county, seed=seed, today=today)
    plan_oversight(p)
    plan_grid_ledger(p)
    return DemoPlan(cases=p.plans, grid=p.grid_plans)
