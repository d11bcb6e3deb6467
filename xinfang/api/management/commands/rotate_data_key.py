"""Re-encrypt all personal data with the current XINFANG_DATA_KEY (docs/configuration.md)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from xinfang.api.services import reencrypt_stored_answers
from xinfang.cases.services import reencrypt_parties
from xinfang.notify.services import reencrypt_outbox


class Command(BaseCommand):
    help = (
        "After XINFANG_DATA_KEY was changed and the old key listed in XINFANG_DATA_KEY_PREVIOUS: "
        "re-encrypt parties, message recipients and stored API answers with the new key and "
        "recompute the blind indexes. Safe to run again; stops at a value no key opens."
    )

    def handle(self, *args, **options):
        from cryptography.fernet import InvalidToken

        if not settings.DATA_KEY:
            raise CommandError("Set XINFANG_DATA_KEY (the new key) first.")
        try:
            counts = {
                "parties": reencrypt_parties(),
                "outbox messages": reencrypt_outbox(),
                "stored API answers": reencrypt_stored_answers(),
            }
        except InvalidToken as exc:
            raise CommandError(
                "A value could not be opened with XINFANG_DATA_KEY or any key in "
                "XINFANG_DATA_KEY_PREVIOUS; list the key it was written with and run again. "
                "Rows before it are done."
            ) from exc
        for what, n in counts.items():
            self.stdout.write(f"{what}: {n} re-encrypted")
