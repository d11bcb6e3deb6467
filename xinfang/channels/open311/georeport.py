"""What the GeoReport v2 resources say, as plain dicts; `render` writes them as JSON or XML.

Services: the active taxonomy's leaves, each with the body the routing rules name for it in the
jurisdiction. Requests: the cases that may be published (cases/selectors/public.py), anonymised
as the public board shows them: no names, phone numbers or exact addresses; the place is the
division's name. Reports of misconduct never appear."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from xinfang.cases import citizen
from xinfang.cases.models import Case
from xinfang.cases.selectors.public import mask_text, published_cases
from xinfang.cases.services import PartyInput
from xinfang.orgs.models import Division
from xinfang.orgs.selectors import division_by_code, within_q
from xinfang.taxonomy.models import Category, RoutingRule
from xinfang.taxonomy.selectors import active_version, leaf_by_code, leaves

# Requests answered per call; the specification lets a server answer fewer than 1000.
MAX_REQUESTS = 200
DEFAULT_DAYS = 90
DESCRIPTION_LIMIT = 4000


class Open311Error(Exception):
    """An error in the specification's shape: its HTTP code and description."""

    def __init__(self, code: int, description: str):
        super().__init__(description)
        self.code = code
        self.description = description


def jurisdiction(code: str | None, *, required: bool = False) -> Division | None:
    if not code:
        if required:
            raise Open311Error(400, _("jurisdiction_id was not provided"))
        return None
    division = division_by_code(code)
    if division is None:
        raise Open311Error(404, _("jurisdiction_id provided was not found"))
    return division


class _Agencies:
    """Body name per category code, from the routing rules that apply in a division: the
    deepest division wins, then the deepest category, then a rule for any category."""

    def __init__(self, division: Division | None):
        self.chain = [d.code for d in division.ancestors()] if division is not None else []
        rules = RoutingRule.objects.filter(
            division_id__in=self.chain, body__is_active=True
        ).select_related("body", "category")
        self.names = {
            (r.division_id, r.category.code if r.category_id else None): r.body.name for r in rules
        }

    def name(self, code: str) -> str:
        for d in self.chain:
            for c in (code, code[:4], code[:2], None):
                if (d, c) in self.names:
                    return self.names[(d, c)]
        return ""


def _service(leaf: Category, tops: dict[str, Category], agencies: _Agencies) -> dict:
    agency = agencies.name(leaf.code)
    return {
        "service_code": leaf.code,
        "service_name": leaf.name,
        "description": leaf.full_name + (f"（{agency}）" if agency else ""),
        "metadata": False,
        "type": "batch",
        "keywords": tops[leaf.code[:4]].name if leaf.code[:4] in tops else "",
        "group": tops[leaf.code[:2]].name if leaf.code[:2] in tops else "",
        "agency_responsible": agency,
    }


def services(division: Division | None) -> list[dict]:
    version = active_version()
    if version is None:
        return []
    tops = {c.code: c for c in Category.objects.filter(version=version, level__lt=3)}
    agencies = _Agencies(division)
    return [_service(leaf, tops, agencies) for leaf in leaves(version)]


def service_definition(code: str) -> dict:
    if leaf_by_code(code) is None:
        raise Open311Error(404, _("service_code provided was not found"))
    return {"service_code": code, "attributes": []}


def _w3c(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def _request(case: Case) -> dict:
    names = [p.name for p in case.parties.all()]
    handle = next(
        (c.due_on for c in case.clocks.all() if c.period == "handle" and c.status != "stopped"),
        None,
    )
    expected = timezone.make_aware(dt.datetime.combine(handle, dt.time(17, 0))) if handle else None
    return {
        "service_request_id": case.number,
        "status": "open" if case.is_open else "closed",
        "status_notes": str(case.state_label),
        "service_name": case.category.name if case.category_id else "",
        "service_code": case.category.code if case.category_id else "",
        "description": mask_text(case.body, names)[:DESCRIPTION_LIMIT],
        "agency_responsible": case.holder_body.name,
        "service_notice": "",
        "requested_datetime": _w3c(case.registered_at),
        "updated_datetime": _w3c(case.updated_at),
        "expected_datetime": _w3c(expected),
        "address": case.place.name,
        "address_id": "",
        "zipcode": "",
        "lat": None,
        "long": None,
        "media_url": "",
    }


def _published(division: Division | None):
    qs = (
        published_cases()
        .exclude(number__startswith="~")
        .select_related("category", "place", "holder_body")
        .prefetch_related("parties", "clocks")
    )
    return qs.filter(within_q("place", division)) if division is not None else qs


def requests(
    division: Division | None,
    *,
    ids: list[str] | None = None,
    service_code: str = "",
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    status: str = "",
) -> list[dict]:
    qs = _published(division)
    if ids:
        qs = qs.filter(number__in=ids[:MAX_REQUESTS])
    else:
        if start is None and end is None:
            start = timezone.now() - dt.timedelta(days=DEFAULT_DAYS)
        if start is not None:
            qs = qs.filter(registered_at__gte=start)
        if end is not None:
            qs = qs.filter(registered_at__lte=end)
        if service_code:
            qs = qs.filter(category__code__in=service_code.split(","))
        if status:
            from xinfang.cases.workflow import OPEN

            wanted = {s.strip() for s in status.split(",")}
            if not wanted <= {"open", "closed"}:
                raise Open311Error(400, _("status must be open or closed"))
            if wanted == {"open"}:
                qs = qs.filter(state__in=OPEN)
            elif wanted == {"closed"}:
                qs = qs.exclude(state__in=OPEN)
    return [_request(c) for c in qs.order_by("-registered_at", "-pk")[:MAX_REQUESTS]]


def one_request(number: str, division: Division | None) -> list[dict]:
    case = _published(division).filter(number=number).first()
    if case is None:
        raise Open311Error(404, _("service_request_id provided was not found"))
    return [_request(case)]


def submit(params, *, division: Division, client: str) -> list[dict]:
    """POST requests: a petition through the citizen's submit use case."""
    code = (params.get("service_code") or "").strip()
    if not code:
        raise Open311Error(400, _("service_code was not provided"))
    leaf = leaf_by_code(code)
    if leaf is None:
        raise Open311Error(404, _("service_code provided was not found"))
    address = (params.get("address_string") or "").strip()
    lat, lon = (params.get("lat") or "").strip(), (params.get("long") or "").strip()
    if not (address or (lat and lon) or params.get("address_id")):
        raise Open311Error(
            400, _("a location is needed: lat and long, address_string or address_id")
        )
    description = (params.get("description") or "").strip()
    if not description:
        raise Open311Error(400, _("description was not provided"))
    name = f"{params.get('last_name', '')}{params.get('first_name', '')}".strip()
    phone = (params.get("phone") or "").strip()
    email = (params.get("email") or "").strip()
    first_line = description.splitlines()[0]
    submission = citizen.Submission(
        # A named person with a way to reach them asks for an answer; anyone else suggests.
        content_type="appeal" if name and (phone or email) else "suggestion",
        title=f"{leaf.name}：{first_line[:60]}",
        body=description[:DESCRIPTION_LIMIT],
        division_code=division.code,
        category=code,
        address=address or (f"{lat},{lon}" if lat and lon else ""),
        petitioner=PartyInput(name=name, phone=phone, email=email),
        public_consent=False,
        channel="web",
    )
    reg = citizen.submit(submission, ip=client)
    return [
        {
            "service_request_id": reg.case.number,
            "service_notice": _(
                "Registered. Follow it with tracking code %(code)s and its query password."
            )
            % {"code": reg.tracking_code},
            "account_id": None,
            # Beyond the specification: the citizen follows the case with these.
            "tracking_code": reg.tracking_code,
            "query_password": reg.query_password,
        }
    ]


def problems(fields: dict) -> str:
    return "; ".join(f"{k}: {' '.join(str(m) for m in v)}" for k, v in fields.items())
