"""Document numbers (发文字号, GB/T 9704-2012 7.2.4): the issuing body's code, the kind's character,
the year in 〔〕 and the sequence without leading zeros, e.g. 海住建信答〔2026〕12号.

Unique per issuing body, kind and year, and gap-free: `allocate` runs inside the move's
transaction (documents.services.record_notice) and takes the next number from a counter row it
locks, so two moves of the same body and kind wait for each other, and a move that rolls back
returns its number with it.
"""

from __future__ import annotations

from dataclasses import dataclass

from xinfang.orgs.models import Body

from .kinds import Kind
from .models import NoticeCounter


@dataclass(frozen=True)
class DocNumber:
    body: Body
    kind: str
    year: int
    sequence: int
    text: str


def format_number(code: str, kind: Kind, year: int, sequence: int) -> str:
    return f"{code}{kind.code}〔{year}〕{sequence}号"


def allocate(body: Body, kind: Kind, year: int) -> DocNumber:
    """The next number of `body` for `kind` in `year`; call inside the issuing transaction."""
    NoticeCounter.objects.get_or_create(body=body, kind=kind.key, year=year)
    counter = NoticeCounter.objects.select_for_update().get(body=body, kind=kind.key, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    text = format_number(body.notice_code, kind, year, counter.last)
    return DocNumber(body=body, kind=kind.key, year=year, sequence=counter.last, text=text)
