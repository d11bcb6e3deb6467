"""The citizen's use cases: submit, find a case by tracking code and password, follow it, rate
the answer, ask for review or re-review. The portal's pages and the public API are thin over
these; the rules (limits, look-ups, which request a review means) live here once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Model
from django.utils.translation import gettext as _

from xinfang.core import crypto, ratelimit
from xinfang.core.errors import InvalidInput, NotFound
from xinfang.orgs.selectors import division_by_code, petition_office_for
from xinfang.taxonomy.selectors import leaf_by_code

from . import selectors, services, validation, workflow
from .access import CitizenActor
from .models import Case
from .workflow import PORTAL, STATE_LABELS, S

# Online channels a citizen submits through.
ONLINE_CHANNELS = ("web", "mobile")

LIMITS = {
    "ip": (30, 3600),  # submissions per address an hour
    "phone": (5, 86400),  # submissions per phone number a day
    # Wrong code or password per address in 15 minutes: a flood guard, set high enough that the
    # rare honest mistakes of a whole shared network (one NAT address) stay far below it.
    "lookup_failures": (50, 900),
    # Wrong passwords tried on one tracking code a day, from any address: what bounds guessing
    # (docs/configuration.md, "Citizen look-ups", has the arithmetic).
    "lookup_code_failures": (10, 86400),
}


def _limits() -> dict:
    return {**LIMITS, **settings.XINFANG.get("RATE_LIMITS", {})}


def _code_key(tracking_code: str) -> str:
    # Hashed: whatever was typed as a code goes into the key, never into a table as it is.
    code = "".join((tracking_code or "").split()).upper()
    return "lookup:code:" + hashlib.sha256(code.encode("utf-8", "replace")).hexdigest()[:32]


@dataclass
class Submission:
    """What a citizen submits online (the portal's form, the API's JSON)."""

    content_type: str
    title: str
    body: str
    division_code: str
    category: str = ""  # a leaf code, or empty
    address: str = ""
    petitioner: services.PartyInput | None = None
    public_consent: bool = False
    channel: str = "web"

    def problems(self) -> dict[str, list[str]]:
        """What is wrong with what was typed (cases/validation.py), field by field."""
        p = self.petitioner or services.PartyInput()
        return validation.submission_problems(
            {
                "title": self.title,
                "body": self.body,
                "address": self.address,
                "category": self.category,
                "division_code": self.division_code,
                "petitioner.name": p.name,
                "petitioner.phone": p.phone,
                "petitioner.id_number": p.id_number,
                "petitioner.email": p.email,
                "petitioner.address": p.address,
            }
        )


def submit(
    submission: Submission,
    *,
    ip: str,
    attachments: Iterable[services.AttachmentInput] = (),
    rows_with: Callable[[services.Registration], Iterable[Model]] | None = None,
    on_registered: Callable[[services.Registration], None] | None = None,
) -> services.Registration:
    """Register an online petition at the petition office of its place (W17, W21), within the
    per-address and per-phone limits. One transaction: the limits count only what is kept, and
    the rows `rows_with` gives (the answer kept for an Idempotency-Key) and what
    `on_registered` does commit with the case (services.register)."""
    s = submission
    if s.channel not in ONLINE_CHANNELS:
        raise InvalidInput(
            _("Choose a valid channel"), fields={"channel": [_("Choose a valid channel")]}
        )
    limits = _limits()
    phone = crypto.normalise_phone(s.petitioner.phone if s.petitioner else "")
    counted = [
        (
            f"submit:ip:{ip}",
            limits["ip"],
            _("Too many submissions; try again later"),
        )
    ]
    if phone:
        counted.append(
            (
                f"submit:phone:{crypto.blind_index(phone)}",
                limits["phone"],
                _(
                    "Too many submissions from this phone number today; try again tomorrow or "
                    "call the petition office"
                ),
            )
        )
    errors = s.problems()
    division = None if "division_code" in errors else division_by_code(s.division_code)
    if division is None and "division_code" not in errors:
        errors["division_code"] = [_("Choose a valid place")]
    category = None
    if s.category and "category" not in errors:
        category = leaf_by_code(s.category)
        if category is None:
            errors["category"] = [_("Choose a valid category")]
    office = petition_office_for(division) if division else None
    if division is not None and office is None:
        errors["division_code"] = [_("Online petitions are not open yet in this area")]

    hits = [(key, limit, window, message) for key, (limit, window), message in counted]
    # The hits are counted with the case's number, in the registration's transaction; a key
    # this process already found over its limit is refused before any work, with no statement.
    refused = ratelimit.known_over(hits)
    if refused is not None:
        raise ratelimit.RateLimited(refused)
    if errors:
        raise InvalidInput(
            _("Some of what you entered is not right; correct it and try again"), fields=errors
        )
    p = s.petitioner
    parties = [p] if p and (p.name or p.phone or p.id_number or p.email) else []
    # register owns the one transaction, opened after its encryption and hashing.
    return services.register(
        actor=CitizenActor(),
        body=office,
        channel=s.channel,
        content_type=s.content_type,
        title=s.title,
        text=s.body,
        place=division,
        address=s.address,
        category=category,
        parties=parties,
        public_consent=s.public_consent,
        attachments=attachments,
        hits=hits,
        rows_with=rows_with,
        on_registered=on_registered,
        durable=True,
    )


def find(tracking_code: str, password: str, *, ip: str) -> Case:
    """The case a tracking code and query password open. The same answer for a wrong code and
    a wrong password. Failures are limited per tracking code, from whatever address (so guessing
    one case's password from many addresses gets nowhere), and per address (a flood guard high
    enough not to lock out a shared network)."""
    for name, value in (("tracking_code", tracking_code), ("password", password)):
        problem = validation.text_problem(value or "", max_length=64)
        if problem:
            raise InvalidInput(problem, fields={name: [problem]})
    limits = _limits()
    ip_limit, ip_window = limits["lookup_failures"]
    code_limit, code_window = limits["lookup_code_failures"]
    ip_key, code_key = f"lookup:ip:{ip}", _code_key(tracking_code)
    ratelimit.check(
        ip_key,
        limit=ip_limit,
        per_seconds=ip_window,
        message=_("Too many failed look-ups; try again in 15 minutes"),
    )
    ratelimit.check(
        code_key,
        limit=code_limit,
        per_seconds=code_window,
        message=_(
            "Too many wrong passwords for this tracking code today; try again tomorrow or call "
            "the petition office"
        ),
    )
    try:
        return services.open_for_citizen(tracking_code, password or "")
    except NotFound:
        ratelimit.hit(ip_key, limit=ip_limit + 1, per_seconds=ip_window)
        ratelimit.hit(code_key, limit=code_limit + 1, per_seconds=code_window)
        raise


# The portal has pages of its own for these; any other move the portal offers gets a form
# drawn from its declared inputs.
OWN_PAGES = frozenset({"rate", "request_review", "request_rereview", "add_material"})


@dataclass
class Tracked:
    """What the citizen sees of a case."""

    case: Case
    state_label: str
    clocks: list[dict]
    timeline: list[dict]
    can_rate: bool
    review_move: str  # "request_review", "request_rereview" or "" when neither is open
    other_moves: list[workflow.Move]  # further moves the petitioner may make now
    rating_status: selectors.ratings.RatingStatus | None = None

    @property
    def can_request_review(self) -> bool:
        return bool(self.review_move)


def review_move_for(case: Case) -> str:
    """After a review decision a review request means re-review (W35, W36)."""
    return "request_rereview" if case.state == S.REVIEW_DECIDED else "request_review"


def track(case: Case, *, on: dt.date | None = None) -> Tracked:
    actor = CitizenActor(case.pk)
    moves = {m.name for m in services.available_moves(actor, case)}
    review = review_move_for(case)
    return Tracked(
        case=case,
        state_label=str(STATE_LABELS[case.state]),
        clocks=selectors.citizen_clock_entries(case, on),
        timeline=selectors.timeline_entries(case, for_citizen=True),
        can_rate="rate" in moves,
        review_move=review if review in moves else "",
        other_moves=[
            m
            for m in workflow.moves_on(workflow.PORTAL)
            if m.name in moves and m.name not in OWN_PAGES
        ],
        rating_status=selectors.rating_status(case, on=on),
    )


def rate(case: Case, *, rating: str, comment: str = "") -> Case:
    return services.make_citizen_move(
        case=case, move="rate", payload={"rating": rating, "comment": comment}
    )


def ask_for_review(case: Case, *, reasons: str) -> Case:
    """Review, or re-review after a review decision, by the superior body."""
    return services.make_citizen_move(
        case=case, move=review_move_for(case), payload={"reasons": reasons}
    )


def make_move(case: Case, *, move: str, payload: dict) -> Case:
    """Any move the portal offers, with the values the petitioner posted."""
    if PORTAL not in workflow.get_move(move).pages:
        raise NotFound(_("Unknown move: %(name)s") % {"name": move})
    return services.make_citizen_move(case=case, move=move, payload=payload)


def add_material(case: Case, *, message: str, files: Iterable[services.AttachmentInput] = ()):
    """A message and files added to the petitioner's open case (limits and types checked by
    the service); one transaction."""
    from django.db import transaction

    with transaction.atomic(durable=True):
        return services.add_material_with_files(
            case=case, actor=CitizenActor(case.pk), message=message, attachments=files
        )


def may_add_material(case: Case) -> bool:
    return case.state in workflow.OPEN
