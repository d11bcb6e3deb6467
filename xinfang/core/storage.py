"""File storage for attachments, notices and intake scans (settings.STORAGES["default"]).

Every file is encrypted at rest with the data key (core/crypto.py): ID card scans, letters and
notices are plain only in memory, in the views that checked who may open them. A file written
before encryption (no ENCRYPTED_MAGIC) is still read as it is, until `encrypt_media` rewrites it.

The file system storage, except that a full disk (or an exhausted quota) is a typed error with a
message in the user's language instead of an OSError that ends in a 500: the pages and the API
show it, keep what the user typed, and the transaction that wanted the file rolls back.
"""

from __future__ import annotations

import errno
import logging
import os

from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.utils.translation import gettext_lazy as _

from . import crypto
from .errors import StorageFull

logger = logging.getLogger("xinfang.storage")

FULL = {errno.ENOSPC, errno.EDQUOT}
# The first bytes of an encrypted file: a version mark, then a Fernet token.
ENCRYPTED_MAGIC = b"XFENC1\n"


def seal(data: bytes) -> bytes:
    return ENCRYPTED_MAGIC + crypto.encrypt_bytes(data)


def is_sealed(raw: bytes) -> bool:
    return raw.startswith(ENCRYPTED_MAGIC)


def unseal(raw: bytes) -> bytes:
    """The plain content of a stored file (a file from before encryption as it is)."""
    if not is_sealed(raw):
        return raw
    return crypto.decrypt_bytes(raw[len(ENCRYPTED_MAGIC) :])


def full_message():
    return _(
        "The file could not be stored because the server's storage is full. What you typed is "
        "kept: try again later, or send it without the file."
    )


class MediaStorage(FileSystemStorage):
    def _save(self, name, content):
        content.seek(0)
        sealed = ContentFile(seal(content.read()))
        try:
            return super()._save(name, sealed)
        except OSError as exc:
            if exc.errno not in FULL:
                raise
            logger.error("storage full writing %s: %s", name, exc)
            self._drop_partial(name, sealed)
            raise StorageFull(full_message()) from exc

    def read_raw(self, name) -> bytes:
        with super()._open(name, "rb") as fh:
            return fh.read()

    def _open(self, name, mode="rb"):
        if "w" in mode or "a" in mode or "+" in mode:
            raise ValueError("stored files are written through save(), never opened to write")
        plain = unseal(self.read_raw(name))
        return ContentFile(plain, name=name)

    def size(self, name):
        return len(unseal(self.read_raw(name)))

    def _drop_partial(self, name, content) -> None:
        # The name was free when the write began: what is there now is our own cut-off file.
        path = self.path(name)
        try:
            if os.path.getsize(path) < (content.size or 0):
                os.remove(path)
        except OSError:
            pass


def encrypt_existing(root, *, rotate: bool = False) -> tuple[int, int]:
    """Seal every plain file under `root` (written before encryption) in place; with `rotate`,
    also re-seal sealed files under the current key (after a data-key rotation). Each file is
    replaced atomically (written beside it, then renamed). Returns (sealed, rotated)."""
    from pathlib import Path

    sealed = rotated = 0
    for path in sorted(Path(root).rglob("*")):
        if not path.is_file() or path.name.endswith(".xfenc-tmp"):
            continue
        raw = path.read_bytes()
        if is_sealed(raw):
            if not rotate:
                continue
            new = seal(unseal(raw))
            rotated += 1
        else:
            new = seal(raw)
            sealed += 1
        tmp = path.with_name(path.name + ".xfenc-tmp")
        tmp.write_bytes(new)
        os.replace(tmp, path)
    return sealed, rotated
