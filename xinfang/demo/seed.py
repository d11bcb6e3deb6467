"""Running the plans: every case is registered and moved only through cases/services, each call
run `as_of` the moment of its step, so timelines, clocks, notices and overdue flags look like real
history and every audit chain verifies."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from xinfang.cases import services
from xinfang.cases.models import Case
from xinfang.core.errors import ApplicationError, InvalidInput
from xinfang.core.timeutil import as_of
from xinfang.insights import fold
from xinfang.orgs.models import Level
from xinfang.taxonomy.models import Category

from .county import COUNTY_CODE, DemoCounty
from .meetings import seed_meeting
from .planner import SEED, CasePlan, GridPlan, Late, Step
from .procedure import plan_demo
from .routing import category_index, ensure_routing, ensure_taxonomy


@dataclass
class SeedResult:
    cases: int = 0
    steps: int = 0
    grid_items: int = 0
    flagged: int = 0
    folded: int = 0  # cases counted for the statistics pages
    failures: list[str] = field(default_factory=list)
    samples: list[tuple[str, str, str]] = field(default_factory=list)  # number, code, password
    plans: list[CasePlan] = field(default_factory=list)  # each case with the story it tells


def _resolve(value: Any) -> Any:
    return value.fn() if isinstance(value, Late) else value


def run_plans(
    plans: list[CasePlan],
    county: DemoCounty,
    categories: dict[tuple[str, ...], Category],
    grid_plans: list[GridPlan] = (),
) -> SeedResult:
    result = SeedResult()
    every = [*plans, *grid_plans]
    steps = sorted((s for plan in every for s in plan.steps), key=lambda s: (s.at, s.key, s.index))
    by_key = {plan.key: plan for plan in every}
    for step in steps:
        plan = by_key[step.key]
        if plan.failed:
            continue
        with as_of(step.at.astimezone(dt.UTC)):
            try:
                if isinstance(plan, GridPlan):
                    _run_grid_step(plan, step, county, result)
                else:
                    _run_step(plan, step, county, categories, result)
            except Exception as exc:  # noqa: BLE001 - one failed step (a notice, say) skips its plan only
                detail = (
                    exc if isinstance(exc, ApplicationError) else f"{type(exc).__name__}: {exc}"
                )
                title = plan.spec.title if isinstance(plan, GridPlan) else plan.register["title"]
                plan.failed = f"{step.action}: {detail}"
                result.failures.append(f"{title}（{step.action}）：{detail}")
    return result


def _actor(name: str | None, county: DemoCounty, plan: CasePlan):
    if name == "citizen":
        return services.CitizenActor(case_id=plan.case.pk if plan.case else None)
    return county.users[name] if name else None


def _run_step(
    plan: CasePlan,
    step: Step,
    county: DemoCounty,
    categories: dict[tuple[str, ...], Category],
    result: SeedResult,
) -> None:
    actor = _actor(step.actor, county, plan)
    if step.action == "register":
        kwargs = dict(plan.register)
        kwargs["category"] = categories.get(kwargs.pop("category_path"))
        if kwargs["channel"] == "agent":
            reg = _file_as_agent(actor, kwargs)
        else:
            reg = services.register(actor=actor, **kwargs)
        plan.case = reg.case
        result.cases += 1
        if len(result.samples) < 3 and plan.target in ("accepted", "replied", "closed"):
            result.samples.append((reg.case.number, reg.tracking_code, reg.query_password))
    elif step.action == "grid_convert":
        kwargs = dict(step.kwargs)
        grid = kwargs.pop("grid")
        if grid.item is None:
            raise InvalidInput("网格事项未能登记，无法转为信访事项")
        reg = services.convert_grid_item(item=grid.item, actor=actor, **kwargs)
        plan.case = reg.case
        result.cases += 1
    else:
        kwargs = {k: _resolve(v) for k, v in step.kwargs.items()}
        move = services.MOVE_FUNCTIONS.get(step.action) or SERVICE_STEPS[step.action]
        move(case=plan.case, actor=actor, **kwargs)
    result.steps += 1


def _file_as_agent(agent, kwargs: dict[str, Any]):
    villager = kwargs["parties"][0]
    reg = services.file_for_villager(
        agent=agent,
        name=villager.name,
        phone=villager.phone,
        title=kwargs["title"],
        text=kwargs["text"],
        content_type=kwargs["content_type"],
        place=kwargs["place"],
        address=kwargs["address"],
        category=kwargs["category"],
    )
    return reg


# Services beside the moves that the demo shows on timelines.
SERVICE_STEPS: dict[str, Callable[..., Any]] = {"unmask": services.unmask_party}


def _run_grid_step(plan: GridPlan, step: Step, county: DemoCounty, result: SeedResult) -> None:
    actor = county.users[step.actor]
    kwargs = {k: _resolve(v) for k, v in step.kwargs.items()}
    if step.action == "grid_record":
        spec = plan.spec
        plan.item = services.register_grid_item(
            actor=actor,
            body=county.body(spec.level),
            kind=spec.kind,
            title=spec.title,
            description=spec.description,
            place=plan.place,
            address="".join(
                d.name for d in reversed(plan.place.ancestors()) if d.level >= Level.COUNTY
            ),
            responsible_person=spec.person,
            **kwargs,
        )
        result.grid_items += 1
    elif step.action == "grid_escalate":
        plan.item = services.escalate_grid_item(item=plan.item, actor=actor, **kwargs)
    elif step.action == "grid_settle":
        plan.item = services.settle_grid_item(item=plan.item, actor=actor, **kwargs)
    else:
        raise ValueError(f"unknown grid step {step.action}")
    result.steps += 1


# ---------------------------------------------------------------------------------------------
# Entry point


def demo_cases_exist() -> bool:
    return Case.objects.filter(registering_body__division__code__startswith=COUNTY_CODE).exists()


@contextlib.contextmanager
def _fast_commits():
    """Don't wait for the disk at each of the ~1,100 commits: a lost demo is simply seeded again.

    Per connection only; PostgreSQL keeps its data consistent with synchronous_commit off, and
    SQLite's risk with synchronous off is a power cut during the seed itself.
    """
    if connection.in_atomic_block or connection.vendor not in ("sqlite", "postgresql"):
        yield
        return
    if connection.vendor == "postgresql":
        set_sql, reset_sql = "SET synchronous_commit TO OFF", "RESET synchronous_commit"
    else:
        with connection.cursor() as cur:
            cur.execute("PRAGMA synchronous")
            previous = int(cur.fetchone()[0])
        set_sql, reset_sql = "PRAGMA synchronous = OFF", f"PRAGMA synchronous = {previous}"
    with connection.cursor() as cur:
        cur.execute(set_sql)
    try:
        yield
    finally:
        with connection.cursor() as cur:
            cur.execute(reset_sql)


def seed_cases(county: DemoCounty, *, seed: int = SEED) -> SeedResult:
    ensure_taxonomy()
    categories = category_index()
    ensure_routing(county, categories)
    plan = plan_demo(county, seed=seed)
    queued_before = _queued_task_ids()
    with _fast_commits():
        result = run_plans(plan.cases, county, categories, plan.grid)
        result.plans = plan.cases
        # The supervision job, once, today: the supervision page shows what is overdue now.
        try:
            result.flagged = services.flag_overdue()
        except Exception as exc:  # noqa: BLE001 - the demo stands without the flags
            result.failures.append(f"超期标记：{type(exc).__name__}: {exc}")
        try:
            seed_meeting(county)
        except Exception as exc:  # noqa: BLE001 - the demo stands without the meeting
            result.failures.append(f"联席会议：{type(exc).__name__}: {exc}")
    try:
        from .reception import seed_reception

        seed_reception(county)
    except Exception as exc:  # noqa: BLE001 - the demo stands without its reception days
        result.failures.append(f"接待日：{type(exc).__name__}: {exc}")
    # The statistics read folded facts; fold now rather than behind the demo's queued work.
    result.folded = fold.rebuild()
    _behind_new_work(queued_before)
    return result


def _queued_task_ids() -> set:
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # another task backend: nothing queued in this database
        return set()
    return set(DBTaskResult.objects.filter(status="READY").values_list("pk", flat=True))


def _behind_new_work(queued_before: set) -> int:
    """The demo's history queues ~1,500 tasks (notices to render, messages, look-alike
    indexing); put them behind whatever people do once the server is up."""
    try:
        from django_tasks.base import TASK_MIN_PRIORITY
        from django_tasks_db.models import DBTaskResult
    except ImportError:
        return 0
    return (
        DBTaskResult.objects.filter(status="READY")
        .exclude(pk__in=queued_before)
        .update(priority=TASK_MIN_PRIORITY)
    )
