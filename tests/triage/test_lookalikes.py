"""The look-alike index in the database: kept up to date after each registration and move, read
through the visibility rules, shown on the intake check page (W19, W21, W30, W46)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from tests.conftest import RETOLD_LEAK, register_appeal
from xinfang.cases import services
from xinfang.triage import bandkeys
from xinfang.triage.models import SimilarityEntry
from xinfang.triage.selectors import repeat_candidates, similar_open_cases
from xinfang.triage.similarity import DEFAULT_SCHEME

IMMEDIATE = "django_tasks.backends.immediate.ImmediateBackend"
LEAK_TITLE = "幸福家园小区顶楼漏水物业不修"
LEAK_BODY = "我家住在幸福家园3号楼顶层，每逢下雨屋顶就漏水，墙面发霉，物业一直推诿不修。"
WAGES_TITLE = "工地拖欠农民工工资"
WAGES_BODY = "我们在城南工业园工地干了八个月，包工头拖欠工资三十六万元，至今未付。"


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": IMMEDIATE}}


@pytest.fixture
def register(county, django_capture_on_commit_callbacks):
    """Register as the clerk does, running what follows the commit (the queue runs at once)."""

    def _register(**overrides):
        with django_capture_on_commit_callbacks(execute=True):
            return register_appeal(county, **overrides).case

    return _register


def test_registering_a_case_indexes_it_after_commit(county, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        case = register_appeal(county, title=LEAK_TITLE, text=LEAK_BODY).case
    assert not SimilarityEntry.objects.exists()  # nothing before the commit
    for callback in callbacks:
        callback()
    entry = SimilarityEntry.objects.get(case=case)
    assert entry.is_open and entry.scheme == DEFAULT_SCHEME.tag
    keys = bandkeys.keys_of(case.pk)
    assert len(set(keys)) == DEFAULT_SCHEME.bands and keys == sorted(keys)  # band order
    assert [c for c, _s in similar_open_cases(LEAK_TITLE, LEAK_BODY)] == [case]


def test_a_near_duplicate_from_another_petitioner_is_found_first(county, register):
    leak = register(title=LEAK_TITLE, text=LEAK_BODY)
    register(title=WAGES_TITLE, text=WAGES_BODY)
    found = similar_open_cases(
        "幸福家园顶楼漏水，物业不管",
        "我住幸福家园小区3号楼顶层，下雨屋顶漏水，墙面发霉，物业推诿一直不修。",
        user=county.users["clerk"],
    )
    assert [c for c, _s in found] == [leak]
    assert 0.3 < found[0][1] < 1


def test_repeat_candidates_lists_the_petitioners_case_and_anyone_elses_W19(county, register):
    own = register(title="另一件事：申请廉租房", text="家庭困难，申请廉租房至今没有答复。")
    other = register(
        title=LEAK_TITLE,
        text=LEAK_BODY,
        parties=[services.PartyInput(name="王五", phone="13700137000")],
    )
    found = repeat_candidates(
        LEAK_TITLE, LEAK_BODY, phone="138 0013 8000", id_number="", user=county.users["clerk"]
    )
    assert [c for c, _s in found.own] == [own]
    assert [c for c, _s in found.similar] == [other] and found.similar[0][1] == 1.0


def test_the_petitioners_cases_come_most_similar_first(county, register):
    register(title="申请廉租房", text="家庭困难，申请廉租房至今没有答复。")
    leak = register(title=LEAK_TITLE, text=LEAK_BODY)
    found = repeat_candidates(
        LEAK_TITLE, LEAK_BODY, id_number="370687199001011234", user=county.users["clerk"]
    )
    assert found.own[0] == (leak, 1.0) and len(found.own) == 2
    assert found.similar == []  # already listed as the petitioner's own


def test_merged_and_declined_cases_leave_the_open_set_but_stay_indexed(
    county, register, django_capture_on_commit_callbacks
):
    first = register(title=LEAK_TITLE, text=LEAK_BODY)
    repeat = register(title=LEAK_TITLE, text=LEAK_BODY + "再次反映。")
    clerk = county.users["clerk"]
    with django_capture_on_commit_callbacks(execute=True):
        services.merge_repeat(case=repeat, actor=clerk, into=first.number, reason="重复件")
    assert [c for c, _s in similar_open_cases(LEAK_TITLE, LEAK_BODY)] == [first]
    with django_capture_on_commit_callbacks(execute=True):
        services.decline(case=first, actor=clerk, reason="不属于信访事项")
    assert similar_open_cases(LEAK_TITLE, LEAK_BODY) == []
    # Kept for hot-issue clustering, flagged closed.
    assert set(SimilarityEntry.objects.values_list("case_id", "is_open")) == {
        (first.pk, False),
        (repeat.pk, False),
    }


def test_only_open_cases_keep_band_keys_and_an_opened_case_gets_them_back(
    county, register, django_capture_on_commit_callbacks
):
    from xinfang.cases.models import Case
    from xinfang.cases.workflow import S
    from xinfang.triage.services import index_case

    case = register(title=LEAK_TITLE, text=LEAK_BODY)
    keys = bandkeys.keys_of(case.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.decline(case=case, actor=county.users["clerk"], reason="不属于信访事项")
    assert bandkeys.keys_of(case.pk) == []  # the signature stays, for clustering
    assert SimilarityEntry.objects.filter(case=case, is_open=False).exists()
    # No move opens a closed case; a repair by hand might: the keys come back from the signature.
    Case.objects.filter(pk=case.pk).update(state=S.ACCEPTED)
    assert index_case(case.pk) is True
    assert bandkeys.keys_of(case.pk) == keys
    assert [c for c, _s in similar_open_cases(LEAK_TITLE, LEAK_BODY)] == [case]


def test_a_report_never_reaches_the_accused_bodys_staff_W30_W46(county, register):
    report = register(
        content_type="report",
        title="举报住建局某科长收受开发商好处",
        text="反映住建局某科长在小区验收中收受开发商好处，请纪委调查处理。",
        accused_body=county.housing,
    )
    services.transfer(case=report, actor=county.users["clerk"], body=county.discipline)
    probe = ("举报住建局科长收受开发商好处", "住建局某科长在小区验收中收受开发商好处，请调查。")
    assert [c for c, _s in similar_open_cases(*probe, user=county.users["discipline_handler"])] == [
        report
    ]
    for name in ("handler", "head"):
        user = county.users[name]
        assert similar_open_cases(*probe, user=user) == []
        found = repeat_candidates(*probe, phone="13800138000", user=user)
        assert found.own == [] and found.similar == []


def test_reindex_command_rebuilds_a_lost_index(county, capsys):
    # Registered with the queue down: nothing was indexed.
    leak = register_appeal(county, title=LEAK_TITLE, text=LEAK_BODY).case
    other = register_appeal(county, title=WAGES_TITLE, text=WAGES_BODY).case
    assert similar_open_cases(LEAK_TITLE, LEAK_BODY) == []
    call_command("reindex_similarity", "--missing")
    assert "indexed 2 cases" in capsys.readouterr().out
    assert [c for c, _s in similar_open_cases(LEAK_TITLE, LEAK_BODY)] == [leak]
    call_command("reindex_similarity")
    assert [len(bandkeys.keys_of(c.pk)) for c in (leak, other)] == [DEFAULT_SCHEME.bands] * 2


def test_closed_look_alikes_never_take_an_open_cases_place_W21(
    county, register, django_capture_on_commit_callbacks, monkeypatch
):
    """Only open cases are candidates, even when a closed one shares more bands."""
    near = register(title=LEAK_TITLE, text=LEAK_BODY + "再次反映。")
    closed = register(title=LEAK_TITLE, text=LEAK_BODY)
    with django_capture_on_commit_callbacks(execute=True):
        services.decline(case=closed, actor=county.users["clerk"], reason="不属于信访事项")
    monkeypatch.setattr("xinfang.triage.selectors.CANDIDATE_LIMIT", 1)
    assert [c for c, _s in similar_open_cases(LEAK_TITLE, LEAK_BODY)] == [near]


def test_a_lookup_is_two_round_trips(county, register, django_assert_max_num_queries):
    """Candidates with their signatures in one query, the visible cases in one more."""
    leak = register(title=LEAK_TITLE, text=LEAK_BODY)
    register(title=WAGES_TITLE, text=WAGES_BODY)
    with django_assert_max_num_queries(2):
        found = similar_open_cases(LEAK_TITLE, LEAK_BODY)
    assert [c for c, _s in found] == [leak]


def test_hot_issues_group_petitions_on_one_matter_and_count_people_once(county, register):
    from datetime import timedelta

    from django.utils import timezone

    from xinfang.triage.selectors import hot_issues

    def person(i):
        return [services.PartyInput(name=f"居民{i}", phone=f"1390000000{i}")]

    leaks = [register(title=t, text=b, parties=person(i)) for i, (t, b) in enumerate(RETOLD_LEAK)]
    # The first petitioner writes again: a fourth case, still three people.
    leaks.append(register(title=LEAK_TITLE, text=LEAK_BODY, parties=person(0)))
    register(title=WAGES_TITLE, text=WAGES_BODY, parties=person(5))
    register(title=WAGES_TITLE, text=WAGES_BODY, parties=person(6))  # two cases: below three
    old = register(title=LEAK_TITLE, text=LEAK_BODY, parties=person(7))
    week_ago = timezone.now() - timedelta(days=7)
    type(old).objects.filter(pk=old.pk).update(registered_at=week_ago - timedelta(days=1))

    (issue,) = hot_issues(since=week_ago, user=county.users["clerk"])
    assert sorted(issue.case_ids) == sorted(c.pk for c in leaks)  # not the older one
    assert issue.cases == 4 and issue.petitioners == 3
    assert issue.example.pk in issue.case_ids
    assert issue.first_at <= issue.last_at
    # Over a wider window the older case joins, with its own petitioner.
    (wider,) = hot_issues(since=week_ago - timedelta(days=2), user=county.users["clerk"])
    assert wider.cases == 5 and wider.petitioners == 4
    # Two cases are a hot issue only when asked for pairs.
    assert [h.cases for h in hot_issues(since=week_ago, min_cases=2)] == [4, 2]


def test_cached_hot_issues_follow_a_new_registration(county, register):
    from django.utils import timezone

    from xinfang.triage.selectors import hot_issues_cached

    for i in range(3):
        register(
            title=LEAK_TITLE,
            text=LEAK_BODY,
            parties=[services.PartyInput(name=f"居民{i}", phone=f"1390000000{i}")],
        )
    clerk = county.users["clerk"]
    (first,) = hot_issues_cached(days=30, user=clerk, now=timezone.now())
    assert first.cases == 3
    register(
        title=LEAK_TITLE,
        text=LEAK_BODY,
        parties=[services.PartyInput(name="居民9", phone="13900000009")],
    )
    (again,) = hot_issues_cached(days=30, user=clerk, now=timezone.now())
    assert again.cases == 4 and again.petitioners == 4


def test_hot_issues_group_the_newest_petitions_of_a_crowded_window(county, register):
    from datetime import timedelta

    from django.utils import timezone

    from xinfang.triage.selectors import hot_issues

    cases = [
        register(
            title=LEAK_TITLE,
            text=LEAK_BODY,
            parties=[services.PartyInput(name=f"居民{i}", phone=f"1390000000{i}")],
        )
        for i in range(5)
    ]
    since = timezone.now() - timedelta(days=1)
    everything = hot_issues(since=since)
    assert not everything.capped and everything[0].cases == 5
    newest = hot_issues(since=since, max_cases=3)
    assert newest.capped
    assert sorted(newest[0].case_ids) == sorted(c.pk for c in cases[-3:])
