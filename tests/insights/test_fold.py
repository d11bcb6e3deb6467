"""The facts are folded after a move commits, on the task queue, and repaired by a rebuild that
starts from each case's watermark."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from tests.conftest import register_appeal
from xinfang.cases import services
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
