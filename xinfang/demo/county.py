"""The demo county: 山东省 → 烟台市 → 海阳市, its townships, villages, bodies and staff logins.

Plain functions, idempotent (get_or_create by code, name and username), over data/county.toml.
Every demo login shares one password, printed by the command; never use it outside a demo.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from xinfang.orgs.models import Body, BodyKind, Division, Level, Membership, Role

from . import data

DEMO_PASSWORD = "demo12345"
_DATA = data.county()
COUNTY_CODE: str = _DATA["county_code"]
# (code suffix, name, [(village code suffix, village name), ...])
TOWNSHIPS: list[tuple[str, str, list[tuple[str, str]]]] = [
    (row["code"], row["name"], list(row["villages"].items())) for row in _DATA["township"]
]
# The township (and one of its villages) that has staff: grid escalations run through it.
STAFFED_TOWNSHIP: str = _DATA["staffed_township"]
STAFFED_VILLAGE: str = _DATA["staffed_village"]
# County departments: key → (name, city counterpart name or None). Keys make usernames.
DEPARTMENTS: dict[str, tuple[str, str | None]] = {
    key: (row["name"], row.get("city")) for key, row in _DATA["departments"].items()
}
# Each body's code in its notice numbers (发文机关代字), e.g. 海住建信答〔2026〕12号.
NOTICE_ABBREVIATIONS: dict[str, str] = _DATA["abbreviations"]
# What each login can try first in the demo data (printed by `seed_demo`).
LOGIN_HINTS: dict[str, str] = _DATA["hints"]


@dataclass
class DemoCounty:
    province: Division
    city: Division
    county: Division
    townships: list[Division]
    villages: list[Division]
    city_office: Body
    city_government: Body
    office: Body
    government: Body
    discipline: Body
    political_legal: Body
    departments: dict[str, Body]
    city_departments: dict[str, Body]
    township_bodies: dict[str, Body]  # by division code
    village_bodies: dict[str, Body]  # by division code
    users: dict = field(default_factory=dict)  # username → User
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # username, role, body

    def body(self, key: str) -> Body:
        """A body by the short key the case scripts use."""
        fixed = {
            "office": self.office,
            "government": self.government,
            "discipline": self.discipline,
            "political_legal": self.political_legal,
            "city_office": self.city_office,
            "city_government": self.city_government,
            "town": self.township_bodies[STAFFED_TOWNSHIP],
            "village": self.village_bodies[STAFFED_VILLAGE],
        }
        if key in fixed:
            return fixed[key]
        if key.startswith("yt_"):
            return self.city_departments[key[3:]]
        return self.departments[key]


def demo_county_exists() -> bool:
    return Body.objects.filter(division_id=COUNTY_CODE, name="海阳市信访局").exists()


def _division(code: str, name: str, level: int, parent: Division | None) -> Division:
    division, _ = Division.objects.get_or_create(
        code=code, defaults={"name": name, "level": level, "parent": parent}
    )
    return division


def _body(name: str, kind: str, division: Division, parent: Body | None = None) -> Body:
    abbreviation = NOTICE_ABBREVIATIONS.get(name) or (
        f"{division.name[:2]}信" if kind == BodyKind.TOWNSHIP else ""
    )
    body, _ = Body.objects.get_or_create(
        name=name,
        division=division,
        defaults={"kind": kind, "parent": parent, "notice_abbreviation": abbreviation},
    )
    if abbreviation and not body.notice_abbreviation:
        body.notice_abbreviation = abbreviation
        body.save(update_fields=["notice_abbreviation"])
    return body


def _reception(body: Body, address: str, phone: str) -> None:
    """The demo offices' reception address and phone (fictitious), printed on receipts."""
    if not body.reception_address:
        body.reception_address, body.reception_phone = address, phone
        body.save(update_fields=["reception_address", "reception_phone"])


def build_divisions_and_bodies() -> DemoCounty:
    province = _division("370000", "山东省", Level.PROVINCE, None)
    city = _division("370600", "烟台市", Level.CITY, province)
    county = _division(COUNTY_CODE, "海阳市", Level.COUNTY, city)

    city_government = _body("烟台市委、市政府", BodyKind.PARTY_GOVERNMENT, city)
    city_office = _body("烟台市信访局", BodyKind.PETITION_OFFICE, city, city_government)
    government = _body("海阳市委、市政府", BodyKind.PARTY_GOVERNMENT, county, city_government)
    # Reviews go to the superior of the deciding body (W35), re-reviews one step further (W36).
    office = _body("海阳市信访局", BodyKind.PETITION_OFFICE, county, city_office)
    _reception(city_office, "烟台市莱山区府后路××号 烟台市人民来访接待中心", "0535-12345")
    _reception(office, "海阳市海阳路××号 海阳市人民来访接待中心", "0535-3212345")
    discipline = _body("海阳市纪委监委", BodyKind.DISCIPLINE, county)
    political_legal = _body("海阳市委政法委", BodyKind.POLITICAL_LEGAL, county, government)

    departments: dict[str, Body] = {}
    city_departments: dict[str, Body] = {}
    for key, (name, city_name) in DEPARTMENTS.items():
        parent = government
        if city_name:
            parent = _body(city_name, BodyKind.DEPARTMENT, city, city_government)
            city_departments[key] = parent
        departments[key] = _body(name, BodyKind.DEPARTMENT, county, parent)

    townships, villages = [], []
    township_bodies: dict[str, Body] = {}
    village_bodies: dict[str, Body] = {}
    for suffix, name, village_rows in TOWNSHIPS:
        town = _division(COUNTY_CODE + suffix, name, Level.TOWNSHIP, county)
        townships.append(town)
        gov_name = f"{name}办事处" if name.endswith("街道") else f"{name}人民政府"
        town_body = _body(gov_name, BodyKind.TOWNSHIP, town, government)
        township_bodies[town.code] = town_body
        for v_suffix, v_name in village_rows:
            village = _division(town.code + v_suffix, v_name, Level.VILLAGE, town)
            villages.append(village)
            committee = "居民委员会" if v_name.endswith("社区") else "村民委员会"
            village_bodies[village.code] = _body(
                f"{v_name}{committee}", BodyKind.VILLAGE, village, town_body
            )

    return DemoCounty(
        province=province,
        city=city,
        county=county,
        townships=townships,
        villages=villages,
        city_office=city_office,
        city_government=city_government,
        office=office,
        government=government,
        discipline=discipline,
        political_legal=political_legal,
        departments=departments,
        city_departments=city_departments,
        township_bodies=township_bodies,
        village_bodies=village_bodies,
    )


# username, name shown on timelines, body key, roles
def staff_plan() -> list[tuple[str, str, str, tuple[str, ...]]]:
    return [
        (username, name, body, tuple(Role(role) for role in roles))
        for username, (name, body, roles) in _DATA["staff"].items()
    ]


def build_staff(county: DemoCounty, password: str = DEMO_PASSWORD) -> None:
    """Create the demo logins (existing ones are left as they are, password included)."""
    User = get_user_model()
    hashed = None  # hashing is slow by design: do it once for all demo logins
    for username, full_name, body_key, roles in staff_plan():
        body = county.body(body_key)
        user = User.objects.filter(username=username).first()
        if user is None:
            hashed = hashed or make_password(password)
            user = User(username=username, first_name=full_name, password=hashed)
            if username == "admin":
                user.is_staff = True
                user.is_superuser = True
            user.save()
        for role in roles:
            Membership.objects.get_or_create(user=user, body=body, role=role)
            county.logins.append((username, str(role), body.name))
        county.users[username] = user


def existing_logins() -> list[tuple[str, str, str]]:
    """The demo logins as they are in the database: username, role, body."""
    usernames = [row[0] for row in staff_plan()]
    rows = Membership.objects.filter(user__username__in=usernames).select_related("user", "body")
    found = {(m.user.username, m.role): m.body.name for m in rows}
    return [
        (username, str(role), found[(username, role)])
        for username, _name, _body, roles in staff_plan()
        for role in roles
        if (username, role) in found
    ]


def build_demo_county(password: str = DEMO_PASSWORD) -> DemoCounty:
    county = build_divisions_and_bodies()
    build_staff(county, password)
    return county
