"""Document numbers (发文字号, GB/T 9704-2012 7.2.4): per issuing body, kind and year, gap-free,
with the issuing body's own abbreviation, allocated in the issuing move's transaction."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import ValidationError

from xinfang.cases import services
from xinfang.core import events
from xinfang.documents.kinds import KINDS
from xinfang.documents.models import Notice, NoticeCounter
from xinfang.orgs.models import Body, BodyKind

from ..conftest import register_appeal

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _transferred(county, body=None):
    case = register_appeal(county).case
    return services.transfer(case=case, actor=county.users["clerk"], body=body or county.housing)


def _number(case, kind: str) -> str:
    return Notice.objects.get(case=case, kind=kind).number


@time_machine.travel(dt.datetime(2026, 11, 20, 10, tzinfo=SHANGHAI), tick=False)
def test_each_body_numbers_each_kind_from_one_in_a_year(county):
    """W22, W23: the petition office's 转送单 and the housing bureau's 受理告知书 each count on
    their own: 海信访转〔2026〕1号, 2号, 3号 and 海住建信受〔2026〕1号, 2号."""
    cases = [_transferred(county) for _ in range(3)]
    assert [_number(c, "transfer_slip") for c in cases] == [
        "海信访转〔2026〕1号",
        "海信访转〔2026〕2号",
        "海信访转〔2026〕3号",
    ]
    for case in cases[:2]:
        services.accept(case=case, actor=county.users["handler"])
    assert [_number(c, "acceptance_notice") for c in cases[:2]] == [
        "海住建信受〔2026〕1号",
        "海住建信受〔2026〕2号",
    ]
    slip = Notice.objects.get(case=cases[2], kind="transfer_slip")
    assert (slip.issuing_body, slip.year, slip.sequence) == (county.office, 2026, 3)


def test_a_new_year_starts_again_at_one(county):
    with time_machine.travel(dt.datetime(2026, 12, 31, 16, tzinfo=SHANGHAI), tick=False):
        _transferred(county)
        last = _transferred(county)
    with time_machine.travel(dt.datetime(2027, 1, 4, 9, tzinfo=SHANGHAI), tick=False):
        first = _transferred(county)
    assert _number(last, "transfer_slip") == "海信访转〔2026〕2号"
    assert _number(first, "transfer_slip") == "海信访转〔2027〕1号"


def test_the_body_that_makes_the_move_issues_the_number(county):
    """A body other than the petition office accepting carries its own abbreviation."""
    county.land.notice_abbreviation = "海自然资源信"
    county.land.save()
    case = _transferred(county, county.land)
    services.accept(case=case, actor=county.users["land_handler"])
    notice = Notice.objects.get(case=case, kind="acceptance_notice")
    assert notice.number.startswith("海自然资源信受〔")
    assert notice.number.endswith("〕1号")
    assert notice.issuing_body == county.land
    assert notice.context["issuer"] == "海阳市自然资源局"


def test_a_body_without_abbreviation_is_named_in_full(county):
    county.housing.notice_abbreviation = ""
    county.housing.save()
    case = _transferred(county)
    services.accept(case=case, actor=county.users["handler"])
    assert _number(case, "acceptance_notice").startswith("海阳市住房和城乡建设局受〔")


def test_a_rolled_back_move_gives_its_number_back(county):
    """Gap-free: the number taken by a move that fails is the next move's number."""
    first = _transferred(county)
    second = register_appeal(county).case

    def fail(event):
        raise RuntimeError("outbox unavailable")

    events.subscribe(fail)
    try:
        with pytest.raises(RuntimeError):
            services.transfer(case=second, actor=county.users["clerk"], body=county.housing)
    finally:
        events.unsubscribe(fail)
    third = _transferred(county)
    services.transfer(case=second, actor=county.users["clerk"], body=county.housing)
    year = Notice.objects.get(case=first, kind="transfer_slip").year
    assert [_number(c, "transfer_slip") for c in (first, third, second)] == [
        f"海信访转〔{year}〕{n}号" for n in (1, 2, 3)
    ]
    assert NoticeCounter.objects.get(body=county.office, kind="transfer_slip", year=year).last == 3


def test_two_bodies_may_not_share_an_abbreviation(county):
    other = Body(
        name="海阳市某局",
        kind=BodyKind.DEPARTMENT,
        division=county.county,
        notice_abbreviation="海住建信",
    )
    with pytest.raises(ValidationError, match="该机关代字已被其他单位使用"):
        other.full_clean()
    # Any number of bodies may leave it empty (their full name is used).
    other.notice_abbreviation = ""
    other.full_clean()


def test_each_kind_has_its_own_character():
    codes = [k.code for k in KINDS.values()]
    assert len(codes) == len(set(codes))


@time_machine.travel(dt.datetime(2026, 11, 20, 10, tzinfo=SHANGHAI), tick=False)
def test_old_numbers_are_renumbered_by_the_data_migration(county):
    """Notices numbered by the former scheme (one number shared by many) get fresh ones, in the
    order they were issued; the counters continue after them."""
    import importlib

    migration = importlib.import_module("xinfang.documents.migrations.0004_renumber_notices")
    cases = [_transferred(county) for _ in range(3)]
    Notice.objects.update(number="海信访转〔2026〕1号", issuing_body=None, year=None, sequence=None)
    Notice.objects.filter(case__in=cases[:2]).update(status=Notice.RENDERED)
    NoticeCounter.objects.all().delete()

    migration.renumber(apps, None)

    slips = list(Notice.objects.filter(kind="transfer_slip").order_by("created_at", "pk"))
    assert [n.number for n in slips] == [f"海信访转〔2026〕{i}号" for i in (1, 2, 3)]
    assert all(n.issuing_body == county.office and n.year == 2026 for n in slips)
    assert [n.sequence for n in slips] == [1, 2, 3]
    assert slips[1].context["doc_number"] == slips[1].number
    # A PDF printed with another number is printed again; one whose number stays is kept.
    assert [n.status for n in slips[:2]] == [Notice.RENDERED, Notice.PENDING]
    later = _transferred(county)
    assert _number(later, "transfer_slip") == "海信访转〔2026〕4号"
