"""Full-text search index on Case.search_text (PostgreSQL only).

PostgreSQL: a GIN index on to_tsvector('simple', search_text); selectors.inbox queries the same
expression. SQLite: nothing to create; search is a token match on the space-framed search_text.
"""

from django.db import migrations

INDEX = "cases_case_search_gin"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON cases_case "
        "USING gin (to_tsvector('simple', search_text))"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_joint_supervision_grid_search")]

    operations = [migrations.RunPython(create_index, drop_index)]
