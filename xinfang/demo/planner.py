"""Plans: which story each demo case tells, and every step it takes, with the day of each.

All randomness comes from one seeded `random.Random`, so two fresh databases get the same cases
(tracking codes and query passwords excepted: services draw those from `secrets`).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from xinfang.cases import services
from xinfang.cases.models import Case, Party
from xinfang.core import timeutil
from xinfang.core.errors import InvalidInput
from xinfang.core.selectors import work_calendar
from xinfang.orgs.models import Body, Division, Level

from . import data
from .county import COUNTY_CODE, STAFFED_TOWNSHIP, STAFFED_VILLAGE, DemoCounty
from .data import GridRow, Story

if TYPE_CHECKING:
    from .flow import Flow

SEED = 370687
SPAN_DAYS = 120


@dataclass
class Step:
    at: dt.datetime
    key: int
    index: int
    action: str
    actor: str | None  # username, "citizen", or None for the system
    kwargs: dict[str, Any] = field(default_factory=dict)


@dataclass
class CasePlan:
    key: int
    target: str
    topic: Story
    register: dict[str, Any]
    registrar: str
    steps: list[Step] = field(default_factory=list)
    case: Case | None = None
    failed: str = ""
    registered_ago: int = 0
    slots: dict[str, str] = field(default_factory=dict)
    holder: str = ""  # body key holding the case once every step has run


@dataclass
class GridPlan:
    key: int
    target: str  # "<status>@<level>", e.g. "open@town"
    spec: GridRow
    place: Division
    registrar: str
    steps: list[Step] = field(default_factory=list)
    item: Any = None
    failed: str = ""
    registered_ago: int = 0
    holder: str = ""


@dataclass
class DemoPlan:
    cases: list[CasePlan]
    grid: list[GridPlan]


class Late:
    """A keyword value known only once earlier steps have run (a case number, say)."""

    def __init__(self, fn: Callable[[], Any]):
        self.fn = fn


HEADLESS = {"town", "political_legal", "city_government"}
SUPERIOR = {
    "zhujian": "yt_zhujian",
    "ziran": "yt_ziran",
    "renshe": "yt_renshe",
    "town": "government",
}
ACTOR_PREFIX = {
    "discipline": "jiwei",
    "government": "zhengfu",
    "political_legal": "zhengfa",
    "town": "town",
    "city_government": "yt_zhengfu",
    "office": "clerk",
}


def handler_of(holder: str) -> str:
    if holder == "office":
        return "clerk"
    return f"{ACTOR_PREFIX.get(holder, holder)}_handler"


def head_of(holder: str) -> str:
    return f"{ACTOR_PREFIX.get(holder, holder)}_head"


def superior_of(holder: str) -> str:
    if holder.startswith("yt_") or holder == "government":
        return "city_government"
    return SUPERIOR.get(holder, "government")


def closer_of(holder: str) -> str:
    """The county clerk closes what is held in the county; above it the holder does."""
    return (
        handler_of(holder) if holder.startswith("yt_") or holder == "city_government" else "clerk"
    )


OFFICE_CHANNELS = ["letter", "visit", "phone", "web", "mobile", "hotline", "fax", "video"]
CHANNEL_WEIGHTS = [20, 18, 15, 20, 12, 8, 3, 4]


NAMES = data.names()


def step_day() -> dt.date:
    return timeutil.today()  # the as_of day of the step being run


def number_of(plan: CasePlan) -> str:
    if plan.case is None:
        raise InvalidInput(f"演示事项“{plan.register['title']}”未能登记")
    return plan.case.number


class Planner:
    def __init__(self, county: DemoCounty, rng: random.Random, today: dt.date):
        self.county = county
        self.rng = rng
        self.today = today
        self.cal = work_calendar()
        self.plans: list[CasePlan] = []
        self.grid_plans: list[GridPlan] = []
        self._channel_cycle = list(OFFICE_CHANNELS)  # every channel at least once
        villages = county.villages
        self.urban = [v for v in villages if v.name.endswith("社区")]
        self.rural = [v for v in villages if v.name.endswith("村")]
        self.town_villages = [v for v in villages if v.parent_id == STAFFED_TOWNSHIP]
        self.grid_village = next(v for v in villages if v.code == STAFFED_VILLAGE)
        self.names = {d.code: d for d in [county.county, *county.townships, *villages]}

    # -- people and text ------------------------------------------------------------------

    def person_name(self) -> str:
        return self.rng.choice(NAMES["surnames"]) + self.rng.choice(NAMES["given"])

    def phone(self) -> str:
        return "138" + "".join(self.rng.choice("0123456789") for _ in range(8))

    def id_number(self) -> str:
        born = dt.date(1950, 1, 1) + dt.timedelta(days=self.rng.randint(0, 365 * 52))
        body = f"{COUNTY_CODE}{born:%Y%m%d}{self.rng.randint(10, 999):03d}"
        weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        check = "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]
        return body + check

    def party(self, address: str, kind: str = Party.PETITIONER) -> services.PartyInput:
        return services.PartyInput(
            name=self.person_name(),
            phone=self.phone(),
            id_number=self.id_number(),
            address=address,
            kind=kind,
        )

    def place_for(self, topic: Story) -> Division:
        pool = {
            "urban": self.urban,
            "rural": self.rural,
            "town": self.town_villages,
            "grid": [self.grid_village],
        }.get(topic.area, self.urban + self.rural)
        return self.rng.choice(pool)

    def slots(self, topic: Story, place: Division, accused: Body | None) -> dict[str, str]:
        r = self.rng
        town = self.names.get(place.parent_id) if place.level == 5 else place
        years = r.randint(2, 8)
        roads = r.sample(NAMES["roads"], 2)
        out = {
            "town": town.name if town else "海阳市",
            "village": place.name,
            "estate": r.choice(NAMES["estates"]),
            "building": str(r.randint(1, 28)),
            "unit": str(r.randint(1, 4)),
            "road": roads[0],
            "road2": roads[1],
            "company": r.choice(NAMES["companies"]),
            "property_company": r.choice(NAMES["property_companies"]),
            "developer": r.choice(NAMES["developers"]),
            "school": r.choice(NAMES["schools"]),
            "hospital": r.choice(NAMES["hospitals"]),
            "market": r.choice(NAMES["markets"]),
            "project": r.choice(NAMES["projects"]),
            "trade": r.choice(NAMES["trades"]),
            "business": r.choice(NAMES["businesses"]),
            "years": str(years),
            "year0": str(self.today.year - years),
            "year1": str(r.choice([1978, 1979, 1980, 1983])),
            "months": str(r.randint(3, 14)),
            "month0": str(r.randint(1, max(1, self.today.month - 1))),
            "n": str(r.randint(6, 48)),
            "amount": str(r.choice([3.6, 8, 12.5, 18, 26, 43, 67])),
            "grade": r.choice("一二三四五六"),
            "neighbor": self.person_name(),
            "accused": accused.name if accused else "",
            "fee": "",
            "fee2": "",
        }
        for slot, choices in topic.slots.items():
            out[slot] = r.choice(choices)
        return out

    def pick_channel(self) -> str:
        if self._channel_cycle:
            return self._channel_cycle.pop(0)
        return self.rng.choices(OFFICE_CHANNELS, CHANNEL_WEIGHTS)[0]

    def topics(
        self,
        *,
        kind: str = "appeal",
        need_head: bool = False,
        legal: bool = False,
        area: tuple[str, ...] | None = None,
        group: bool = False,
        reviewable: bool = False,
    ) -> list[Story]:
        out = []
        for t in data.stories():
            if t.kind != kind or (legal and not t.legal) or (group and not t.group):
                continue
            if area is not None and t.area not in area:
                continue
            if area is None and t.area == "grid":
                continue
            if (need_head or reviewable) and t.body in HEADLESS:
                continue
            if t.body == "political_legal" and not legal:
                continue
            out.append(t)
        return out

    # -- plans ----------------------------------------------------------------------------

    def new_case(
        self,
        target: str,
        topic: Story,
        *,
        reg_ago: int,
        registrar: str = "office",
        channel: str | None = None,
        group: bool = False,
    ) -> Flow:
        r = self.rng
        county = self.county
        place = self.place_for(topic)
        accused = None
        if topic.kind == "report":
            if topic.accused == "dept":
                accused = county.departments[
                    r.choice(["zhujian", "ziran", "shichang", "zhifa", "jiaotong", "nongye"])
                ]
            elif topic.accused == "town":
                town_code = place.parent_id or STAFFED_TOWNSHIP
                accused = county.township_bodies[town_code]
            else:
                accused = county.body(topic.accused)
        slots = self.slots(topic, place, accused)
        title = topic.title.format_map(slots)
        address = "".join(d.name for d in reversed(place.ancestors()) if d.level >= Level.COUNTY)
        if topic.area == "urban":
            address += f"{slots['estate']}{slots['building']}号楼"
        if registrar == "grid":
            channel, actor, body_key = "grid", "grid_worker", "village"
        elif registrar == "agent":
            # A village agent files for a villager of the agent's own village (代办员).
            channel, actor, body_key = "agent", "village_agent", "village"
            place = county.body("village").division
            address = "".join(
                d.name for d in reversed(place.ancestors()) if d.level >= Level.COUNTY
            )
        elif registrar == "office":
            channel = channel or self.pick_channel()
            actor = "citizen" if channel in ("web", "mobile") else "clerk"
            body_key = "office"
        else:  # registered directly by a department (W23: a body receiving an item directly)
            channel = channel or r.choice(["visit", "letter", "phone"])
            actor, body_key = handler_of(registrar), registrar
        parties: list[services.PartyInput] = []
        group_size = 1
        anonymous = topic.kind == "report" and r.random() < 0.5
        if group:
            group_size = r.randint(8, 60)
            parties = [self.party(address, Party.REPRESENTATIVE) for _ in range(r.randint(2, 5))]
        elif not anonymous and registrar != "grid":
            parties = [self.party(address)]
        elif registrar == "grid":
            parties = [self.party(address)]
        name = parties[0].name if parties else ""
        text = topic.text.format_map(slots)
        if registrar == "grid":
            pass  # grid topics are written as the grid worker's own record
        elif group:
            text = (
                f"{place.name}{group_size}名群众集体反映，推选{len(parties)}名代表：{text}"
                f"恳请有关部门{topic.demand.format_map(slots)}。"
            )
        elif name:
            intro = r.choice(
                [f"我叫{name}，家住{address}。", f"本人{name}，{place.name}居民。", ""]
            )
            if topic.kind == "suggestion":
                text = f"{intro}{text}希望有关部门研究采纳。"
            else:
                text = f"{intro}{text}恳请有关部门{topic.demand.format_map(slots)}。"
        else:
            text = f"{text}希望组织上认真调查。"
        plan = CasePlan(
            key=len(self.plans),
            target=target,
            topic=topic,
            registrar=actor,
            register=dict(
                body=county.body(body_key),
                channel=channel,
                content_type=topic.kind,
                title=title,
                text=text,
                place=place,
                address=address,
                parties=parties,
                is_group=group,
                group_size=group_size,
                accused_body=accused,
                public_consent=topic.kind != "report" and r.random() < 0.4,
                category_path=topic.category,
            ),
        )
        plan.slots = slots
        self.plans.append(plan)
        from .flow import Flow

        return Flow(self, plan, reg_ago, holder=body_key, staff=actor != "citizen")
