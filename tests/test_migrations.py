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
