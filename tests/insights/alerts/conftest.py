"""Weeks of petitions for the early-warning tests: a county whose housing-quality petitions from
one township run at one a week, then jump to six. Mondays of 2026: 11-02, 11-09, 11-16, 11-23."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import register_appeal
from xinfang.cases import services
from xinfang.taxonomy.models import Category, TaxonomyVersion

W0, W1, W2, W3 = (dt.date(2026, 11, 2) + dt.timedelta(weeks=i) for i in range(4))

# Small numbers so a handful of petitions is a rise: 2 baseline weeks, alpha 5 %, at least 3.
SMALL = {
    "CATEGORY_LEVEL": 2,
    "ALPHA": 0.05,
    "BASELINE_WEEKS": 2,
    "MIN_COUNT": 3,
    "CLUSTER_WEEKS": 2,
    "CLUSTER_SIZE": 4,
    "CLUSTER_GROWTH": 2,
    "CLUSTER_GROWTH_MIN": 3,
}

# Different wording each time: no two of these are look-alikes.
TEXTS = [
    ("顶楼漏水", "三号楼顶层下雨漏水"),
    ("墙体开裂", "新房交付半年墙面大面积裂缝"),
    ("地下室渗水", "车库常年积水无人处理"),
    ("外墙脱落", "外墙瓷砖掉落险些砸到行人"),
    ("电梯故障", "电梯一月停运五次业主被困"),
    ("管道堵塞", "化粪池满溢污水倒灌进家"),
    ("窗户变形", "塑钢窗框变形关不严透风"),
    ("楼板空鼓", "客厅地面空鼓踩上去有响声"),
]


def moment(day: dt.date, hour: int = 2) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)  # 10:00 in Shanghai


def person(i: int):
    return [services.PartyInput(name=f"居民{i}", phone=f"139{i:08d}")]


@pytest.fixture
def alert_settings(settings):
    settings.XINFANG = {**settings.XINFANG, "ALERTS": dict(SMALL)}
    return settings


@pytest.fixture
def housing_quality(county):
    return make_categories()


def make_categories() -> dict:
    v = TaxonomyVersion.objects.create(label="测试", source_sha256="0" * 64, is_active=True)

    def cat(code, name, parent=None):
        return Category.objects.create(
            version=v, code=code, name=name, level=len(code) // 2, parent=parent, full_name=name
        )

    top = cat("01", "城乡建设")
    quality = cat("0101", "房屋质量", top)
    roads = cat("0102", "市政道路", top)
    return {"leak": cat("010101", "房屋漏水", quality), "road": cat("010201", "路面破损", roads)}


def register_on(county, day, *, category, i, place=None, hour=2, texts=TEXTS):
    import time_machine

    title, body = texts[i % len(texts)]
    with time_machine.travel(moment(day, hour), tick=False):
        return register_appeal(
            county,
            category=category,
            place=place or county.village,
            title=f"{title}（{i}）",
            text=body,
            parties=person(i),
        ).case
