"""Search finds exactly the cases every query word belongs to, newest first, page after page,
on SQLite and PostgreSQL alike: common words, rare ones, two words, and words no case has."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from tests.conftest import register_appeal
from xinfang.cases import search
from xinfang.cases.models import Case
from xinfang.cases.selectors import InboxFilters, inbox

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
TEXTS = [
    ("幸福小区拆迁补偿不到位", "拆迁补偿款至今未发放到位，请求尽快解决。"),
    ("楼顶漏水物业不维修", "我家住顶楼，雨天漏水，物业公司一直不管。"),
    ("拆迁安置房迟迟不交付", "拆迁后安置房逾期两年未交付，过渡费停发。"),
    ("住房公积金提取被拒", "单位注销后申请提取住房公积金，中心不予办理。"),
    ("道路施工噪音扰民", "夜间施工噪音很大，严重影响休息。"),
    ("宅基地边界纠纷", "邻居建房占用我家宅基地，村里调解未果。"),
    ("征收补偿标准不一", "同一片区拆迁补偿标准不一致，请求公开。"),
]
KEYWORDS = ["拆迁", "漏水", "公积金", "拆迁 补偿", "补偿", "量子纠缠", "拆"]


@pytest.fixture
def cases(county):
    made = []
    for i in range(28):
        title, text = TEXTS[i % len(TEXTS)]
        # Two cases share each minute: the page order falls back on the id.
        with time_machine.travel(START + dt.timedelta(minutes=i // 2), tick=False):
            made.append(register_appeal(county, title=title, text=text).case)
    return made


def _expected(query: str) -> list[int]:
    """Every jieba word of the query is a whole word of the case's search text."""
    words = search.words(query)
    rows = Case.objects.order_by("-registered_at", "-pk").values_list("pk", "search_text")
    if not words:
        return [pk for pk, _text in rows]
    return [pk for pk, text in rows if all(w in text.split() for w in words)]


def _found(user, query: str, limit: int) -> list[int]:
    out, cursor = [], None
    while True:
        page = inbox(user, "all", InboxFilters(q=query), cursor, limit)
        out += [c.pk for c in page.items]
        if page.next_cursor is None:
            return out
        cursor = page.next_cursor


@pytest.mark.parametrize("query", KEYWORDS)
def test_search_returns_every_matching_case_newest_first_across_pages(county, cases, query):
    supervisor = county.users["supervisor"]
    expected = _expected(query)
    assert _found(supervisor, query, 3) == expected
    assert _found(supervisor, query, 50) == expected


def test_the_keyword_set_spans_common_rare_and_absent_words(county, cases):
    counts = {q: len(_expected(q)) for q in KEYWORDS}
    assert counts["拆迁"] >= 10  # common
    assert counts["公积金"] == 4  # rare
    assert counts["量子纠缠"] == 0  # absent
    assert 0 < counts["拆迁 补偿"] < counts["拆迁"]


def test_search_stays_within_what_the_user_may_see(county, cases):
    # The housing bureau's handler holds none of these cases (all still at the county office).
    assert _found(county.users["handler"], "拆迁", 50) == []


def test_the_desk_search_page_lists_the_matches(county, cases, client):
    client.force_login(county.users["supervisor"])
    html = client.get("/desk/", {"q": "公积金"}).content.decode()
    numbers = [c.number for c in Case.objects.filter(pk__in=_expected("公积金"))]
    assert numbers and all(n in html for n in numbers)
    assert "幸福小区拆迁补偿不到位" not in html


def test_a_body_reached_by_several_reasons_finds_each_case_once_newest_first(county, cases):
    """The office registered every case, holds some and sent the rest on; the land bureau
    holds what was sent to it and co-handles two more. On PostgreSQL each reason to see a case
    is read on its own (selectors/arms.py): each case still comes once, in page order, and
    the tab counts count it once."""
    from xinfang.cases import services
    from xinfang.cases.selectors import queue_counts

    u = county.users
    with time_machine.travel(START + dt.timedelta(hours=1), tick=False):
        for case in cases[::3]:
            services.transfer(case=case, actor=u["clerk"], body=county.land)
        for case in cases[1:6:3]:
            case = services.transfer(case=case, actor=u["clerk"], body=county.housing)
            services.add_co_handler(case=case, actor=u["clerk"], body=county.land, part="土地部分")
    land_sees = {c.pk for c in cases[::3]} | {c.pk for c in cases[1:6:3]}
    for user, seen in ((u["clerk"], {c.pk for c in cases}), (u["land_handler"], land_sees)):
        for query in ("", "拆迁", "公积金"):
            expected = [pk for pk in _expected(query) if pk in seen]
            assert expected
            assert _found(user, query, 2) == expected
            assert _found(user, query, 50) == expected
            with time_machine.travel(START + dt.timedelta(hours=2), tick=False):
                counts = queue_counts(user, InboxFilters(q=query))
            assert counts["all"] == len(expected)


@pytest.mark.parametrize("window", [1, 4, 9])
def test_a_search_of_several_words_first_looks_among_the_newest_cases_and_stays_exact(
    county, cases, monkeypatch, window
):
    """Several words are looked for among the newest cases first (inbox._newest_in_window);
    when those hold too few matches for a page, the whole list is searched: each page is the
    same either way."""
    import importlib

    monkeypatch.setattr(
        importlib.import_module("xinfang.cases.selectors.inbox"), "SEARCH_WINDOW", window
    )
    expected = _expected("拆迁 补偿")
    assert len(expected) >= 4
    for user in (county.users["supervisor"], county.users["clerk"]):
        assert _found(user, "拆迁 补偿", 2) == expected
        assert _found(user, "拆迁 补偿", 50) == expected
