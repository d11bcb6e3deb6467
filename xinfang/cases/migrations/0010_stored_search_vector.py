"""Full-text search on a stored tsvector column with fuller statistics (PostgreSQL only).

The words of a case are cut once, when it is written, into cases_case.search_vector (a generated
column: nothing in the app writes it), so a search that walks cases newest first tests each row
without re-parsing its text. The column keeps statistics on 10,000 words, so the planner knows a
rare word (a few thousand cases in a million) from a common one and from one no case has, and
keeps choosing the same plan for each. SQLite: nothing; search there matches search_text words.
"""

from django.db import migrations

OLD_INDEX = "cases_case_search_gin"
INDEX = "cases_case_search_vector_gin"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "ALTER TABLE cases_case ADD COLUMN IF NOT EXISTS search_vector tsvector"
        " GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED"
    )
    schema_editor.execute("ALTER TABLE cases_case ALTER COLUMN search_vector SET STATISTICS 1000")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON cases_case USING gin (search_vector)"
    )
    schema_editor.execute(f"DROP INDEX IF EXISTS {OLD_INDEX}")
    schema_editor.execute("ANALYZE cases_case")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {OLD_INDEX} ON cases_case "
        "USING gin (to_tsvector('simple', search_text))"
    )
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
    schema_editor.execute("ALTER TABLE cases_case DROP COLUMN IF EXISTS search_vector")


class Migration(migrations.Migration):
    dependencies = [("cases", "0009_recusal")]

    operations = [migrations.RunPython(forwards, backwards)]
