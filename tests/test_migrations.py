import datetime as dt
import io

from django.core.management import call_command


def test_models_and_migrations_agree(db):
    """A model change without its migration would leave a deployment's schema behind."""
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_a_new_period_state_or_message_needs_no_migration(db, monkeypatch):
    """Choices are read from the declaring tables, so growing a table is no schema change."""
    from xinfang.cases import deadlines, workflow
    from xinfang.notify import defaults

    period = deadlines.DEFAULT_PERIODS["handle"]
    monkeypatch.setitem(deadlines.DEFAULT_PERIODS, "new_period", period)
    monkeypatch.setitem(workflow.STATE_LABELS, "new_state", "New state")
    monkeypatch.setitem(workflow.CHANNELS, "new_channel", "New channel")
    monkeypatch.setitem(defaults.KEYS, "new_message", "新消息")
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_the_nearest_deadline_is_copied_onto_existing_cases(county):
    """Cases that were there before Case.next_due_on get it from their running staff clocks:
    the handling period's date, not the citizen's rating window nor a stopped clock."""
    import importlib
    from types import SimpleNamespace

    from django.db import connection

    from tests.conftest import accepted_appeal, register_appeal, replied_appeal, wrong_next_due
    from xinfang.cases.models import Case, Clock

    fresh = register_appeal(county).case
    working = accepted_appeal(county, title="小区路灯不亮")
    answered = replied_appeal(county, decision="explain", reasons="已列入计划")
    Case.objects.update(next_due_on=None)  # as before the column existed
    migration = importlib.import_module("xinfang.cases.migrations.0014_case_next_due_on")
    migration.copy_next_due(None, SimpleNamespace(connection=connection))
    assert wrong_next_due() == []
    due = dict(Case.objects.values_list("pk", "next_due_on"))
    assert due[fresh.pk] == Clock.objects.get(case=fresh, period="route").due_on
    assert due[working.pk] == Clock.objects.get(case=working, period="handle").due_on
    assert due[answered.pk] is None  # only the petitioner's rating window runs


def test_keys_claimed_but_never_answered_are_dropped_with_the_claims(db):
    """Before answers were written with their case, a key was claimed first: a claim without an
    answer made no case, and must not keep a retry out."""
    import importlib

    from django.apps import apps

    from xinfang.api.models import IdempotencyRecord

    step = importlib.import_module("xinfang.api.migrations.0004_idempotent_answer_with_its_case")
    IdempotencyRecord.objects.create(key="cut-off", fingerprint="f", status_code=None)
    IdempotencyRecord.objects.create(key="answered", fingerprint="f", status_code=201)
    step.drop_unanswered_claims(apps, None)
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["answered"]


def test_cases_with_several_deadlines_running_are_marked(county):
    """A case under a supervision notice runs its handling period and the notice's reply date;
    the queue for due soon asks the clocks of such cases alone, so existing ones are marked."""
    import importlib
    from types import SimpleNamespace

    from django.db import connection

    from tests.conftest import accepted_appeal, register_appeal, wrong_next_due
    from xinfang.cases import services
    from xinfang.cases.models import Case
    from xinfang.core.timeutil import today

    register_appeal(county)
    watched = services.supervise(
        case=accepted_appeal(county, title="小区路灯不亮"),
        actor=county.users["supervisor"],
        grounds="久拖不办",
        due_on=today() + dt.timedelta(days=10),
    )
    Case.objects.update(several_deadlines=False)  # as before the column existed
    migration = importlib.import_module("xinfang.cases.migrations.0021_several_deadlines")
    migration.copy_several(None, SimpleNamespace(connection=connection))
    assert wrong_next_due() == []
    assert list(Case.objects.filter(several_deadlines=True)) == [watched]
