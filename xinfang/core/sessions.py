"""Sessions stored in the database encrypted with the data key (docs/configuration.md).

A session may hold an intake draft (a petitioner's name, phone and ID number) or a citizen's
receipt (tracking code and query password): Django's own session data is only signed, readable
by whoever can read the table. Here the whole signed value is a Fernet token as well.
"""

from __future__ import annotations

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

from . import crypto


class SessionStore(DatabaseSessionStore):
    def encode(self, session_dict) -> str:
        return crypto.encrypt(super().encode(session_dict))

    def decode(self, session_data: str) -> dict:
        plain = crypto.try_decrypt(session_data)
        # A session written before encryption, or under a retired key, is simply not there.
        return super().decode(plain) if plain else {}
