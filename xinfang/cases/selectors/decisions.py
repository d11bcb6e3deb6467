"""What a decision rests on, for the staff who make it: the draft awaiting sign-off, the answers
already given with the petitioner's requests for review and ratings of them (W32, W35, W36).

The case passed in was fetched for the user (access.case_get_for_user); nothing here widens it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinfang.orgs.models import Body

from ..models import Case, CaseEvent
from ..workflow import DECISIONS, RATINGS, S

# The answer stages, in order: the move that issues each answer and its words.
STAGES = {
    "reply": _("Handling opinion"),
    "decide_review": _("Review opinion"),
    "decide_rereview": _("Re-review opinion"),
}
REQUESTS = {
    "request_review": _("Request for review"),
    "request_rereview": _("Request for re-review"),
}


@dataclass
class Answer:
    stage: str  # the move that issued it ("reply", "decide_review", "decide_rereview"), or "draft"
    label: str
    body: str  # the answering body's name
    decision: str  # its words: 支持 / 解释说明 / 不支持
    parts: list[tuple[str, str]]  # (label, text): request, facts, reasons, basis; or the opinion
    on: dt.date | None = None
    event_id: int | None = None
    seq: int = 0
    ratings: list[Rating] = field(default_factory=list)


@dataclass
class Rating:
    rating: str
    comment: str
    on: dt.date


@dataclass
class Request:
    label: str
    reasons: str
    on: dt.date
    seq: int = 0


@dataclass
class DecisionRecord:
    draft: Answer | None  # the written decision awaiting the head's signature
    extension: dict | None  # a pending request for more time: {"days", "reason"}
    answers: list[Answer]  # given so far, oldest first, each with the ratings of it
    requests: list[Request]  # the petitioner's requests for review and re-review

    @property
    def empty(self) -> bool:
        return not (self.draft or self.extension or self.answers or self.requests)


def _reply_parts(detail: dict, title: str) -> list[tuple[str, str]]:
    parts = [
        (_("The petitioner's request"), detail.get("request") or title),
        (_("Facts found"), detail.get("facts", "")),
        (_("Reasons"), detail.get("reasons", "")),
        (_("Legal basis"), detail.get("basis", "")),
    ]
    return [(label, str(text)) for label, text in parts if text]


def _day(at) -> dt.date:
    return timezone.localdate(at)


def decision_record(case: Case) -> DecisionRecord:
    detail = case.decision_detail or {}
    events = list(
        CaseEvent.objects.filter(case=case, kind__in=[*STAGES, *REQUESTS, "rate"]).order_by("seq")
    )
    body_ids = {detail.get("decided_by")} | {
        (detail.get(k) or {}).get("by") for k in ("review", "rereview")
    }
    names = dict(Body.objects.filter(pk__in=body_ids - {None}).values_list("pk", "name"))
    answers: list[Answer] = []
    requests: list[Request] = []
    last_rate = max((e.seq for e in events if e.kind == "rate"), default=None)
    for e in events:
        extra = e.extra or {}
        if e.kind == "reply":
            answers.append(
                Answer(
                    stage=e.kind,
                    label=STAGES[e.kind],
                    body=names.get(detail.get("decided_by"), ""),
                    decision=DECISIONS.get(extra.get("decision", ""), ""),
                    parts=_reply_parts(detail, case.title),
                    on=_day(e.at),
                    event_id=e.pk,
                    seq=e.seq,
                )
            )
        elif e.kind in STAGES:
            stage = detail.get("review" if e.kind == "decide_review" else "rereview") or {}
            answers.append(
                Answer(
                    stage=e.kind,
                    label=STAGES[e.kind],
                    body=names.get(stage.get("by"), ""),
                    decision=DECISIONS.get(stage.get("decision") or extra.get("decision", ""), ""),
                    parts=[(_("Opinion"), str(stage.get("opinion", "")))],
                    on=_day(e.at),
                    event_id=e.pk,
                    seq=e.seq,
                )
            )
        elif e.kind in REQUESTS:
            requests.append(Request(REQUESTS[e.kind], extra.get("reasons", ""), _day(e.at), e.seq))
        elif answers:  # a rating is of the answer given last before it
            comment = extra.get("comment")
            if comment is None and e.seq == last_rate and case.rating == extra.get("rating"):
                comment = case.rating_comment  # rated before comments were kept in the event
            rating = RATINGS.get(extra.get("rating", ""), "")
            answers[-1].ratings.append(Rating(rating, comment or "", _day(e.at)))
    draft = None
    if case.state == S.DECIDED:
        draft = Answer(
            stage="draft",
            label=_("Draft handling opinion"),
            body=case.holder_body.name,
            decision=DECISIONS.get(case.decision, ""),
            parts=_reply_parts(detail, case.title),
        )
    extension = None
    if case.state == S.ACCEPTED and case.extension_requested:
        extension = detail.get("extension_request") or {}
    return DecisionRecord(draft=draft, extension=extension, answers=answers, requests=requests)
