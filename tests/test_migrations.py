import io

from django.core.management import call_command


def test_models_and_migrations_agree(db):
    """A model change without its migration would leave a deployment's schema behind."""
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()
