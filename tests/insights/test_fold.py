"""The facts are folded after a move commits, on the task queue, and repaired by a rebuild that
starts from each case's watermark."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from tests.conftest import register_appeal
from xinfang.cases import services
from xinfang.cases.models import Case
from xinfang.insights.models import CaseFact

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.mark.django_db(transaction=True)
def test_a_move_queues_the_fold_of_its_case(county, settings):
    settings.TASKS = IMMEDIATE
    case = register_appeal(county, channel="web").case
    fact = CaseFact.objects.get(case=case)
    assert (fact.state, fact.online, fact.folded_events) == ("registered", True, 1)
    services.transfer(case=case, actor=county.users["clerk"], body=county.housing)
    fact.refresh_from_db()
    assert (fact.state, fact.holder_body_id, fact.folded_events) == (
        "transferred",
        county.housing.pk,
        2,
    )


def test_the_fold_is_off_the_move_and_the_rebuild_catches_up(county, capsys):
    # The database task backend only queues: nothing is folded inside the move.
    case = register_appeal(county).case
    assert not CaseFact.objects.filter(case=case).exists()
    call_command("rebuild_insights")
    assert "folded 1 case(s)" in capsys.readouterr().out
    # Up to date: the watermark says there is nothing to fold again.
    call_command("rebuild_insights")
    assert "folded 0 case(s)" in capsys.readouterr().out
    services.transfer(case=case, actor=county.users["clerk"], body=county.housing)
    call_command("rebuild_insights")
    assert "folded 1 case(s)" in capsys.readouterr().out
    assert CaseFact.objects.get(case=case).state == "transferred"


def test_a_merged_repeat_is_folded_as_a_repeat(month):
    f = CaseFact.objects.get(case=month.cases["G"])
    assert f.is_repeat and f.state == "merged"


def test_the_statistics_see_exactly_the_cases_each_user_sees(county):
    """The fact rows carry the case's visibility columns; filtering them by the access rule gives
    the same cases as cases_visible_to, for every kind of user: a report hidden from the body it
    accuses, a case sent on, a co-handled case, a case registered by a township."""
    from tests.conftest import accepted_appeal, report_against
    from xinfang.cases.access import cases_visible_to
    from xinfang.insights import fold
    from xinfang.insights.selectors.scope import facts_visible_to

    u = county.users
    sent_on = services.transfer(
        case=register_appeal(county).case, actor=u["clerk"], body=county.city_housing
    )
    # As if the housing bureau had sent it on: the bureau sees it only as its sender.
    Case.objects.filter(pk=sent_on.pk).update(sender_body=county.housing)
    shared = accepted_appeal(county)
    services.add_co_handler(case=shared, actor=u["head"], body=county.land, part="土地部分")
    report_against(county, county.housing)
    register_appeal(county, actor=u["town_handler"], body=county.town_gov, place=county.town)
    fold.rebuild()
    fold.fold_case(sent_on.pk)
    assert CaseFact.objects.count() == 4
    assert sent_on.holder_body_id == county.city_housing.pk
    seen = {}
    for name, user in u.items():
        if user is None:
            continue
        cases = set(cases_visible_to(user).values_list("pk", flat=True))
        facts = set(facts_visible_to(user).values_list("case_id", flat=True))
        assert facts == cases, name
        seen[name] = len(cases)
    # The rule is not trivially "everything": the accused body and the land bureau see less.
    assert seen["handler"] < seen["supervisor"]
    assert 0 < seen["land_handler"] < seen["supervisor"]
