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


# What a petitioner may attach (the portal's forms and the services check both): extension → the
# types its content may show. Documents and images only: nothing that runs.
_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_ZIP = "application/zip"
DOCUMENT_TYPES = {
    ".jpg": {"image/jpeg"},
    ".jpeg": {"image/jpeg"},
    ".png": {"image/png"},
    ".gif": {"image/gif"},
    ".webp": {"image/webp"},
    ".heic": {"image/heic", "image/heif"},
    ".pdf": {"application/pdf"},
    ".doc": {OLE},
    ".docx": {_DOCX, _ZIP},
    ".xls": {OLE},
    ".xlsx": {_XLSX, _ZIP},
    ".wps": {OLE},
    ".ofd": {_ZIP},
}
# Photos of the grid: the kinds a phone's camera writes and a browser shows.
IMAGE_TYPES = {
    ".jpg": {"image/jpeg"},
    ".jpeg": {"image/jpeg"},
    ".png": {"image/png"},
    ".webp": {"image/webp"},
}


def accepted(name: str, content: bytes, table: dict[str, set[str]]) -> bool:
    """Whether a file of this name and content is of a type `table` accepts."""
    import os

    allowed = table.get(os.path.splitext(name or "")[1].lower())
    return bool(allowed) and sniff(content) in allowed
