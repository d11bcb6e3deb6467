"""Scorecards of bodies and townships against the month of conftest.py, plus supervision,
leader ownership and accountability, every value worked out by hand (docs/metrics.md)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from xinfang.cases import services
from xinfang.core.errors import InvalidInput
from xinfang.insights import fold, scorecards
from xinfang.insights.models import AccountabilityRecord, Scorecard, ScoreWeight
from xinfang.insights.selectors import windows

from .conftest import _travel, at

NOVEMBER = windows.month(2026, 11)


@pytest.fixture
def scored(month):
    """On top of the month: supervision of A (answered in time) and E (answered late); leader
    ownership of C (limit 11-30, answered 11-28) and B (limit 11-20, answered 11-25); the housing
    bureau loses 2 points and the township government 1 for accountability in November."""
    c, u, k = month.county, month.county.users, month.cases
    with _travel(at(2026, 11, 5)):
        for case, limit in ((k["C"], dt.date(2026, 11, 30)), (k["B"], dt.date(2026, 11, 20))):
            services.assign_leader(
                case=case,
                actor=u["leader"],
                level="A",
                leader=u["leader"],
                body=c.housing,
                plan="包案化解",
                deadline=limit,
            )
    with _travel(at(2026, 11, 10)):
        for case, due in ((k["A"], dt.date(2026, 11, 20)), (k["E"], dt.date(2026, 11, 17))):
            services.supervise(case=case, actor=u["supervisor"], grounds="请报告进展", due_on=due)
    with _travel(at(2026, 11, 18)):
        services.answer_supervision(case=k["A"], actor=u["handler"], answer="已处理完毕")
    with _travel(at(2026, 11, 19)):
        services.answer_supervision(case=k["E"], actor=u["handler"], answer="已处理完毕")
    for body, points in ((c.housing, "2"), (c.town_gov, "1")):
        AccountabilityRecord.objects.create(
            body=body,
            dated=dt.date(2026, 11, 15),
            grounds="超期未办结",
            measure="通报批评",
            deduction=Decimal(points),
        )
    fold.rebuild()
    return month


def _lines(card):
    return {ln.label: ln for ln in card.lines}


def test_body_scorecard(scored):
    card = scorecards.card(scored.analyst, NOVEMBER, Scorecard.BODY)
    lines = _lines(card)
    # The city bureau (D under review) lies outside the county analyst's scope. The township
    # government has a deduction but no case to be judged on: listed, not ranked.
    assert list(lines) == ["海阳市住房和城乡建设局", "海阳市信访局", "留格庄镇人民政府"]
    assert (lines["留格庄镇人民政府"].score, lines["留格庄镇人民政府"].rank) == (None, None)
    housing = lines["海阳市住房和城乡建设局"]  # A B C E
    assert housing.values == {
        "acceptance": 100.0,  # notices A B C E, all in time
        "on_time": 100.0,  # handling A B C E
        "satisfaction": 50.0,  # A of A B rated
        "rating_rate": 50.0,  # A B of A B C E
        "repeat": 0.0,  # none of A B C E
        "resolution": 75.0,  # A C E
        "supervision": 50.0,  # A in time, E late
        "leader": 50.0,  # C within its limit, B not
    }
    # (15·100 + 25·100 + 25·50 + 10·(100−0) + 15·75 + 5·50 + 5·50) / 100 − 2
    assert (housing.deduction, housing.score, housing.rank) == (2.0, 76.75, 1)
    office = lines["海阳市信访局"]  # F and G registered, G a repeat; nothing else to judge
    assert office.values["repeat"] == 50.0 and office.values["on_time"] is None
    assert (office.score, office.rank) == (50.0, 2)  # 10·(100−50) / 10
    # October: only H, at the office, no repeat: 100, ranked first.
    assert (office.previous_score, office.previous_rank) == (100.0, 1)
    assert (office.score_change, office.rank_change) == (-50.0, -1)
    assert housing.score_change is None  # nothing to judge it on in October


def test_township_scorecard(scored):
    card = scorecards.card(scored.analyst, NOVEMBER, Scorecard.TOWNSHIP)
    (town,) = card.lines
    assert town.label == "留格庄镇"  # A B D E F G lie in it; C is county-level
    assert town.values == {
        "acceptance": 100.0,  # A B D E
        "on_time": 100.0,
        "satisfaction": 50.0,  # A of A B
        "rating_rate": 50.0,  # A B of A B D E
        "repeat": 16.67,  # G of A B D E F G
        "resolution": 50.0,  # A E
        "supervision": 50.0,  # A in time, E late
        "leader": 0.0,  # B past its limit
    }
    # (1500 + 2500 + 1250 + 10·83.33 + 15·50 + 5·50 + 0) / 100 − 1 (the township government)
    assert (town.deduction, town.score, town.rank) == (1.0, 69.83, 1)


def test_weights_are_set_in_the_admin(scored):
    ScoreWeight.objects.create(measure="satisfaction", weight=0)
    ScoreWeight.objects.create(measure="on_time", weight=75)
    housing = _lines(scorecards.card(scored.analyst, NOVEMBER, Scorecard.BODY))[
        "海阳市住房和城乡建设局"
    ]
    # (1500 + 7500 + 1000 + 1125 + 250 + 250) / 125 − 2 = 93 − 2
    assert housing.score == 91.0


def test_a_published_period_is_locked(scored):
    scorecards.publish(user=scored.analyst, window=NOVEMBER, unit=Scorecard.BODY)
    ScoreWeight.objects.create(measure="on_time", weight=75)
    AccountabilityRecord.objects.create(
        body=scored.county.housing,
        dated=dt.date(2026, 11, 30),
        grounds="迟报",
        measure="约谈",
        deduction=Decimal("10"),
    )
    card = scorecards.card(scored.analyst, NOVEMBER, Scorecard.BODY)
    assert card.published is not None
    assert _lines(card)["海阳市住房和城乡建设局"].score == 76.75
    with pytest.raises(InvalidInput):
        scorecards.publish(user=scored.analyst, window=NOVEMBER, unit=Scorecard.BODY)


def test_ranks_are_shared_on_equal_scores():
    lines = [
        scorecards.Line(str(i), n, score=s)
        for i, (n, s) in enumerate([("甲", 80.0), ("乙", 90.0), ("丙", 80.0), ("丁", None)])
    ]
    ranked = [(ln.label, ln.rank) for ln in scorecards.rank(lines)]
    assert ranked == [("乙", 1), ("丙", 2), ("甲", 2), ("丁", None)]


# ---------------------------------------------------------------------------------------------
# The page


def test_page_shows_the_ranking_and_a_leader_publishes_it(client, scored):
    u = scored.county.users
    q = "unit=body&period=month&year=2026&month=11"
    with _travel(at(2026, 12, 20)):
        client.force_login(scored.analyst)
        html = client.get(f"/desk/scorecards/?{q}").content.decode()
        assert "76.75" in html and "−2.0" in html and 'id="publish"' not in html
        assert (
            client.post("/desk/scorecards/publish/", {"year": 2026, "month": 11}).status_code == 403
        )
        client.force_login(u["leader"])
        r = client.post(
            "/desk/scorecards/publish/",
            {"unit": "body", "period": "month", "year": 2026, "month": 11},
        )
        assert r.status_code == 302
        html = client.get(f"/desk/scorecards/?{q}").content.decode()
        assert 'id="locked"' in html and 'id="publish"' not in html
        client.force_login(u["handler"])
        assert client.get(f"/desk/scorecards/?{q}").status_code == 403
