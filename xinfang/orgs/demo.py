"""The demo county: 山东省 → 烟台市 → 海阳市, its townships, villages, bodies and staff logins.

Plain functions, idempotent (get_or_create by code, name and username), used by `seed_demo`.
Every demo login shares one password, printed by the command; never use it outside a demo.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from .models import Body, BodyKind, Division, Level, Membership, Role

DEMO_PASSWORD = "demo12345"
COUNTY_CODE = "370687"

# (code, name, [(village code suffix, village name), ...]); township codes extend the county's.
TOWNSHIPS: list[tuple[str, str, list[tuple[str, str]]]] = [
    ("001", "东村街道", [("001", "海滨社区"), ("002", "北城社区"), ("003", "凤鸣社区")]),
    ("002", "方圆街道", [("001", "方圆社区"), ("002", "黄海社区")]),
    ("003", "凤城街道", [("001", "凤台社区"), ("002", "河西社区")]),
    ("004", "龙山街道", [("001", "龙山社区"), ("002", "槐树庄社区"), ("003", "南埠村")]),
    ("101", "留格庄镇", [("201", "大辛家村"), ("202", "孙家夼村"), ("203", "于家庄村")]),
    ("102", "盘石店镇", [("201", "后店村"), ("202", "石人泊村")]),
    ("103", "郭城镇", [("201", "西古现村"), ("202", "河北村"), ("203", "小山后村")]),
    ("104", "徐家店镇", [("201", "王家庄村"), ("202", "东石兰沟村")]),
]
# The township (and one of its villages) that has staff: grid escalations run through it.
STAFFED_TOWNSHIP = "370687101"
STAFFED_VILLAGE = "370687101201"

# County departments: key → (name, city counterpart name or None). Keys make usernames.
DEPARTMENTS: dict[str, tuple[str, str | None]] = {
    "zhujian": ("海阳市住房和城乡建设局", "烟台市住房和城乡建设局"),
    "ziran": ("海阳市自然资源和规划局", "烟台市自然资源和规划局"),
    "renshe": ("海阳市人力资源和社会保障局", "烟台市人力资源和社会保障局"),
    "jiaoyu": ("海阳市教育和体育局", None),
    "weijian": ("海阳市卫生健康局", None),
    "shichang": ("海阳市市场监督管理局", None),
    "huanjing": ("烟台市生态环境局海阳分局", None),
    "jiaotong": ("海阳市交通运输局", None),
    "nongye": ("海阳市农业农村局", None),
    "zhifa": ("海阳市综合行政执法局", None),
    "minzheng": ("海阳市民政局", None),
}


# Each body's code in its notice numbers (发文机关代字), e.g. 海住建信答〔2026〕12号.
NOTICE_ABBREVIATIONS: dict[str, str] = {
    "烟台市委、市政府": "烟政信",
    "烟台市信访局": "烟信访",
    "烟台市住房和城乡建设局": "烟住建信",
    "烟台市自然资源和规划局": "烟自然资源信",
    "烟台市人力资源和社会保障局": "烟人社信",
    "海阳市委、市政府": "海政信",
    "海阳市信访局": "海信访",
    "海阳市纪委监委": "海纪信",
    "海阳市委政法委": "海政法信",
    "海阳市住房和城乡建设局": "海住建信",
    "海阳市自然资源和规划局": "海自然资源信",
    "海阳市人力资源和社会保障局": "海人社信",
    "海阳市教育和体育局": "海教体信",
    "海阳市卫生健康局": "海卫健信",
    "海阳市市场监督管理局": "海市监信",
    "烟台市生态环境局海阳分局": "烟环海信",
    "海阳市交通运输局": "海交运信",
    "海阳市农业农村局": "海农信",
    "海阳市综合行政执法局": "海综执信",
    "海阳市民政局": "海民信",
}


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
    plan = [
        ("clerk", "孙丽娟", "office", (Role.INTAKE_CLERK,)),
        ("supervisor", "周建华", "office", (Role.SUPERVISOR,)),
        ("leader", "姜卫东", "office", (Role.LEADER,)),
        ("analyst", "曲晓燕", "office", (Role.ANALYST,)),
        ("admin", "系统管理员", "office", (Role.ADMIN,)),
    ]
    handlers = [
        "王海涛",
        "李静",
        "张宏伟",
        "刘晓红",
        "陈志刚",
        "杨丽",
        "赵明",
        "黄建军",
        "吴芳",
        "徐磊",
        "郭玉梅",
    ]
    heads = [
        "孙建平",
        "于国强",
        "姜秀兰",
        "曲振华",
        "宋东",
        "高春生",
        "林立新",
        "崔德胜",
        "吕长海",
        "董永刚",
        "纪文涛",
    ]
    for i, key in enumerate(DEPARTMENTS):
        plan.append((f"{key}_handler", handlers[i], key, (Role.HANDLER,)))
        plan.append((f"{key}_head", heads[i], key, (Role.HEAD,)))
    plan += [
        ("zhengfu_handler", "于洪波", "government", (Role.HANDLER,)),
        ("zhengfu_head", "初树森", "government", (Role.HEAD,)),
        ("jiwei_handler", "林晓光", "discipline", (Role.HANDLER,)),
        ("jiwei_head", "衣国栋", "discipline", (Role.HEAD,)),
        ("zhengfa_handler", "宋振宇", "political_legal", (Role.HANDLER,)),
        ("town_handler", "崔海军", "town", (Role.HANDLER,)),
        ("grid_worker", "邵春燕", "village", (Role.GRID_WORKER,)),
        ("yt_clerk", "隋美玲", "city_office", (Role.INTAKE_CLERK,)),
        ("yt_zhujian_handler", "鞠鹏", "yt_zhujian", (Role.HANDLER,)),
        ("yt_zhujian_head", "鞠建民", "yt_zhujian", (Role.HEAD,)),
        ("yt_ziran_handler", "滕飞", "yt_ziran", (Role.HANDLER,)),
        ("yt_ziran_head", "战学军", "yt_ziran", (Role.HEAD,)),
        ("yt_renshe_handler", "修文静", "yt_renshe", (Role.HANDLER,)),
        ("yt_renshe_head", "隋志远", "yt_renshe", (Role.HEAD,)),
        ("yt_zhengfu_handler", "战国华", "city_government", (Role.HANDLER,)),
    ]
    return plan


# What each login can try first in the demo data (printed by `seed_demo`).
LOGIN_HINTS: dict[str, str] = {
    "clerk": "/desk/intake/ 登记来信来访、转送交办（W22），处理管辖异议（W23），增加协办单位（W24）；"
    "/desk/grid/ 县级网格台账：化解或转为信访事项",
    "supervisor": "/desk/supervision/ 已标记的超期事项、临期事项，督办单（已回复、待回复、已超期）；"
    "下督办单、挂牌督办、提请领导协调（W39、W40）",
    "leader": "/desk/leaders/ 本人包案的A、B、C级事项（定领导、定单位、定方案、定时限，W18），"
    "含已过化解时限并提请协调的事项",
    "zhujian_handler": "/desk/ 受理、申请延期、拟定处理意见；协办事项回复（W24），督办回复（W40）",
    "zhujian_head": "/desk/ 审批待批的延期申请：批准或不予延期（W34），签发答复意见书（W32）",
    "jiwei_handler": "/desk/ 办理检举控告（W22、W28）；只有持有该件的纪委监委能查看举报人完整身份，"
    "每次查看都记入时间线（W30、W46）",
    "town_handler": "/desk/grid/ 镇级网格台账：化解、上报县级或转为信访事项；"
    "/desk/ 受理网格员逐级上报到镇的事项",
    "grid_worker": "/desk/grid/ 登记矛盾纠纷或风险隐患，村级化解或逐级上报（小事不出村、大事不出镇）",
}


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
