"""Reception days for citizens: the published days and reception phones, booking a place,
cancelling it. Thin over reception.services."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from xinfang.cases import citizen
from xinfang.cases import services as case_services
from xinfang.cases.access import CitizenActor
from xinfang.core.errors import ApplicationError, InvalidInput, NotFound, apply_to_form
from xinfang.core.ratelimit import RateLimited, client_ip
from xinfang.reception import selectors
from xinfang.reception import services as reception
from xinfang.reception.models import Appointment

from . import browser_pass
from .reception_forms import FOR_CASE, BookingForm
from .views import _channel, _mark_invalid


def calendar(request):
    return render(
        request,
        "portal/reception.html",
        {"days": selectors.published_days(), "phones": selectors.reception_phones()},
    )


@never_cache
def book(request, day_id: int):
    try:
        day = selectors.published_day(day_id)
    except NotFound:
        raise Http404 from None
    form = BookingForm(request.POST or None, day=day)
    status = 200
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        receipt = None
        try:
            if d["matter"] == FOR_CASE:
                a = reception.book_existing(
                    day_id=day.pk,
                    tracking_code=d["tracking_code"],
                    password=d["password"],
                    mode=d["mode"],
                    ip=client_ip(request),
                )
            else:
                a, reg = reception.book_new_matter(
                    day_id=day.pk,
                    submission=citizen.Submission(
                        content_type="appeal",
                        title=d["title"],
                        body=d["body"],
                        division_code=day.office.division_id,
                        petitioner=case_services.PartyInput(name=d["name"], phone=d["phone"]),
                        channel=_channel(request),
                    ),
                    mode=d["mode"],
                    ip=client_ip(request),
                )
                receipt = {
                    "number": reg.case.number,
                    "tracking_code": reg.tracking_code,
                    "password": reg.query_password,
                }
        except NotFound:
            form.add_error(None, _("The tracking code or the query password is not right."))
            status = 404
        except RateLimited as exc:
            form.add_error(None, str(exc.message))
            status = 429
        except InvalidInput as exc:
            apply_to_form(form, exc, {"petitioner.name": "name", "petitioner.phone": "phone"})
            status = 422
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
            status = exc.http_status
        else:
            browser_pass.of(request).admit(a.case_id, receipt=receipt, booked=a.pk)
            return redirect("portal:reception_booked")
    elif request.method == "POST":
        status = 422
    _mark_invalid(form)
    return render(request, "portal/reception_book.html", {"day": day, "form": form}, status=status)


def _mine(request):
    ids = browser_pass.granted(request)
    return Appointment.objects.filter(case_id__in=ids).select_related("day", "case", "station")


@never_cache
def booked(request):
    """The booking just made (with a new matter's receipt, shown once) and the petitioner's other
    appointments for the cases this browser proved access to."""
    proof = browser_pass.of(request)
    just = proof.take_booked()
    receipt = proof.take_receipt() if just else None
    rows = [
        {"a": a, "link": reception.appointment_link(a), "new": a.pk == just}
        for a in _mine(request).order_by("-day__day", "-pk")[:20]
    ]
    return render(request, "portal/reception_booked.html", {"rows": rows, "receipt": receipt})


@require_POST
def cancel(request, appointment_id: int):
    a = _mine(request).filter(pk=appointment_id).first()
    if a is None:
        raise Http404
    try:
        reception.cancel(appointment=a, actor=CitizenActor(case_id=a.case_id))
    except ApplicationError:
        pass
    return redirect("portal:reception_booked")
