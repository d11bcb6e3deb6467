"""Times are shown in the deployment's time zone, in Chinese format (issue: the grid ledger
showed "2026-12-03T21:00" for an item recorded at 05:00 Beijing time)."""

from __future__ import annotations

import datetime as dt
import re

import time_machine
from django.template import Context, Template
from django.utils import translation

from xinfang.cases import services

RECORDED = dt.datetime(2026, 12, 3, 21, 0, tzinfo=dt.UTC)  # 05:00 on 4 December in Beijing


def test_grid_history_shows_beijing_time(county, client):
    with time_machine.travel(RECORDED, tick=False):
        item = services.register_grid_item(
            actor=county.users["grid"],
            body=county.village_committee,
            kind="dispute",
            title="邻里排水纠纷",
            description="两户因排水沟堵塞发生争执",
            place=county.village,
            responsible_person="村调解员孙某",
            due_on=dt.date(2026, 12, 9),
        )
    assert item.history[0]["at"].startswith("2026-12-03T21:00")  # stored in UTC
    client.force_login(county.users["grid"])
    html = client.get(f"/desk/grid/{item.pk}/").content.decode()
    history = html.split('class="ov-history"')[1].split("</ol>")[0]
    shown = re.sub(r"<[^>]+>", "", history)  # what the reader sees, without the markup
    assert "2026年12月4日 05:00" in shown
    assert "2026-12-03" not in shown and "T21" not in shown


def test_the_filter_follows_the_configured_zone_and_language(settings):
    template = Template("{% load when %}{{ at|when }}")
    with translation.override("zh-hans"):
        assert template.render(Context({"at": RECORDED})) == "2026年12月4日 05:00"
        assert template.render(Context({"at": RECORDED.isoformat()})) == "2026年12月4日 05:00"
    settings.TIME_ZONE = "Asia/Urumqi"  # a deployment configured for another zone (UTC+6)
    with translation.override("zh-hans"):
        assert template.render(Context({"at": RECORDED})) == "2026年12月4日 03:00"
