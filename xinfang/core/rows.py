"""Inserting new rows with a statement built once per model and row count.

`insert` does what `bulk_create` does for plain new instances (every concrete column but the
generated primary key, each value prepared by its field, the new keys read back), without
composing the SQL anew on every call: on the registration path that composition cost more
than the round trip. Anything out of the ordinary (an expression among the values, a field
with its own placeholder, an engine that cannot return the new keys) goes through
`bulk_create` instead. No signals are sent, as with `bulk_create`.
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.models import Model

from . import prepared

_statements: dict[tuple, tuple[str, list]] = {}

# Fields whose value of this exact type Django writes as it is: their get_db_prep_save returns a
# str (bool) unchanged, and pre_save reads the attribute. Every row written on the hot path has
# dozens of them; other fields and other values go through the field.
_AS_IT_IS = {
    models.CharField: str,
    models.TextField: str,
    models.EmailField: str,
    models.BooleanField: bool,
}


def _as_it_is(field) -> type | None:
    kind = _AS_IT_IS.get(type(field))
    return kind if kind is not None and type(field).pre_save is models.Field.pre_save else None


def _statement(model: type[Model], count: int, skip: bool, db) -> tuple[str, list] | None:
    key = (model, count, skip, db.vendor)
    found = _statements.get(key)
    if found is None:
        meta = model._meta
        fields = [
            f
            for f in meta.local_concrete_fields
            if f is not meta.auto_field and not getattr(f, "generated", False)
        ]
        if meta.parents or any(hasattr(f, "get_placeholder") for f in fields):
            return None
        qn = db.ops.quote_name
        row = "(" + ", ".join(["%s"] * len(fields)) + ")"
        sql = (
            f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
            f"VALUES {', '.join([row] * count)} "
            + ("ON CONFLICT DO NOTHING" if skip else f"RETURNING {qn(meta.pk.column)}")
        )
        columns = [(f, f.attname, _as_it_is(f)) for f in fields]
        found = _statements[key] = (sql, columns)
    return found


def _prepared(objs: list[Model], ignore_conflicts: bool) -> tuple[str, list] | None:
    """(SQL, parameters) inserting `objs`, or None when bulk_create has to do it."""
    model = type(objs[0])
    # The connection itself, not the proxy: every field below is prepared against it.
    db = connections[DEFAULT_DB_ALIAS]
    # A key the database draws must not be set yet; one the model draws (a UUID) is written.
    keyed_here = model._meta.auto_field is None
    if not db.features.can_return_rows_from_bulk_insert or not all(
        type(o) is model and (o.pk is None or keyed_here) for o in objs
    ):
        return None
    statement = _statement(model, len(objs), ignore_conflicts, db)
    if statement is None:
        return None
    sql, columns = statement
    params: list = []
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="insert")
        for f, attname, kind in columns:
            if kind is not None:
                value = getattr(obj, attname)
                if value is None or type(value) is kind:
                    params.append(value)
                    continue
            value = f.pre_save(obj, True)
            if hasattr(value, "resolve_expression"):
                return None
            params.append(f.get_db_prep_save(value, db))
    return sql, params


def _keyed(objs: list[Model], keys: list) -> None:
    for obj, pk in zip(objs, keys, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias


def insert(objs: list[Model], *, ignore_conflicts: bool = False) -> None:
    """Insert `objs`, new instances of one model, in one statement; each gets its key (drawn by
    the database, or the one the model gave it: a UUID, a session key). In the caller's
    transaction. `ignore_conflicts`: rows that would break
    a unique constraint are left out, and no instance gets its key (as with bulk_create)."""
    if not objs:
        return
    built = _prepared(objs, ignore_conflicts)
    if built is None:
        type(objs[0]).objects.bulk_create(objs, ignore_conflicts=ignore_conflicts)
        return
    with prepared.cursor() as cur:
        cur.execute(*built)
        if not ignore_conflicts:
            _keyed(objs, [r[0] for r in cur.fetchall()])


def clause(objs: list[Model]) -> tuple[str, list] | None:
    """(SQL, parameters) of the statement `insert` runs for `objs`, for a caller that runs it as
    a WITH clause of a statement of its own and does not read the new keys back (rows whose key
    the model gives, such as a task row's UUID). None when `insert` would hand them to
    bulk_create."""
    return _prepared(objs, False) if objs else None


def insert_together(*groups: list[Model]) -> None:
    """`insert` for each group (new instances of one model each, none referring to another
    group's rows); on PostgreSQL in one statement, one round trip instead of one per group.
    A unique row already there fails the statement (IntegrityError), as `insert` would."""
    groups = tuple(g for g in groups if g)
    built = [_prepared(g, False) for g in groups] if connection.vendor == "postgresql" else []
    if len(groups) < 2 or not built or any(p is None for p in built):
        for g in groups:
            insert(g)
        return
    # Keys the database draws come back as one column, group by group, each in the order of
    # its rows: one statement draws them from the sequence row by row. A group whose keys the
    # model gave (a session key) is inserted by its own clause and read back from nowhere:
    # PostgreSQL runs every data-modifying WITH clause, read or not.
    drawn = [i for i, g in enumerate(groups) if type(g[0])._meta.auto_field is not None]
    ctes = ", ".join(f"r{i} AS ({sql})" for i, (sql, _params) in enumerate(built))
    picks = " UNION ALL ".join(f"SELECT {i}, r{i}.* FROM r{i}" for i in drawn)
    if not picks:
        picks = "SELECT 0, 0 WHERE false"
    with prepared.cursor() as cur:
        cur.execute(
            f"WITH {ctes} {picks} ORDER BY 1, 2", [p for _sql, params in built for p in params]
        )
        found = cur.fetchall()
    for i, g in enumerate(groups):
        _keyed(g, [k for n, k in found if n == i] if i in drawn else [o.pk for o in g])
