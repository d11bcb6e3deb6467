"""The map's figures against the month of tests/insights/conftest.py, worked out by hand; the
scope of a township's staff; the drill-down carrying the same filters to the case list."""

from __future__ import annotations

import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from openpyxl import load_workbook

from tests.conftest import register_appeal
from xinfang.cases import services
from xinfang.insights import fold
from xinfang.insights.selectors import StatFilters, windows
from xinfang.insights.selectors.regions import MEASURES, region_figures
from xinfang.orgs.models import Body, BodyKind, Division, Level, Membership

from .conftest import TODAY, at

NOVEMBER = windows.month(2026, 11)
QUERY = "period=month&year=2026&month=11"


def figures(user, measure, parent, **filters):
    f = StatFilters(window=NOVEMBER, **filters)
    r = region_figures(user, f, measure, parent=parent, day=TODAY)
    return {x.code: x.count for x in r.regions}, r.at_parent


def test_county_map_counts_each_township(month):
    c = month.county
    # Intake A-F (G merged): A B D E F in the township, C at the county itself.
    assert figures(month.analyst, "intake", c.county) == ({c.town.code: 5}, 1)
    # Overdue now: D F H in the village, I in the township (the window does not apply).
    assert figures(month.analyst, "overdue", c.county) == ({c.town.code: 4}, 0)
    # Two grid items recorded in the village in November.
    assert figures(month.analyst, "grid", c.county) == ({c.town.code: 2}, 0)


def test_township_map_counts_each_village(month):
    c = month.county
    assert figures(month.analyst, "intake", c.town) == ({c.village.code: 3}, 2)  # A D F; B E
    assert figures(month.analyst, "overdue", c.town) == ({c.village.code: 3}, 1)  # D F H; I
    assert figures(month.analyst, "intake", c.town, channel="web") == ({c.village.code: 2}, 0)


def test_a_place_with_nothing_counts_zero_and_stays_listed(month):
    c = month.county
    Division.objects.create(
        code="370687102", name="盘石店镇", level=Level.TOWNSHIP, parent=c.county
    )
    counts, _ = figures(month.analyst, "intake", c.county)
    assert counts == {c.town.code: 5, "370687102": 0}


def test_measures_are_pluggable_and_alerts_only_with_their_selector():
    assert {"intake", "overdue", "grid"} <= set(MEASURES)
    try:
        import xinfang.insights.alerts.services  # noqa: F401
    except ImportError:
        assert "alerts" not in MEASURES
    else:
        assert "alerts" in MEASURES


@pytest.fixture
def two_townships(month):
    """A second township; one case held by each township government in November."""
    c = month.county
    town2 = Division.objects.create(
        code="370687102", name="盘石店镇", level=Level.TOWNSHIP, parent=c.county
    )
    village2 = Division.objects.create(
        code="370687102201", name="后店村", level=Level.VILLAGE, parent=town2
    )
    town2_gov = Body.objects.create(name="盘石店镇人民政府", kind=BodyKind.TOWNSHIP, division=town2)
    for place, body in ((c.village, c.town_gov), (village2, town2_gov)):
        with time_machine.travel(at(2026, 11, 15), tick=False):
            case = register_appeal(c, channel="web", place=place, title="村路积水").case
            services.transfer(case=case, actor=c.users["clerk"], body=body)
    fold.rebuild()
    user = c.users["clerk"].__class__.objects.create_user("town_leader", password="pw-leader")
    Membership.objects.create(user=user, body=c.town_gov, role="leader")
    return c, town2, village2, user


def test_a_township_leader_sees_only_the_township(two_townships, client):
    c, town2, village2, user = two_townships
    # Only the case its government holds, in its own village.
    assert figures(user, "intake", c.town) == ({c.village.code: 1}, 0)
    assert figures(user, "intake", c.county) == ({c.town.code: 1, town2.code: 0}, 0)
    with time_machine.travel(at(2026, 12, 20), tick=False):
        client.force_login(user)
        page = client.get(f"/desk/map/?{QUERY}").content.decode()
        # Asking for the county shows the township all the same.
        county = client.get(f"/desk/map/?{QUERY}&division={c.county.code}").content.decode()
    for html in (page, county):
        assert 'data-code="370687101201"' in html
        assert town2.code not in html and village2.code not in html
        assert "盘石店镇" not in html


def _links(html: str, cls: str) -> list[str]:
    return [m.replace("&amp;", "&") for m in re.findall(rf'<a href="([^"]+)" class="{cls}">', html)]


def test_drill_down_keeps_the_filters_to_the_case_list(month, client):
    c = month.county
    with time_machine.travel(at(2026, 12, 20), tick=False):
        client.force_login(month.analyst)
        county = client.get(f"/desk/map/?{QUERY}&channel=web&measure=intake")
        assert county.status_code == 200
        (town_map,) = _links(county.content.decode(), "drill")
        q = parse_qs(urlsplit(town_map).query)
        assert q == {
            "period": ["month"],
            "year": ["2026"],
            "month": ["11"],
            "channel": ["web"],
            "division": [c.town.code],
            "measure": ["intake"],
        }
        town = client.get(town_map).content.decode()
        assert "东村" in town
        (cases_url,) = _links(town, "cases")
        q = parse_qs(urlsplit(cases_url).query)
        assert urlsplit(cases_url).path == "/desk/statistics/cases/"
        assert q == {
            "period": ["month"],
            "year": ["2026"],
            "month": ["11"],
            "channel": ["web"],
            "division": [c.village.code],
            "figure": ["intake"],
        }
        listed = client.get(cases_url).content.decode()
    # A and F: registered online in November in the village (the figure's own number: 2).
    numbers = {month.cases[k].number for k in "ACDF"}
    shown = {n for n in numbers if n in listed}
    assert shown == {month.cases["A"].number, month.cases["F"].number}


def test_the_overdue_and_grid_measures_open_their_lists(month, client):
    c = month.county
    with time_machine.travel(at(2026, 12, 20), tick=False):
        client.force_login(month.analyst)
        overdue = client.get(f"/desk/map/?{QUERY}&division={c.town.code}&measure=overdue")
        grid = client.get(f"/desk/map/?{QUERY}&division={c.town.code}&measure=grid")
    (o,) = _links(overdue.content.decode(), "cases")
    assert "figure=overdue" in o and f"division={c.village.code}" in o
    (g,) = _links(grid.content.decode(), "cases")
    assert urlsplit(g).path == "/desk/statistics/grid/" and f"division={c.village.code}" in g


def test_places_without_shapes_are_listed_in_the_table(month, client, settings, tmp_path):
    settings.MAP_SHAPES_DIR = str(tmp_path)
    with time_machine.travel(at(2026, 12, 20), tick=False):
        client.force_login(month.analyst)
        html = client.get(f"/desk/map/?{QUERY}").content.decode()
    assert 'id="map-none"' in html and 'id="region-map"' not in html
    row = re.search(r'<tr data-code="370687101">.*?</tr>', html, re.S).group(0)
    assert ">5</a>" in row


def test_the_map_is_for_statistics_staff(month, client):
    client.force_login(month.county.users["handler"])
    assert client.get("/desk/map/").status_code == 403


def test_early_warnings_per_place(month, client):
    import datetime as dt

    from xinfang.insights.models import Alert

    c = month.county
    weeks = [
        dt.date(2026, 11, 2),
        dt.date(2026, 11, 9),
        dt.date(2026, 11, 16),
        dt.date(2026, 10, 5),
    ]
    places = [c.town, c.town, c.village, c.village]  # the last one a week of October
    for i, (week, place) in enumerate(zip(weeks, places, strict=True)):
        Alert.objects.create(
            key=f"test-{i}",
            kind=Alert.SURGE,
            week=week,
            category_code="01",
            division=place,
            observed=9,
            expected=2.0,
            limit=6,
            method="test",
        )
    assert figures(month.analyst, "alerts", c.county) == ({c.town.code: 3}, 0)
    assert figures(month.analyst, "alerts", c.town) == ({c.village.code: 1}, 2)
    with time_machine.travel(at(2026, 12, 20), tick=False):
        client.force_login(month.analyst)
        html = client.get(f"/desk/map/?{QUERY}&measure=alerts").content.decode()
    row = re.search(r'<tr data-code="370687101">.*?</tr>', html, re.S).group(0)
    assert ">3<" in row and "/desk/statistics/cases/" not in row  # issues, no case list


def test_the_map_table_exports_with_the_same_filters(month, client):
    """The workbook holds the table beside the map: each place with its figure, the region's
    own row, and the filters applied."""
    c = month.county
    with time_machine.travel(at(2026, 12, 20), tick=False):
        client.force_login(month.analyst)
        page = client.get(f"/desk/map/?{QUERY}&division={c.town.code}&measure=intake")
        href = re.search(r'id="export-xlsx" href="([^"]+)"', page.content.decode()).group(1)
        r = client.get(href.replace("&amp;", "&"))
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(r.streaming_content)))
    rows = [list(x) for x in wb.active.iter_rows(values_only=True)]
    flat = [v for row in rows for v in row if v is not None]
    assert any("2026年11月" in str(v) for v in flat)  # the filters row
    assert ["东村", 3] in [row[:2] for row in rows]  # A D F in the village
    assert [f"登记在{c.town.name}本级", 2] in [row[:2] for row in rows]  # B E
