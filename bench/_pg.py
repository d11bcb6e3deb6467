"""PostgreSQL pieces shared by the bench builders."""

from __future__ import annotations


def ensure_database(url: str) -> None:
    """Creates the bench's database when it is not there yet."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
