"""An analyst opens the map of a month at desktop and phone width, clicks the township on the
map, lands on its villages, and clicks the village through to the cases behind its number."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import time_machine

from tests.browser.conftest import login
from tests.insights.conftest import at, build_month

pytestmark = pytest.mark.django_db(transaction=True)

QUERY = "period=month&year=2026&month=11"
EXTRA_SHOTS = os.environ.get("XINFANG_SHOTS_DIR")


def click_place(page, code: str) -> None:
    """Click the middle of a place's shape on the map canvas."""
    page.wait_for_selector("#region-map canvas")
    point = page.evaluate(
        """(code) => {
          const spec = JSON.parse(document.getElementById("map-data").textContent);
          const f = spec.geo.features.find((x) => x.properties.code === code);
          const ring = f.geometry.coordinates[0].slice(0, -1);
          const c = ring.reduce((a, p) => [a[0] + p[0] / ring.length, a[1] + p[1] / ring.length],
                                [0, 0]);
          const chart = echarts.getInstanceByDom(document.getElementById("region-map"));
          return chart.convertToPixel({ seriesIndex: 0 }, c);
        }""",
        code,
    )
    page.locator("#region-map canvas").first.click(position={"x": point[0], "y": point[1]})


def walk(page, live_server, month, shot, width: str) -> None:
    c = month.county
    n = {k: v.number for k, v in month.cases.items()}
    page.goto(f"{live_server.url}/desk/map/?{QUERY}&channel=web")
    page.wait_for_selector("#region-map canvas")
    assert page.inner_text("#map-table tr[data-code='370687101'] td.num") == "2"  # A F
    save(shot(page, f"1-county-{width}"))

    click_place(page, c.town.code)
    page.wait_for_url(f"**division={c.town.code}**")
    page.wait_for_selector("#region-map canvas")
    assert "东村" in page.inner_text("#map-table")
    assert "channel=web" in page.url
    save(shot(page, f"2-township-{width}"))

    click_place(page, c.village.code)
    page.wait_for_url("**/desk/statistics/cases/**")
    page.wait_for_selector("#figure-cases")
    listed = set(page.locator("#figure-cases td.mono").all_inner_texts())
    assert listed == {n["A"], n["F"]}
    assert f"division={c.village.code}" in page.url and "channel=web" in page.url
    save(shot(page, f"3-cases-{width}"))


def save(path: Path) -> None:
    if EXTRA_SHOTS:
        Path(EXTRA_SHOTS).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(EXTRA_SHOTS) / path.name)


def test_analyst_drills_down_the_map_to_the_cases(
    live_server, desktop_page, phone_page, shot, county
):
    month = build_month(county)
    errors = []
    with time_machine.travel(at(2026, 12, 20), tick=True):
        for page, width in ((desktop_page, "desktop"), (phone_page, "phone")):
            page.on(
                "console",
                lambda m: (
                    errors.append(m.text)
                    if m.type == "error" and "Failed to load resource" not in m.text
                    else None
                ),
            )
            login(page, live_server, "analyst", "pw-analyst")
            page.get_by_role("link", name="地图").first.click()
            page.wait_for_url("**/desk/map/**")
            walk(page, live_server, month, shot, width)
    assert not errors, "\n".join(sorted(set(errors)))
