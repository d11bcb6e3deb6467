"""Shared fixtures: a small county with the bodies and staff the workflow needs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from xinfang.cases import services
from xinfang.orgs.models import Body, BodyKind, Division, Level, Membership
from xinfang.taxonomy.services import BUNDLED_CSV

# On a loaded machine the first draws of a process (loading the translation catalog, the
# holiday tables) can take over a second; that is not slow input generation.
hypothesis_settings.register_profile(
    "xinfang", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("xinfang")

# The labelled citizen messages live beside the checkout (../shared/data), not in it: a fresh
# clone has none, CI has them. Tests that need them ask shared_data_file(), which skips.
SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
# The taxonomy is bundled with the package, so tests never need the shared copy of it.
TAXONOMY_CSV = BUNDLED_CSV


def shared_data_file(name: str) -> Path:
    """A file of ../shared/data; skips the calling test, saying which file, when it is absent."""
    path = SHARED_DATA / name
    if not path.is_file():
        pytest.skip(
            f"needs the labelled messages {name} in ../shared/data (absent in a fresh clone)"
        )
    return path


# One leaking roof told by three people in their own words: a matter many people raise.
RETOLD_LEAK = [
    (
        "幸福家园小区顶楼漏水物业不修",
        "我家住在幸福家园3号楼顶层，每逢下雨屋顶就漏水，墙面发霉，物业一直推诿不修。",
    ),
    (
        "幸福家园顶楼漏水，物业不管",
        "我住幸福家园3号楼顶层，下雨屋顶就漏水，墙面发霉，物业推诿不修。",
    ),
    ("幸福家园小区屋顶漏水", "家住幸福家园3号楼顶层，每逢下雨屋顶就漏水，墙面发霉，物业一直不修。"),
]


def wrong_next_due() -> list[tuple[str, object, object]]:
    """(number, kept, read) of each case whose next_due_on and several_deadlines are not the
    nearest due date of its running staff deadlines and whether more than one runs, as read
    from its clocks."""
    from django.db.models import Count, OuterRef, Subquery

    from xinfang.cases.deadlines import NOT_STAFF_DEADLINES
    from xinfang.cases.models import Case, Clock

    running = Clock.objects.filter(case=OuterRef("pk"), status=Clock.RUNNING).exclude(
        period__in=NOT_STAFF_DEADLINES
    )
    nearest = running.order_by("due_on").values("due_on")[:1]
    count = running.order_by().values("case").annotate(n=Count("pk")).values("n")[:1]
    rows = Case.objects.annotate(nearest=Subquery(nearest), n=Subquery(count)).values_list(
        "number", "next_due_on", "several_deadlines", "nearest", "n"
    )
    return [
        (number, (kept, several), (nearest, (n or 0) > 1))
        for number, kept, several, nearest, n in rows
        if (kept, several) != (nearest, (n or 0) > 1)
    ]


def _uses_database(item) -> bool:
    names = getattr(item, "fixturenames", ())
    return bool(item.get_closest_marker("django_db") or {"db", "transactional_db"} & set(names))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """After every test that used the database, whatever moves it made: each case's nearest
    staff deadline (which the due-soon and overdue queues read) still agrees with its clocks.
    A test that sets clocks by hand, past the services, says so with clocks_set_by_hand."""
    from django.db import Error

    result = yield
    if _uses_database(item) and not item.get_closest_marker("clocks_set_by_hand"):
        try:
            wrong = wrong_next_due()
        except Error:  # the test closed the connection (a command run as from a shell)
            return result
        assert not wrong, (
            f"next_due_on or several_deadlines disagrees with the clocks (number, kept, read): {wrong}"
        )
    return result


@dataclass
class County:
    province: Division
    city: Division
    county: Division
    town: Division
    village: Division
    city_office: Body
    office: Body
    city_housing: Body
    housing: Body
    land: Body
    discipline: Body
    town_gov: Body
    village_committee: Body
    users: dict


def _user(username: str, body: Body, *roles: str):
    user = get_user_model().objects.create_user(
        username, password="pw-" + username, first_name=username
    )
    for role in roles:
        Membership.objects.create(user=user, body=body, role=role)
    return user


def build_county() -> County:
    province = Division.objects.create(code="370000", name="山东省", level=Level.PROVINCE)
    city = Division.objects.create(code="370600", name="烟台市", level=Level.CITY, parent=province)
    county = Division.objects.create(code="370687", name="海阳市", level=Level.COUNTY, parent=city)
    town = Division.objects.create(
        code="370687101", name="留格庄镇", level=Level.TOWNSHIP, parent=county
    )
    village = Division.objects.create(
        code="370687101201", name="东村", level=Level.VILLAGE, parent=town
    )
    city_office = Body.objects.create(
        name="烟台市信访局",
        kind=BodyKind.PETITION_OFFICE,
        division=city,
        notice_abbreviation="烟信访",
    )
    office = Body.objects.create(
        name="海阳市信访局",
        kind=BodyKind.PETITION_OFFICE,
        division=county,
        parent=city_office,
        notice_abbreviation="海信访",
    )
    city_housing = Body.objects.create(
        name="烟台市住房和城乡建设局",
        kind=BodyKind.DEPARTMENT,
        division=city,
        notice_abbreviation="烟住建信",
    )
    housing = Body.objects.create(
        name="海阳市住房和城乡建设局",
        kind=BodyKind.DEPARTMENT,
        division=county,
        parent=city_housing,
        notice_abbreviation="海住建信",
    )
    land = Body.objects.create(name="海阳市自然资源局", kind=BodyKind.DEPARTMENT, division=county)
    discipline = Body.objects.create(
        name="海阳市纪委监委", kind=BodyKind.DISCIPLINE, division=county
    )
    town_gov = Body.objects.create(name="留格庄镇人民政府", kind=BodyKind.TOWNSHIP, division=town)
    village_committee = Body.objects.create(
        name="东村村民委员会", kind=BodyKind.VILLAGE, division=village, parent=town_gov
    )
    users = {
        "clerk": _user("clerk", office, "intake_clerk"),
        "supervisor": _user("supervisor", office, "supervisor"),
        "leader": _user("leader", office, "leader"),
        "handler": _user("handler", housing, "handler"),
        "handler2": _user("handler2", housing, "handler"),
        "head": _user("head", housing, "head"),
        "land_handler": _user("land_handler", land, "handler"),
        "city_handler": _user("city_handler", city_housing, "handler"),
        "city_head": _user("city_head", city_housing, "head"),
        "province_handler": None,
        "discipline_handler": _user("discipline_handler", discipline, "handler"),
        "grid": _user("grid", village_committee, "grid_worker"),
        "town_handler": _user("town_handler", town_gov, "handler"),
    }
    return County(
        province,
        city,
        county,
        town,
        village,
        city_office,
        office,
        city_housing,
        housing,
        land,
        discipline,
        town_gov,
        village_committee,
        users,
    )


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The default hasher takes ~0.5 s per user; the county fixture creates a dozen.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_second_factor(settings, request):
    """Tests of other features sign staff in with the password alone; those of the two-factor
    step (tests/accounts) mark themselves `two_factor` and keep the production default."""
    if request.node.get_closest_marker("two_factor") is None:
        settings.SIGNIN = {**settings.SIGNIN, "OTP_REQUIRED_ROLES": frozenset()}


@pytest.fixture(autouse=True)
def _own_audit_export(settings, tmp_path_factory):
    # Each test's head export starts empty, never the checkout's own file.
    settings.AUDIT_EXPORT_PATH = tmp_path_factory.mktemp("audit") / "audit-heads.log"


@pytest.fixture(autouse=True)
def _fresh_statistics_frame(settings):
    """Each test's database starts anew, and so does the statistics' frame of it; within a test
    it reads every fold at once (a worker looks every few seconds) whatever time the test set."""
    from xinfang.insights import frame

    frame.reset()
    settings.XINFANG = {
        **settings.XINFANG,
        "INSIGHTS_FRAME": {"refresh_every": 0, "margin": 10**9, "max_age": 10**9},
    }


@pytest.fixture
def county(db) -> County:
    return build_county()


def grant(client, *cases) -> None:
    """The test client's browser holds the pass that opens `cases` (as after the tracking code
    and query password)."""
    from xinfang.portal import browser_pass

    proof = browser_pass.BrowserPass(cases=[c.pk for c in cases])
    client.cookies[browser_pass.COOKIE] = proof.sealed()


def register_appeal(county: County, **overrides):
    """A letter registered by the county petition office clerk."""
    kwargs = dict(
        actor=county.users["clerk"],
        body=county.office,
        channel="letter",
        content_type="appeal",
        title="小区楼顶漏水无人维修",
        text="我家住顶楼，雨天漏水，物业不管。",
        place=county.county,
        address="海阳市某小区3号楼",
        parties=[
            services.PartyInput(name="张三", phone="13800138000", id_number="370687199001011234")
        ],
    )
    kwargs.update(overrides)
    return services.register(**kwargs)


def accepted_appeal(county: County, **overrides):
    """A letter registered by the county office, transferred to the housing bureau and accepted
    by its handler; the accepted case."""
    case = register_appeal(county, **overrides).case
    case = services.transfer(case=case, actor=county.users["clerk"], body=county.housing)
    return services.accept(case=case, actor=county.users["handler"])


def replied_appeal(
    county: County,
    case=None,
    *,
    decision: str = "support",
    facts: str = "漏水属实",
    reasons: str = "物业应当维修",
    **overrides,
):
    """A case answered by the housing bureau (transferred, accepted, decided and signed off):
    the petitioner may now rate it or ask for review. Registered as `register_appeal` with
    `overrides` unless an already registered `case` is given."""
    case = case or register_appeal(county, **overrides).case
    u = county.users
    case = services.transfer(case=case, actor=u["clerk"], body=county.housing)
    case = services.accept(case=case, actor=u["handler"])
    case = services.decide(
        case=case, actor=u["handler"], decision=decision, facts=facts, reasons=reasons
    )
    return services.reply(case=case, actor=u["head"])


def report_against(county: County, accused, *, routed: bool = True, **overrides):
    """A report of misconduct (检举控告) accusing `accused`, registered by the county office and,
    unless `routed` is False, transferred to discipline inspection (W22, W28)."""
    fields = dict(
        content_type="report",
        accused_body=accused,
        title="反映工作人员收受好处费",
        text="反映某局工作人员在办理业务时收受好处费。",
        parties=[services.PartyInput(name="李四", phone="13900139000")],
    )
    fields.update(overrides)
    case = register_appeal(county, **fields).case
    if not routed:
        return case
    return services.transfer(case=case, actor=county.users["clerk"], body=county.discipline)


@pytest.fixture
def registered(county):
    return register_appeal(county)


@pytest.fixture(autouse=True)
def _fresh_table_caches():
    # Each test's rows roll back unseen (bulk writes send no signal): start every test cold,
    # rate-limit keys remembered over their limits included.
    from xinfang.core import ratelimit, tablecache

    tablecache.reset()
    ratelimit.forget()
    yield
    tablecache.reset()
    ratelimit.forget()
