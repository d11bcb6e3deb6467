"""File storage for attachments, notices and intake scans (settings.STORAGES["default"]).

The file system storage, except that a full disk (or an exhausted quota) is a typed error with a
message in the user's language instead of an OSError that ends in a 500: the pages and the API
show it, keep what the user typed, and the transaction that wanted the file rolls back.
"""

from __future__ import annotations

import errno
import logging
import os

from django.core.files.storage import FileSystemStorage
from django.utils.translation import gettext_lazy as _

from .errors import StorageFull

logger = logging.getLogger("xinfang.storage")

FULL = {errno.ENOSPC, errno.EDQUOT}


def full_message():
    return _(
        "The file could not be stored because the server's storage is full. What you typed is "
        "kept: try again later, or send it without the file."
    )


class MediaStorage(FileSystemStorage):
    def _save(self, name, content):
        try:
            return super()._save(name, content)
        except OSError as exc:
            if exc.errno not in FULL:
                raise
            logger.error("storage full writing %s: %s", name, exc)
            self._drop_partial(name, content)
            raise StorageFull(full_message()) from exc

    def _drop_partial(self, name, content) -> None:
        # The name was free when the write began: what is there now is our own cut-off file.
        path = self.path(name)
        try:
            if os.path.getsize(path) < (content.size or 0):
                os.remove(path)
        except OSError:
            pass
