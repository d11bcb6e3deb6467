"""Sessions stored in the database, encrypted with the data key, written once per change.

A session may hold an intake draft (a petitioner's name, phone and ID number) or a citizen's
receipt (tracking code and query password): Django's own session data is only signed, readable
by whoever can read the table. Here the whole signed value is a Fernet token as well.

A view that saves the session inside its own transaction (the portal's receipt, written with the
case) leaves it marked modified; the session middleware would write the same data again, in a
transaction and commit of its own. This store remembers what it last wrote and skips a save that
would write the same key and data. A new key is not looked up first: the row's insert refuses a
key in use, and `create` then draws another (one statement fewer on the citizen's submission).
"""

from __future__ import annotations

import json

from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connections, router
from django.utils.crypto import get_random_string

from . import crypto


class SessionStore(DatabaseSessionStore):
    _written: tuple[str | None, str] | None = None

    def encode(self, session_dict) -> str:
        return crypto.encrypt(super().encode(session_dict))

    def decode(self, session_data: str) -> dict:
        plain = crypto.try_decrypt(session_data)
        # A session written before encryption, or under a retired key, is simply not there.
        return super().decode(plain) if plain else {}

    def _snapshot(self, must_create: bool) -> tuple[str | None, str]:
        data = self._get_session(no_load=must_create)
        return self.session_key, json.dumps(data, sort_keys=True, default=str)

    def _get_new_session_key(self) -> str:
        return get_random_string(32, VALID_KEY_CHARS)

    def save(self, must_create: bool = False) -> None:
        if not must_create and self._written is not None and self._written == self._snapshot(False):
            return
        using = router.db_for_write(self.model)
        if must_create and self.session_key is not None and connections[using].in_atomic_block:
            # Inside a caller's transaction (the portal's receipt, written with the case): the
            # new row without a savepoint of its own. Two random 32-character keys clash about
            # once in 10^49 draws; that would fail the caller's transaction, never reuse a row.
            data = self._get_session(no_load=True)
            self.model.objects.using(using).bulk_create([self.create_model_instance(data)])
        else:
            super().save(must_create=must_create)
        self._written = self._snapshot(False)
