"""The statistics figures against the month of tests/insights/conftest.py, worked out by hand."""

from __future__ import annotations

import re

import pytest
import time_machine

from xinfang.insights.selectors import StatFilters, statistics, windows

from .conftest import TODAY, at

NOVEMBER = windows.month(2026, 11)
QUERY = "period=month&year=2026&month=11"


@pytest.fixture
def s(month):
    return statistics(month.analyst, StatFilters(window=NOVEMBER), day=TODAY)


def test_intake_with_month_on_month_and_year_on_year(s):
    # A-F in November (G was merged into F: counted once); H in October; I in November 2025.
    assert (s.intake.count, s.intake.previous, s.intake.year_before) == (6, 1, 1)
    assert (s.intake.mom, s.intake.yoy) == (500.0, 500.0)


def test_intake_by_channel(s):
    rows = {r.key: (r.count, r.previous, r.year_before, r.mom, r.yoy) for r in s.by_channel}
    assert rows == {
        "channel:web": (3, 1, 0, 200.0, None),  # A C F; H the month before; none a year before
        "channel:letter": (1, 0, 1, None, 0.0),  # B; I a year before
        "channel:visit": (1, 0, 0, None, None),  # D
        "channel:phone": (1, 0, 0, None, None),  # E
    }
    assert (s.online, s.online_share) == (3, 50.0)


def test_intake_by_township_and_village(month, s):
    town, village = month.county.town.code, month.county.village.code
    assert {r.key: (r.count, r.previous, r.year_before) for r in s.by_township} == {
        f"township:{town}": (5, 1, 1),  # A B D E F; H; I
        "township:": (1, 0, 0),  # C, registered at county level
    }
    assert {r.key: (r.count, r.previous) for r in s.by_village} == {
        f"village:{village}": (3, 1),  # A D F; H
        "village:": (3, 0),  # B C E
    }


def test_on_time_rate_by_period_and_body(month, s):
    c = month.county
    # Routing: A D E G on time, B and C late; notices, handling and carrying out: A-E on time.
    assert {r.key: (r.part, r.whole) for r in s.on_time_by_period} == {
        "period:route": (4, 6),
        "period:accept_notice": (5, 5),
        "period:handle": (5, 5),
        "period:carry_out": (5, 5),
    }
    assert (s.on_time.part, s.on_time.whole, s.on_time.value) == (19, 21, 90.5)
    # D is under review at the city bureau; G stays with the county office that merged it.
    assert {r.key: (r.part, r.whole) for r in s.on_time_by_body} == {
        f"body:{c.housing.pk}": (14, 16),
        f"body:{c.city_housing.pk}": (4, 4),
        f"body:{c.office.pk}": (1, 1),
    }


def test_overdue_now(s):
    # D's review decision (due 12-08), F's routing (11-25), H's (10-30) and I's (2025-12-05).
    assert (s.overdue_cases, s.overdue_clocks) == (4, 4)


def test_handling_days_resolution_and_repeats(s):
    assert s.answered == 5  # A B C D E
    assert s.average_handling_days == 10.8  # (4 + 22 + 24 + 1 + 3) / 5
    assert (s.resolved, s.resolution_rate) == (3, 60.0)  # A C E; B unsatisfied, D reviewed
    assert (s.repeats, s.registered, s.repeat_rate) == (1, 7, 14.3)  # G of A-G


def test_satisfaction_beside_rating_rate_and_unrated_never_satisfied(s):
    assert s.rating_counts == {"awaiting": 1, "rated": 2, "lapsed": 2}  # C; A B; D E
    assert (s.satisfied, s.satisfaction_rate, s.rating_rate) == (1, 50.0, 40.0)


def test_grid_items_found_and_settled(s):
    assert (s.grid_found, s.grid_settled) == (2, 1)


def test_filters_narrow_every_figure(month):
    c = month.county
    f = StatFilters(window=NOVEMBER, division=c.village, channel="web")
    s = statistics(month.analyst, f, day=TODAY)
    assert s.intake.count == 2  # A F
    assert s.answered == 1 and s.rating_counts["rated"] == 1  # A
    f = StatFilters(window=NOVEMBER, body=c.housing.pk)
    assert statistics(month.analyst, f, day=TODAY).answered == 4  # A B C E


def test_a_body_sees_only_its_own_cases(month):
    # The land bureau holds none of these cases.
    s = statistics(month.county.users["land_handler"], StatFilters(window=NOVEMBER), day=TODAY)
    assert s.intake.count == 0 and s.on_time.value is None


# ---------------------------------------------------------------------------------------------
# The pages


def _numbers(html: str) -> list[str]:
    return re.findall(r'<td class="mono"[^>]*><a href="[^"]+">([^<]+)</a>', html)


@pytest.fixture
def analyst_client(client, month):
    with time_machine.travel(at(2026, 12, 20), tick=False):
        client.force_login(month.analyst)
        yield client


def test_statistics_page_shows_the_figures_and_its_charts(analyst_client):
    r = analyst_client.get(f"/desk/statistics/?{QUERY}")
    assert r.status_code == 200
    html = r.content.decode()
    assert 'id="stat-charts"' in html and "echarts" in html
    assert "87.5%" in html and "10.8" in html and "40.0%" in html
    assert '<a href="/desk/statistics/" aria-current="page">' in html


def test_every_number_opens_the_cases_behind_it(analyst_client, month):
    n = {k: v.number for k, v in month.cases.items()}
    cases = f"/desk/statistics/cases/?{QUERY}"
    assert set(_numbers(analyst_client.get(f"{cases}&figure=intake").content.decode())) == {
        n[k] for k in "ABCDEF"
    }
    web = analyst_client.get(f"{cases}&figure=intake&key=channel:web").content.decode()
    assert set(_numbers(web)) == {n["A"], n["C"], n["F"]}
    lapsed = analyst_client.get(f"{cases}&figure=lapsed").content.decode()
    assert set(_numbers(lapsed)) == {n["D"], n["E"]}
    late = analyst_client.get(f"{cases}&figure=late&key=period:route").content.decode()
    assert set(_numbers(late)) == {n["B"], n["C"]}
    overdue = analyst_client.get(f"{cases}&figure=overdue").content.decode()
    assert set(_numbers(overdue)) == {n["D"], n["F"], n["H"], n["I"]}
    # The page links to exactly these lists.
    page = analyst_client.get(f"/desk/statistics/?{QUERY}").content.decode()
    assert f"{cases}&figure=intake&key=channel:web".replace("&", "&amp;") in page


def test_grid_list_behind_the_grid_figures(analyst_client):
    r = analyst_client.get(f"/desk/statistics/grid/?{QUERY}&settled=1")
    assert r.status_code == 200 and "邻里排水纠纷" in r.content.decode()
    assert "村口桥栏杆松动" not in r.content.decode()


def test_only_analysts_supervisors_and_leaders_open_it(client, month):
    u = month.county.users
    for user, status in ((u["handler"], 403), (u["supervisor"], 200), (u["leader"], 200)):
        client.force_login(user)
        assert client.get("/desk/statistics/").status_code == status
        assert client.get("/desk/statistics/cases/?figure=intake").status_code == status


def test_unknown_figure_is_not_found(analyst_client):
    assert analyst_client.get("/desk/statistics/cases/?figure=people").status_code == 404
