"""Read an exchange file and verify all of it before anything is written: the header, every
case's digest and exchange chain, every attachment's SHA-256, the closing line's count, digest
and signature. Any fault refuses the whole file with a message naming the line and the case."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from django.utils.translation import gettext as _

from .format import (
    FORMAT,
    GENESIS,
    VERSION,
    ExchangeError,
    event_link,
    exchange_key,
    record_digest,
    sign,
)


@dataclass
class Verified:
    header: dict
    records: list[dict] = field(default_factory=list)
    # Attachment contents by sha256, read from the line or the side folder.
    files: dict[str, bytes] = field(default_factory=dict)

    @property
    def source(self) -> dict:
        return self.header.get("source") or {}


def _fail(lineno: int, message: str, number: str = "") -> ExchangeError:
    where = _("line %(line)s") % {"line": lineno}
    if number:
        where += " " + _("(case %(number)s)") % {"number": number}
    return ExchangeError(f"{where}: {message}")


def _check_events(lineno: int, record: dict) -> None:
    number = record.get("number", "")
    prev = GENESIS
    for i, event in enumerate(record.get("events") or [], start=1):
        if event.get("seq") != i:
            raise _fail(
                lineno, _("timeline entry %(seq)s is missing or out of order") % {"seq": i}, number
            )
        prev = event_link(prev, event)
        if event.get("link") != prev:
            raise _fail(
                lineno,
                _("timeline entry %(seq)s does not match its hash (it was changed)") % {"seq": i},
                number,
            )
    if record.get("chain_head", "") != (prev if record.get("events") else ""):
        raise _fail(lineno, _("the timeline was cut short or extended"), number)


def _check_files(lineno: int, record: dict, folder: Path | None, files: dict[str, bytes]) -> None:
    number = record.get("number", "")
    for a in record.get("attachments") or []:
        name = a.get("name", "")
        if "content_base64" in a:
            try:
                content = base64.b64decode(a["content_base64"], validate=True)
            except (binascii.Error, ValueError, TypeError):
                raise _fail(
                    lineno, _("attachment %(name)s is not valid base64") % {"name": name}, number
                ) from None
        else:
            digest = str(a.get("sha256", ""))
            path = (folder / digest) if folder and len(digest) == 64 and digest.isalnum() else None
            if path is None or not path.is_file():
                raise _fail(lineno, _("attachment %(name)s is missing") % {"name": name}, number)
            content = path.read_bytes()
        if hashlib.sha256(content).hexdigest() != a.get("sha256"):
            raise _fail(
                lineno, _("attachment %(name)s does not match its SHA-256") % {"name": name}, number
            )
        files[a["sha256"]] = content


def read_exchange(fh: IO[bytes], *, attachments_dir: Path | None = None) -> Verified:
    total = hashlib.sha256()
    verified: Verified | None = None
    end: dict | None = None
    lineno = 0
    for lineno, raw in enumerate(fh, start=1):
        if end is not None:
            raise _fail(lineno, _("there is more after the closing line"))
        try:
            obj = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise _fail(lineno, _("not a JSON line")) from None
        kind = obj.get("type") if isinstance(obj, dict) else None
        if verified is None:
            if kind != "header" or obj.get("format") != FORMAT:
                raise _fail(lineno, _("this is not a case exchange file"))
            if obj.get("version") != VERSION:
                raise _fail(
                    lineno,
                    _("format version %(version)s is not supported")
                    % {"version": obj.get("version")},
                )
            verified = Verified(header=obj)
        elif kind == "case":
            number = str(obj.get("number", ""))
            if obj.get("digest") != record_digest(obj):
                raise _fail(
                    lineno,
                    _("the case's content does not match its digest (it was changed)"),
                    number,
                )
            _check_events(lineno, obj)
            _check_files(lineno, obj, attachments_dir, verified.files)
            verified.records.append(obj)
        elif kind == "end":
            end = obj
            continue
        else:
            raise _fail(lineno, _("unknown line type"))
        total.update(raw if raw.endswith(b"\n") else raw + b"\n")
    if verified is None:
        raise ExchangeError(_("The file is empty"))
    if end is None:
        raise _fail(lineno, _("the closing line is missing (the file was cut short)"))
    if end.get("cases") != len(verified.records) or end.get("digest") != total.hexdigest():
        raise _fail(lineno, _("lines were added, removed or changed after export"))
    key = exchange_key()
    if key and not hmac.compare_digest(str(end.get("signature") or ""), sign(end["digest"], key)):
        raise _fail(lineno, _("the signature does not verify with this system's exchange key"))
    return verified
