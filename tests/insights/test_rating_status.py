"""Every case shows its rating status (待评价 / 已评价 / 超期未评价), defined once in
cases/selectors/ratings.py, the same for one case, a query and the pages."""

from __future__ import annotations

import time_machine

from tests.conftest import grant
from xinfang.cases import citizen
from xinfang.cases.models import Case
from xinfang.cases.selectors import rating_status, with_rating_status

from .conftest import TODAY, at

EXPECTED = {
    "A": "rated",  # rated satisfied
    "B": "rated",  # rated unsatisfied
    "C": "awaiting",  # window open until 12-28
    "D": "lapsed",  # asked for review instead; the window was closed unrated
    "E": "lapsed",  # window over on 12-09
    "F": "not_replied",
}


def test_one_case_and_the_query_agree(month):
    ids = {month.cases[k].pk: k for k in EXPECTED}
    annotated = with_rating_status(Case.objects.filter(pk__in=ids), on=TODAY)
    assert {ids[c.pk]: c.rating_status for c in annotated} == EXPECTED
    assert {k: rating_status(month.cases[k], on=TODAY).key for k in EXPECTED} == EXPECTED


def test_the_window_lapses_the_day_after_its_due_date(month):
    e = month.cases["E"]  # due 2026-12-09
    assert rating_status(e, on=TODAY.replace(day=9)).key == "awaiting"
    assert rating_status(e, on=TODAY.replace(day=10)).key == "lapsed"


def test_desk_case_page_and_citizen_tracking_show_it(client, month):
    c = month.cases["C"]
    with time_machine.travel(at(2026, 12, 20), tick=False):
        client.force_login(month.county.users["handler"])
        html = client.get(f"/desk/case/{c.number}/").content.decode()
        assert 'data-status="awaiting"' in html and "待评价" in html and "2026-12-28" in html
        e = month.cases["E"]
        assert citizen.track(e, on=TODAY).rating_status.label == "超期未评价"
        # The petitioner's tracking page, once the browser proved access to the case.
        client.logout()
        grant(client, e)
        html = client.get(f"/track/{e.number}/").content.decode()
        assert 'data-status="lapsed"' in html and "超期未评价" in html
