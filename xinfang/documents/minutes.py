"""The minutes of a joint meeting (会议纪要, W39) as a GB/T 9704 PDF.

The meeting lives in the reception app, a sibling of this one: the page that prints the minutes
gathers the meeting into `Minutes` and hands it here, so neither app imports the other.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from . import render
from .services import template_for

KIND = "meeting_minutes"


@dataclass(frozen=True)
class MinutesDecision:
    text: str
    body: str
    due_on: dt.date
    measure: str = ""  # the W39 measure in words (约谈, 通报, 挂牌督办, 限期整改), if any
    case_number: str = ""


@dataclass(frozen=True)
class Minutes:
    convenor: str
    held_on: dt.date
    title: str = ""
    place: str = ""
    summary: str = ""
    number: str = ""
    attending: tuple[str, ...] = ()
    agenda: tuple[str, ...] = ()
    decisions: tuple[MinutesDecision, ...] = field(default_factory=tuple)


def minutes_layout(minutes: Minutes, *, template: tuple[str, str] | None = None) -> render.Layout:
    """The minutes laid out; `template` (title, body) instead of the editable one, if given."""
    title, body = template or template_for(KIND)
    context = {
        "convenor": minutes.convenor,
        "held_on": render.cn_date(minutes.held_on),
        "place": minutes.place,
        "attending": "、".join(minutes.attending),
        "agenda": list(minutes.agenda),
        "agenda_count": len(minutes.agenda),
        "summary": minutes.summary,
        "decisions": [
            {
                "text": d.text.rstrip("。；;. "),
                "body": d.body,
                "due": render.cn_date(d.due_on),
                "measure": d.measure,
                "case_number": d.case_number,
            }
            for d in minutes.decisions
        ],
    }
    return render.Layout(
        title=minutes.title or title,
        number=minutes.number,
        addressee="",
        paragraphs=render.render_paragraphs(body, context),
        issuer=minutes.convenor,
        issued_on=minutes.held_on,
        header=minutes.convenor,
    )


def minutes_pdf(minutes: Minutes, *, template: tuple[str, str] | None = None) -> bytes:
    return render.build_pdf(minutes_layout(minutes, template=template))
