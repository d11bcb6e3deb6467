"""The statistics count each figure's rows over the frame held in memory (insights/frame); the
lists behind the numbers read the same rows through the database. Both read one declaration
(scope.figure_rows): here they must agree, for every figure, segment, filter and kind of user."""

from __future__ import annotations

import datetime as dt
import random
import time

import numpy as np
import pytest
import time_machine
from django.db.models import F, Q

from tests.conftest import register_appeal, report_against
from xinfang.cases import services
from xinfang.cases.models import Case
from xinfang.insights import fold, frame
from xinfang.insights.frame import store
from xinfang.insights.frame.masks import Unsupported
from xinfang.insights.models import BacklogEntry, CaseFact
from xinfang.insights.selectors import FIGURES, StatFilters, figure_facts, windows
from xinfang.insights.selectors.scope import figure_rows
from xinfang.insights.selectors.tally import Tally

from .conftest import TODAY, at

NOVEMBER = windows.month(2026, 11)
YEAR = windows.year(2026)


def _segments(month) -> list[str]:
    c = month.county
    codes = {f.category_code for f in CaseFact.objects.all() if f.category_code}
    return [
        "",
        "channel:web",
        "channel:letter",
        f"township:{c.town.code}",
        "township:",
        f"village:{c.village.code}",
        "village:",
        *(f"category:{code[:2]}" for code in sorted(codes)),
        "category:",
        f"body:{c.housing.pk}",
        "content_type:appeal",
        "period:route",
        "period:handle",
    ]


def _filters(month) -> list[StatFilters]:
    c = month.county
    return [
        StatFilters(window=NOVEMBER),
        StatFilters(window=YEAR),
        StatFilters(window=NOVEMBER, channel="web"),
        StatFilters(window=NOVEMBER, division=c.town),
        StatFilters(window=YEAR, body=c.housing.pk),
        StatFilters(window=YEAR, content_type="report"),
        StatFilters(window=YEAR, content_type="consultation"),
    ]


@pytest.fixture
def varied(month):
    """The hand-worked month, plus a report against the housing bureau (hidden from it) and
    two cases in the backlog ledger, one of them cleared."""
    c = month.county
    with time_machine.travel(at(2026, 11, 15), tick=False):
        report_against(c, c.housing)
    BacklogEntry.objects.create(case=month.cases["F"], flagged_on=dt.date(2026, 11, 27))
    BacklogEntry.objects.create(
        case=month.cases["D"],
        flagged_on=dt.date(2026, 11, 20),
        outcome=BacklogEntry.RESOLVED,
        cleared_on=dt.date(2026, 11, 29),
    )
    fold.rebuild()
    return month


def test_every_figure_counts_the_rows_its_list_shows(varied):
    u = varied.county.users
    users = {
        "analyst": varied.analyst,
        "supervisor": u["supervisor"],
        "handler": u["handler"],
        "town_handler": u["town_handler"],
        "land_handler": u["land_handler"],
    }
    checked = nonzero = 0
    for name, user in users.items():
        for f in _filters(varied):
            tally = Tally(user)
            for figure in FIGURES:
                for key in _segments(varied):
                    if figure == "consultations" and key.startswith("period:"):
                        continue  # not a segment of consultations (an error on both paths)
                    sql = figure_facts(user, f, figure, key, day=TODAY).count()
                    counted = tally.count(figure_rows(f, figure, key, day=TODAY))
                    assert counted == sql, (name, f.window, f.channel, figure, key)
                    checked += 1
                    nonzero += bool(sql)
    # Not a comparison of empty sets: most figures have rows for some users and segments.
    assert checked > 3000
    assert nonzero > 400


def test_the_report_is_counted_for_those_who_may_see_it_only(varied):
    u = varied.county.users
    reports = StatFilters(window=YEAR, content_type="report")
    rows = figure_rows(reports, "intake", day=TODAY)
    assert Tally(u["supervisor"]).count(rows) == 1
    # The accused body's own staff never count it, in any figure.
    assert Tally(u["handler"]).count(rows) == 0


def test_a_fold_reaches_the_frame_at_the_next_look(varied):
    u = varied.county.users
    f = StatFilters(window=NOVEMBER)
    registered = figure_rows(f, "registered", day=TODAY)
    before = Tally(varied.analyst).count(registered)
    case = varied.cases["F"]
    with time_machine.travel(at(2026, 11, 16), tick=False):
        new = register_appeal(varied.county, title="路面积水", text="路面积水严重。").case
    fold.fold_case(new.pk)
    assert Tally(varied.analyst).count(registered) == before + 1
    # A changed row replaces the one held: F answered now counts among the answered.
    answered = figure_rows(f, "answered", day=TODAY)
    was = Tally(varied.analyst).count(answered)
    with time_machine.travel(at(2026, 11, 27), tick=False):
        case = services.transfer(case=case, actor=u["clerk"], body=varied.county.housing)
        case = services.accept(case=case, actor=u["handler"])
        case = services.decide(
            case=case, actor=u["handler"], decision="support", facts="属实", reasons="应当处理"
        )
        services.reply(case=case, actor=u["head"])
    fold.fold_case(case.pk)
    assert Tally(varied.analyst).count(answered) == was + 1
    # The frame kept up to date look by look counts as one read whole: deadlines included.
    kept = frame.current()
    for figure in FIGURES:
        for key in ("", "period:route", "period:handle"):
            if figure == "consultations" and key:
                continue
            rows = figure_rows(f, figure, key, day=TODAY)
            sql = figure_facts(varied.analyst, f, figure, key, day=TODAY).count()
            assert Tally(varied.analyst).count(rows) == sql, (figure, key)
    assert frame.current() is kept


def test_a_refresh_reads_only_what_was_folded_since_it_last_looked(month, settings):
    """Outside the tests a worker looks every few seconds and re-reads a margin before its
    last look; rows stamped before that wait for the next whole reading."""
    settings.XINFANG = {
        **settings.XINFANG,
        "INSIGHTS_FRAME": {"refresh_every": 0, "margin": 30, "max_age": 10**9},
    }
    frame.reset()
    held = frame.current()
    n = held.facts.size
    assert held.refresh() == 0  # nothing folded since: nothing read again
    case = month.cases["H"]
    Case.objects.filter(pk=case.pk).update(title="村务公开栏")
    fold.fold_case(case.pk)  # stamped now: read at the next look
    assert held.refresh() == 1
    assert frame.current().facts.size == n
    # A row stamped long before the last look (as a fold under a stopped clock would be) is
    # not read again until the whole frame is.
    CaseFact.objects.filter(case_id=case.pk).update(
        folded_at=held.checked_at - dt.timedelta(hours=1), rating="satisfied"
    )
    assert held.refresh() == 0


@pytest.mark.django_db(transaction=True)
def test_the_whole_frame_is_read_again_in_the_background(county):
    register_appeal(county)
    fold.rebuild()
    held = frame.current()
    assert held.facts.size == 1
    CaseFact.objects.all().delete()  # e.g. a case removed: no fold says so
    thread = store.reload_in_background()
    thread.join(timeout=30)
    assert frame.current() is not held
    assert frame.current().facts.size == 0


def _random_q(rng, month) -> Q:
    c = month.county
    leaves = [
        lambda: Q(channel=rng.choice(["web", "letter", "visit", "fax"])),
        lambda: Q(channel__in=rng.sample(["web", "letter", "phone", "visit"], 2)),
        lambda: Q(rating=rng.choice(["", "satisfied", "unsatisfied"])),
        lambda: Q(rating_window_status__isnull=rng.choice([True, False])),
        lambda: Q(rating_window_status__in=["running", "paused"]),
        lambda: Q(township_id=c.town.code),
        lambda: Q(village__isnull=rng.choice([True, False])),
        lambda: Q(place_path__startswith=rng.choice([c.town.path, c.village.path, "9"])),
        lambda: Q(category_code__startswith=rng.choice(["0", "01", "1", ""])),
        lambda: Q(holder_body=rng.choice([c.housing, c.office, c.land])),
        lambda: Q(holder_body_id__in=[c.housing.pk, c.land.pk]),
        lambda: Q(accused_body__in=[c.housing.pk]),
        lambda: Q(answered_on__gte=dt.date(2026, 11, rng.randint(1, 30))),
        lambda: Q(answered_on__lt=dt.date(2026, 11, rng.randint(1, 30))),
        lambda: Q(registered_on__lte=dt.date(2026, 11, rng.randint(1, 30))),
        lambda: Q(handling_days__gt=rng.randint(0, 5)),
        lambda: Q(is_repeat=rng.choice([True, False])),
        lambda: Q(answered_on__lte=F("rating_window_due")),
        lambda: Q(pk__in=[month.cases["A"].pk, month.cases["F"].pk]),
    ]

    def build(depth):
        if depth == 0 or rng.random() < 0.3:
            q = rng.choice(leaves)()
        else:
            q = build(depth - 1)
            other = build(depth - 1)
            q = q & other if rng.random() < 0.5 else q | other
        return ~q if rng.random() < 0.3 else q

    return build(3)


def test_a_filter_keeps_the_same_rows_in_memory_as_in_the_database(varied):
    """Random filters of the kinds the figures use, NULLs and negations included."""
    rng = random.Random(20261204)
    tally = Tally(varied.analyst)
    ids = tally.facts.column("case_id").data
    for _ in range(300):
        q = _random_q(rng, varied)
        expected = set(CaseFact.objects.filter(q).values_list("case_id", flat=True))
        got = set(ids[tally.facts.mask(q)].tolist())
        assert got == expected, q
    assert len(np.unique(ids)) == CaseFact.objects.count() > 8


def test_a_filter_the_frame_does_not_know_is_an_error_not_a_guess(varied):
    tally = Tally(varied.analyst)
    with pytest.raises(Unsupported):
        tally.facts.mask(Q(channel__icontains="we"))
    with pytest.raises(Unsupported):
        tally.facts.mask(Q(case__title="x"))


def test_a_figures_list_pages_through_the_same_cases_in_the_same_order(varied):
    """The drill-down list takes its count and first cases from the frame and reads only the
    page's cases from the database: every page equals the database's own list."""
    from xinfang.insights.selectors import CaseList, figure_cases

    # Three more on one day, out of their number order, so a page boundary falls inside a day.
    for hour in (9, 3, 6):
        moment = dt.datetime(2026, 11, 18, hour, 0, tzinfo=dt.UTC)
        with time_machine.travel(moment, tick=False):
            case = register_appeal(varied.county, title="同日来信", text="同日来信内容。").case
        fold.fold_case(case.pk)
    for figure, key in (
        ("registered", ""),
        ("intake", "channel:web"),
        ("late", ""),
        ("overdue", ""),
    ):
        f = StatFilters(window=YEAR)
        expected = list(figure_cases(varied.analyst, f, figure, key, day=TODAY))
        cases = CaseList(Tally(varied.analyst), figure_rows(f, figure, key, day=TODAY))
        assert cases.count() == len(expected)
        for size in (1, 2, 3, 50):
            pages = [cases[i : i + size] for i in range(0, len(expected), size)]
            assert [c.pk for page in pages for c in page] == [c.pk for c in expected], (
                figure,
                size,
            )
    assert (
        len(list(figure_cases(varied.analyst, StatFilters(window=YEAR), "registered", day=TODAY)))
        > 5
    )


@pytest.mark.django_db(transaction=True)
def test_a_rebuild_of_every_row_is_read_whole_in_the_background(county, settings):
    """More rows folded at one look than the frame takes in place (a rebuild of every fact
    row): the look reads nothing itself and the whole frame is read again beside it."""
    settings.XINFANG = {
        **settings.XINFANG,
        "INSIGHTS_FRAME": {"refresh_every": 0, "margin": 10**9, "max_age": 10**9, "changes": 2},
    }
    register_appeal(county)
    fold.rebuild()
    held = frame.current()
    assert held.facts.size == 1
    for _ in range(3):
        register_appeal(county)
    fold.rebuild()
    assert held.refresh() == 0  # three rows changed, over the limit of two
    deadline = time.monotonic() + 30
    while store._reloading.is_set() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert store._current is not held
    assert store._current.facts.size == 4
