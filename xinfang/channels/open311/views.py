"""GeoReport v2 endpoints under /open311/v2/ (docs/systems.md, "Open311")."""

from __future__ import annotations

from django.db import InterfaceError, OperationalError
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from xinfang.core.errors import ApplicationError, InvalidInput

from . import georeport, render
from .keys import key_for


def _guarded(view):
    """Errors in the specification's shape, in the format asked for."""

    def wrapped(request, *args, fmt: str, **kwargs):
        try:
            return view(request, *args, fmt=fmt, **kwargs)
        except georeport.Open311Error as exc:
            return render.error(fmt, exc.code, exc.description)
        except InvalidInput as exc:
            detail = georeport.problems(exc.fields) if exc.fields else ""
            return render.error(fmt, 400, f"{exc.message}{'：' + detail if detail else ''}")
        except ApplicationError as exc:
            return render.error(fmt, exc.http_status, str(exc.message))
        except (OperationalError, InterfaceError):
            response = render.error(
                fmt, 503, _("The service is briefly unavailable; try again in a moment.")
            )
            response["Retry-After"] = "5"
            return response

    wrapped.__name__ = view.__name__
    return wrapped


def _date(request, name: str):
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    value = parse_datetime(raw.replace(" ", "+"))
    if value is None or value.tzinfo is None:
        raise georeport.Open311Error(
            400, _("%(name)s must be an ISO 8601 date and time with its time zone") % {"name": name}
        )
    return value


@require_GET
@_guarded
def services(request, *, fmt: str):
    division = georeport.jurisdiction(request.GET.get("jurisdiction_id"))
    return render.respond(fmt, "services", georeport.services(division))


@require_GET
@_guarded
def service_definition(request, code: str, *, fmt: str):
    georeport.jurisdiction(request.GET.get("jurisdiction_id"))
    return render.respond(fmt, "service_definition", georeport.service_definition(code))


@csrf_exempt
@require_http_methods(["GET", "POST"])
@_guarded
def requests(request, *, fmt: str):
    if request.method == "POST":
        key = key_for(request.POST.get("api_key", ""))
        if key is None:
            raise georeport.Open311Error(403, _("api_key was not provided or is not valid"))
        division = georeport.jurisdiction(request.POST.get("jurisdiction_id"), required=True)
        answer = georeport.submit(request.POST, division=division, client=f"open311:{key.prefix}")
        return render.respond(fmt, "requests", answer)
    division = georeport.jurisdiction(request.GET.get("jurisdiction_id"))
    ids = [i.strip() for i in request.GET.get("service_request_id", "").split(",") if i.strip()]
    found = georeport.requests(
        division,
        ids=ids,
        service_code=request.GET.get("service_code", "").strip(),
        start=_date(request, "start_date"),
        end=_date(request, "end_date"),
        status=request.GET.get("status", "").strip(),
    )
    return render.respond(fmt, "requests", found)


@require_GET
@_guarded
def one_request(request, number: str, *, fmt: str):
    division = georeport.jurisdiction(request.GET.get("jurisdiction_id"))
    return render.respond(fmt, "requests", georeport.one_request(number, division))


@require_GET
@_guarded
def discovery(request, *, fmt: str):
    """The service discovery file the specification asks every GeoReport server to have."""
    base = request.build_absolute_uri("/open311/v2/")
    return render.respond(
        fmt,
        "discovery",
        {
            "changeset": "2026-12-04T00:00:00Z",
            "contact": _("The petition office of the jurisdiction"),
            "key_service": _("API keys are issued by the petition office"),
            "endpoints": [
                {
                    "specification": "http://wiki.open311.org/GeoReport_v2",
                    "url": base.rstrip("/"),
                    "changeset": "2026-12-04T00:00:00Z",
                    "type": "production",
                    "formats": ["text/xml", "application/json"],
                }
            ],
        },
    )
