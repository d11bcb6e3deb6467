"""Sessions stored in the database, encrypted with the data key, written once per change.

A session may hold an intake draft (a petitioner's name, phone and ID number) or a citizen's
receipt (tracking code and query password): Django's own session data is only signed, readable
by whoever can read the table. Here the data is its JSON sealed with the data key (AES-GCM,
core/crypto.seal): encrypted and authenticated, so Django's signature inside it would add nothing
but its cost. Rows written before are Fernet tokens (of the JSON, or of a signed value), and
still read.

A view that saves the session inside its own transaction (the portal's receipt, written with the
case) leaves it marked modified; the session middleware would write the same data again, in a
transaction and commit of its own. This store remembers what it last wrote and skips a save that
would write the same key and data. A new key is not looked up first: the row's insert refuses a
key in use, and `create` then draws another (one statement fewer on the citizen's submission).
A new key's 160 random bits are read at once (Django draws each of its 32 characters by a call
of its own), and a row inserted in a caller's transaction is one statement built once
(core/rows.py), not a `bulk_create` composed anew each time.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connections, router
from django.db.models import Model

from . import crypto, rows


def _json(data: dict) -> str:
    return json.dumps(data, separators=(",", ":"))


class SessionStore(DatabaseSessionStore):
    _written: tuple[str | None, str] | None = None

    def encode(self, session_dict) -> str:
        return crypto.seal(_json(session_dict))

    def decode(self, session_data: str) -> dict:
        if session_data.startswith(crypto.SEALED):
            plain = crypto.unseal(session_data)
        else:
            plain = crypto.try_decrypt(session_data)
        # A session written before encryption, or under a retired key, is simply not there.
        if not plain:
            return {}
        if not plain.startswith("{"):
            return super().decode(plain)  # signed, as rows were written before
        try:
            return json.loads(plain)
        except ValueError:
            return {}

    def _snapshot(self, must_create: bool) -> tuple[str | None, str]:
        return self.session_key, _json(self._get_session(no_load=must_create))

    def _get_new_session_key(self) -> str:
        # 40 hex digits of 20 random bytes: within Django's key alphabet and the column's
        # 40 characters (the standard library's base32 is a loop in Python).
        return os.urandom(20).hex()

    def _insert(self) -> None:
        row = self.model(
            session_key=self.session_key,
            session_data=self.encode(self._get_session(no_load=True)),
            expire_date=self.get_expiry_date(),
        )
        rows.insert([row])

    def cycled_row(self, **changes) -> tuple[Model, Callable[[], None]]:
        """A new key for this session, its data with `changes`, as an unsaved row for the
        caller to write in a statement of its own transaction (the portal's receipt goes into
        the statement of the case's parties: no statement of its own), and what makes that
        key this session's once the transaction has committed. The old key's row is deleted
        in the caller's transaction. Until `adopt` the session is as it was, so one that rolls
        back leaves it untouched: the cookie keeps the old key, whose row is still there."""
        data = {**self._get_session(), **changes}
        plain = _json(data)  # sealed in the row, and what save() compares with
        old = self.session_key
        key = self._get_new_session_key()
        row = self.model(
            session_key=key, session_data=crypto.seal(plain), expire_date=self.get_expiry_date()
        )
        if old is not None:
            self.delete(old)

        def adopt() -> None:
            self._session_key = key
            self._session_cache = data
            self.modified = True
            self._written = (key, plain)

        return row, adopt

    def delete(self, session_key: str | None = None) -> None:
        # One statement (Django reads the row first, then deletes it): cycling the key of a
        # returning visitor's session drops the old row in the caller's transaction.
        key = session_key or self.session_key
        if key is None:
            return
        using = router.db_for_write(self.model)
        conn = connections[using]
        table = conn.ops.quote_name(self.model._meta.db_table)
        with conn.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {table} WHERE {conn.ops.quote_name('session_key')} = %s", [key]
            )

    def save(self, must_create: bool = False) -> None:
        if not must_create and self._written is not None and self._written == self._snapshot(False):
            return
        using = router.db_for_write(self.model)
        if must_create and self.session_key is not None and connections[using].in_atomic_block:
            # Inside a caller's transaction (the portal's receipt, written with the case): the
            # new row without a savepoint of its own. Two random 160-bit keys clash about
            # once in 10^48 draws; that would fail the caller's transaction, never reuse a row.
            self._insert()
        else:
            super().save(must_create=must_create)
        self._written = self._snapshot(False)
