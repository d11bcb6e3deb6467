"""Intake by category, grouped at the level asked for and filtered by a code of any level."""

from __future__ import annotations

import pytest

from tests.conftest import register_appeal
from xinfang.insights import fold
from xinfang.insights.selectors import StatFilters, statistics, windows
from xinfang.taxonomy.models import Category, TaxonomyVersion

from .conftest import TODAY, _travel, at


@pytest.fixture
def categorised(county):
    v = TaxonomyVersion.objects.create(label="测试", source_sha256="0" * 64, is_active=True)

    def cat(code, name, parent=None):
        return Category.objects.create(
            version=v, code=code, name=name, level=len(code) // 2, parent=parent, full_name=name
        )

    city = cat("01", "城乡建设")
    housing = cat("0101", "住房保障", city)
    leak, rent = cat("010101", "房屋质量", housing), cat("010102", "租赁补贴", housing)
    roads = cat("0102", "市政道路", city)
    pothole = cat("010201", "路面破损", roads)
    land = cat("02", "国土资源")
    deed = cat("020101", "确权登记", cat("0201", "土地确权", land))
    # November 2026: three in housing (two leaks, one rent), one road, one deed.
    for day, category in ((2, leak), (3, leak), (4, rent), (5, pothole), (6, deed)):
        with _travel(at(2026, 11, day)):
            register_appeal(county, category=category)
    fold.rebuild()
    return county


def _rows(county, **kw):
    user = county.users["supervisor"]
    s = statistics(user, StatFilters(window=windows.month(2026, 11), **kw), day=TODAY)
    return {r.key: (r.label, r.count) for r in s.by_category}


def test_grouped_by_level(categorised):
    assert _rows(categorised, level=1) == {
        "category:01": ("城乡建设", 4),
        "category:02": ("国土资源", 1),
    }
    assert _rows(categorised, level=2) == {
        "category:0101": ("住房保障", 3),
        "category:0102": ("市政道路", 1),
        "category:0201": ("土地确权", 1),
    }
    assert _rows(categorised, level=3)["category:010101"] == ("房屋质量", 2)


def test_filtered_by_a_code_of_any_level(categorised):
    assert _rows(categorised, category="0101", level=3) == {
        "category:010101": ("房屋质量", 2),
        "category:010102": ("租赁补贴", 1),
    }
