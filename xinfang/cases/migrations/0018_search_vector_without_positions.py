"""The stored search words without their positions (PostgreSQL only).

Search asks for cases holding every query word (to_tsquery 'w1 & w2', cases/search.py), never for
words next to each other, so the positions a tsvector keeps for phrase search are never read:
strip() drops them, about a quarter of a KB a case (the largest column of a case row). The GIN
index holds words only and is rebuilt as it was; the column keeps its statistics target.
"""

from django.db import migrations

INDEX = "cases_case_search_vector_gin"


def _column(expression: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in (
            "ALTER TABLE cases_case DROP COLUMN search_vector",  # its index goes with it
            "ALTER TABLE cases_case ADD COLUMN search_vector tsvector"
            f" GENERATED ALWAYS AS ({expression}) STORED",
            "ALTER TABLE cases_case ALTER COLUMN search_vector SET STATISTICS 1000",
            f"CREATE INDEX {INDEX} ON cases_case USING gin (search_vector)",
            "ANALYZE cases_case",
        ):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("cases", "0017_fewer_duplicate_indexes")]

    operations = [
        migrations.RunPython(
            _column("strip(to_tsvector('simple', search_text))"),
            _column("to_tsvector('simple', search_text)"),
        )
    ]
