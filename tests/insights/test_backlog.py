"""The backlog (积案) ledger: configurable rules flag cases; plan, leader, limit and outcome are
kept; the clearance rate is on the statistics page."""

from __future__ import annotations

import datetime as dt

import pytest

from xinfang.core.errors import InvalidInput
from xinfang.insights import backlog
from xinfang.insights.models import BacklogEntry, BacklogRules
from xinfang.insights.selectors import StatFilters, statistics, windows

from .conftest import TODAY, _travel, at


def _flagged(month):
    names = {v.pk: k for k, v in month.cases.items()}
    return {names[e.case_id]: e.grounds for e in BacklogEntry.objects.all()}


def test_rules_flag_open_cases_past_their_limit_and_repeated_ones(month):
    # Past a body deadline by a day or more on 12-20: D (review, 12-08), F (routing, 11-25),
    # H (10-30), I (2025-12-05). No case has three repeats.
    assert backlog.flag(day=TODAY) == 4
    assert _flagged(month) == {k: ["overdue"] for k in "DFHI"}
    assert backlog.flag(day=TODAY) == 0  # already in the ledger


def test_the_rules_are_configurable(month):
    BacklogRules.objects.create(overdue_days=30, repeats=1)
    # 30 days past due by 12-20: F (11-25 is 25 days: no), H (10-30: 51 days), I; F has a repeat.
    backlog.flag(day=TODAY)
    assert _flagged(month) == {"F": ["repeats"], "H": ["overdue"], "I": ["overdue"]}


def test_outcome_needs_a_plan_and_clears_the_entry(month):
    backlog.flag(day=TODAY)
    entry = BacklogEntry.objects.get(case=month.cases["F"])
    with pytest.raises(InvalidInput):
        backlog.update(entry=entry, plan="", leader="", limit=None, outcome="resolved", day=TODAY)
    backlog.update(
        entry=entry,
        plan="约谈养殖场限期整改",
        leader="分管副镇长",
        limit=dt.date(2027, 1, 15),
        outcome="resolved",
        day=dt.date(2026, 12, 22),
    )
    entry.refresh_from_db()
    assert (entry.outcome, entry.cleared_on) == ("resolved", dt.date(2026, 12, 22))


def test_clearance_rate_on_the_statistics_page(month, client):
    backlog.flag(day=TODAY)
    entry = BacklogEntry.objects.get(case=month.cases["F"])
    backlog.update(
        entry=entry,
        plan="整改",
        leader="",
        limit=None,
        outcome="quieted",
        day=dt.date(2026, 12, 22),
    )
    december = StatFilters(window=windows.month(2026, 12))
    s = statistics(month.analyst, december, day=dt.date(2026, 12, 31))
    assert (s.backlog_found, s.backlog_cleared, s.clearance_rate) == (4, 1, 25.0)
    s = statistics(month.analyst, StatFilters(window=windows.month(2026, 11)), day=TODAY)
    assert (s.backlog_found, s.clearance_rate) == (0, None)  # nothing flagged by 11-30
    with _travel(at(2026, 12, 31)):
        client.force_login(month.analyst)
        r = client.get(
            "/desk/statistics/cases/?period=month&year=2026&month=12&figure=backlog_cleared"
        )
        assert month.cases["F"].number in r.content.decode()
        assert month.cases["H"].number not in r.content.decode()


def test_ledger_page_leaders_keep_it_analysts_read_it(month, client):
    backlog.flag(day=TODAY)
    entry = BacklogEntry.objects.get(case=month.cases["H"])
    with _travel(at(2026, 12, 20)):
        client.force_login(month.analyst)
        html = client.get("/desk/backlog/").content.decode()
        assert month.cases["H"].number in html and "<form" not in html.split("entry-")[1]
        data = {f"e{entry.pk}-plan": "公开栏整改", f"e{entry.pk}-outcome": "resolved"}
        assert client.post(f"/desk/backlog/{entry.pk}/", data).status_code == 403
        client.force_login(month.county.users["leader"])
        assert client.post(f"/desk/backlog/{entry.pk}/", data).status_code == 302
    entry.refresh_from_db()
    assert (entry.plan, entry.outcome) == ("公开栏整改", "resolved")
