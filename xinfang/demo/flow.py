"""A plan's steps, built forward in time: the pieces of the procedure a demo case goes through."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from . import data
from .planner import (
    SPAN_DAYS,
    CasePlan,
    GridPlan,
    Late,
    Planner,
    Step,
    closer_of,
    handler_of,
    head_of,
    step_day,
    superior_of,
)


class Flow:
    """Builds one plan's steps forward in time; `ago` is the cursor in days before today."""

    def __init__(
        self,
        planner: Planner,
        plan: CasePlan | GridPlan,
        reg_ago: int,
        *,
        holder: str,
        staff: bool,
        first: str = "register",
        kwargs: dict | None = None,
        after: dt.datetime | None = None,
    ):
        self.p = planner
        self.plan = plan
        self.rng = planner.rng
        self.ago = max(1, min(SPAN_DAYS, reg_ago))
        self.holder = holder
        # A flow that continues another (a grid item becoming a case) starts after its last step.
        self.last: dt.datetime | None = after
        plan.registered_ago = self.ago
        plan.steps.append(self._step(first, plan.registrar, kwargs or {}, staff=staff))

    @property
    def holder(self) -> str:
        """The key of the body holding the case after the last step (kept on the plan)."""
        return self.plan.holder

    @holder.setter
    def holder(self, key: str) -> None:
        self.plan.holder = key

    @property
    def slots(self) -> dict[str, str]:
        return self.plan.slots

    def _moment(self, staff: bool) -> dt.datetime:
        day = self.p.today - dt.timedelta(days=self.ago)
        if staff and not self.p.cal.is_workday(day):
            nxt = self.p.cal.next_workday(day)
            if nxt < self.p.today:
                day = nxt
                self.ago = (self.p.today - day).days
        minute = (
            self.rng.randint(8 * 60 + 30, 17 * 60 + 30)
            if staff
            else self.rng.randint(7 * 60, 22 * 60 + 30)
        )
        moment = timezone.make_aware(
            dt.datetime.combine(day, dt.time(minute // 60, minute % 60)),
            timezone.get_default_timezone(),
        )
        if self.last is not None and moment <= self.last:
            later = self.last + dt.timedelta(minutes=self.rng.randint(5, 40))
            # Steps squeezed onto one day stay on that day (and never reach today).
            end_of_day = moment.replace(hour=23, minute=59)
            moment = later if later <= end_of_day else self.last + dt.timedelta(seconds=1)
        self.last = moment
        return moment

    def _step(self, action: str, actor: str | None, kwargs: dict, *, staff: bool = True) -> Step:
        return Step(self._moment(staff), self.plan.key, len(self.plan.steps), action, actor, kwargs)

    def then(
        self,
        action: str,
        actor: str | None,
        *,
        gap: tuple[int, int] = (0, 3),
        at: int | None = None,
        staff: bool = True,
        **kwargs,
    ) -> Flow:
        """Add a step `gap` days after the last one, or on day `at` (days ago)."""
        if at is not None:
            self.ago = min(self.ago, at)
        else:
            self.ago -= self.rng.randint(*gap)
        self.ago = max(1, self.ago)
        self.plan.steps.append(self._step(action, actor, kwargs, staff=staff))
        return self

    # -- pieces of the procedure ----------------------------------------------------------

    def route(
        self, to: str | None = None, *, assign: bool = False, gap=(0, 3), at: int | None = None
    ) -> Flow:
        to = to or self.plan.topic.body
        kwargs: dict[str, Any] = {"body": self.p.county.body(to)}
        if assign:
            kwargs["report_due"] = Late(lambda: step_day() + dt.timedelta(days=30))
            kwargs["note"] = data.words()["assign_note"]
        self.then("assign" if assign else "transfer", "clerk", gap=gap, at=at, **kwargs)
        self.holder = to
        return self

    def grid_up(self, levels: int) -> Flow:
        reasons = data.lists()["grid_up"]
        self.then("escalate_grid", "grid_worker", gap=(0, 1), reason=self.rng.choice(reasons))
        self.holder = "town"
        if levels > 1:
            self.then(
                "escalate_grid",
                "town_handler",
                gap=(1, 3),
                reason=data.words()["grid_up_town"],
            )
            self.holder = "office"
        return self

    def accept(self, gap=(1, 6), at: int | None = None) -> Flow:
        return self.then(
            "accept",
            handler_of(self.holder),
            gap=gap,
            at=at,
            note=data.words()["accept_note"],
        )

    def extend(self, gap=(35, 50)) -> Flow:
        reason = self.rng.choice(data.lists()["extension"])
        days = self.rng.choice([15, 20, 30])
        self.then("request_extension", handler_of(self.holder), gap=gap, days=days, reason=reason)
        return self.then("extend", head_of(self.holder), gap=(0, 2))

    def decide(self, decision: str | None = None, gap=(10, 30)) -> Flow:
        decision = decision or self.rng.choice(["support", "support", "explain", "reject"])
        topic = self.plan.topic
        return self.then(
            "decide",
            handler_of(self.holder),
            gap=gap,
            decision=decision,
            facts=topic.facts.format_map(self.slots),
            reasons=data.plans()["reasons"][decision],
            basis=topic.basis,
            request=topic.demand.format_map(self.slots),
        )

    def reply(self, gap=(1, 4), at: int | None = None) -> Flow:
        self.then("reply", head_of(self.holder), gap=gap, at=at)
        return self

    def handle_to_reply(self, *, reply_at: int | None = None, decision: str | None = None) -> Flow:
        """Accept, decide and reply; with `reply_at`, the reply lands on that day."""
        self.accept()
        if reply_at is not None:
            # Spread the remaining days between deciding and signing.
            span = max(2, self.ago - reply_at)
            self.decide(decision, gap=(max(1, span // 2), max(1, span - 1)))
            return self.reply(at=reply_at)
        return self.decide(decision).reply()

    def mediate(self, gap=(7, 30)) -> Flow:
        agreement = data.words()["mediate"].format(
            holder=self.p.county.body(self.holder).name,
            demand=self.plan.topic.demand.format_map(self.slots),
        )
        self.then("mediate", handler_of(self.holder), gap=gap, agreement=agreement)
        return self

    def rate(self, rating: str | None = None, gap=(1, 8)) -> Flow:
        rating = rating or self.rng.choice(["satisfied", "satisfied", "basically"])
        return self.then(
            "rate",
            "citizen",
            gap=gap,
            staff=False,
            rating=rating,
            comment=self.rng.choice(data.plans()["ratings"][rating]),
        )

    def request_review(self, gap=(3, 20), at: int | None = None) -> Flow:
        self.then(
            "request_review",
            "citizen",
            gap=gap,
            at=at,
            staff=False,
            reasons=self.rng.choice(data.lists()["review"]),
        )
        self.holder = superior_of(self.holder)
        return self

    def decide_review(self, gap=(8, 25), at: int | None = None) -> Flow:
        decision = self.rng.choice(["explain", "reject", "support"])
        opinion = data.plans()["review_opinions"][decision]
        self.then(
            "decide_review",
            handler_of(self.holder),
            gap=gap,
            at=at,
            decision=decision,
            opinion=opinion,
        )
        return self

    def request_rereview(self, gap=(3, 20)) -> Flow:
        self.then(
            "request_rereview",
            "citizen",
            gap=gap,
            staff=False,
            reasons=self.rng.choice(data.lists()["review"]),
        )
        self.holder = superior_of(self.holder)
        return self

    def decide_rereview(self, gap=(8, 25)) -> Flow:
        self.then(
            "decide_rereview",
            handler_of(self.holder),
            gap=gap,
            decision="reject",
            opinion=data.words()["rereview_opinion"],
        )
        return self

    def close(self, gap=(1, 5), at: int | None = None) -> Flow:
        return self.then(
            "close", closer_of(self.holder), gap=gap, at=at, note=data.words()["close_note"]
        )

    def object_remit(self, correct: str, gap=(1, 3)) -> Flow:
        name = self.p.county.body(correct).name
        return self.then(
            "object_remit",
            handler_of(self.holder),
            gap=gap,
            reason=data.words()["object_remit"].format(body=name),
        )
