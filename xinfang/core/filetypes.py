"""A file's type read from its content (magic bytes, the `filetype` library), never from the
name or the type the client declared: what is stored and served is what the bytes are."""

from __future__ import annotations

import filetype

UNKNOWN = "application/octet-stream"
# The compound file of Word 97, Excel 97 and WPS, which `filetype` does not recognise.
OLE = "application/x-ole-storage"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Enough for every signature `filetype` reads (office formats look into the first zip entries).
HEAD_BYTES = 8192


def sniff(content: bytes) -> str:
    """The MIME type the content shows, or UNKNOWN."""
    head = bytes(content[:HEAD_BYTES])
    kind = filetype.guess(head) if head else None
    if kind is not None:
        return kind.mime
    if head.startswith(_OLE_MAGIC):
        return OLE
    return UNKNOWN


def sniff_upload(upload) -> str:
    """The type of an uploaded file's content; the file is left at its start."""
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    return sniff(head)
