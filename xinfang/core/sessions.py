"""Sessions stored in the database, encrypted with the data key.

A session may hold an intake draft (a petitioner's name, phone and ID number) or receipts
printed at the desk (tracking code and query password): Django's own session data is only
signed, readable by whoever can read the table. Here the data is its JSON sealed with the data
key (AES-GCM, core/crypto.seal): encrypted and authenticated, so Django's signature inside it
would add nothing but its cost. Rows written before are Fernet tokens (of the JSON, or of a
signed value), and still read. Citizens' pages use no session: what a citizen's browser proved
travels in a sealed cookie of its own (portal/browser_pass.py).

A new key is not looked up first: the row's insert refuses a key in use, and `create` then
draws another. Its 160 random bits are read at once (Django draws each of its 32 characters by
a call of its own).
"""

from __future__ import annotations

import json
import os

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connections, router

from . import crypto


def _json(data: dict) -> str:
    return json.dumps(data, separators=(",", ":"))


class SessionStore(DatabaseSessionStore):
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

    def _get_new_session_key(self) -> str:
        # 40 hex digits of 20 random bytes: within Django's key alphabet and the column's
        # 40 characters (the standard library's base32 is a loop in Python).
        return os.urandom(20).hex()

    def delete(self, session_key: str | None = None) -> None:
        # One statement (Django reads the row first, then deletes it), as when signing in
        # cycles the key.
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
