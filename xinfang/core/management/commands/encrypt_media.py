"""Encrypt the stored files written before encryption at rest (docs/configuration.md)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from xinfang.core.storage import encrypt_existing


class Command(BaseCommand):
    help = (
        "Encrypt in place, with XINFANG_DATA_KEY, every file under MEDIA_ROOT still stored in "
        "plain (attachments, notices, intake scans from before encryption at rest). With "
        "--rotate, also re-encrypt the others under the current key after a key rotation. Safe "
        "to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rotate", action="store_true")

    def handle(self, *args, rotate=False, **options):
        from cryptography.fernet import InvalidToken

        try:
            sealed, rotated = encrypt_existing(settings.MEDIA_ROOT, rotate=rotate)
        except InvalidToken as exc:
            raise CommandError(
                "A file could not be opened with XINFANG_DATA_KEY or any key in "
                "XINFANG_DATA_KEY_PREVIOUS; list the key it was written with and run again."
            ) from exc
        self.stdout.write(
            f"files encrypted: {sealed}; re-encrypted under the current key: {rotated}"
        )
