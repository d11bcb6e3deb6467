"""The 12345 hotline at the desk: the three rates of 接诉即办, the recent work orders, and the
phone intake form, which registers through the same service as the platform's signed push."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from xinfang.cases import access
from xinfang.channels import selectors
from xinfang.channels.rates import hotline_rates
from xinfang.channels.services import OrderInput, receive_order
from xinfang.core.errors import ApplicationError, apply_to_form
from xinfang.core.timeutil import today

from .hotline_forms import PhoneIntakeForm
from .navigation import page_required

RECENT = 30
# The service's field names → the form's.
ALIASES = {
    "caller.phone": "caller_phone",
    "petitioner.phone": "caller_phone",
    "petitioner.name": "caller_name",
    "body": "content",
}


def percent(share: float | None) -> float | None:
    return None if share is None else round(share * 100, 1)


@page_required("hotline")
def hotline(request):
    orders = selectors.orders_visible_to(request.user)
    recent = orders.select_related("case", "platform").order_by("-received_at")[:RECENT]
    rates = hotline_rates(orders, day=today())
    return render(
        request,
        "desk/hotline/page.html",
        {
            "rates": rates,
            "tiles": [
                (
                    "response",
                    _("Response rate"),
                    percent(rates.response_rate),
                    rates.responded,
                    rates.judged,
                ),
                (
                    "solved",
                    _("Solved rate"),
                    percent(rates.solved_rate),
                    rates.solved,
                    rates.called_back,
                ),
                (
                    "satisfied",
                    _("Satisfaction rate"),
                    percent(rates.satisfaction_rate),
                    rates.satisfied,
                    rates.called_back,
                ),
            ],
            "recent": recent,
            "may_take_calls": access.may_use_intake(request.user),
        },
    )


@page_required("hotline")
def phone_intake(request):
    office = access.intake_office(request.user)
    if office is None:
        raise PermissionDenied(_("Only intake clerks may use the intake desk."))
    platforms = list(selectors.platforms_for(access.intake_offices(request.user)))
    form = PhoneIntakeForm(request.POST or None, platforms=platforms)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        platform = form.platforms[d["platform"]]
        order = OrderInput(
            order_number=d["order_number"],
            caller_name=d["caller_name"],
            caller_phone=d["caller_phone"],
            call_time=d["call_time"],
            content=d["content"],
            urgency=d["urgency"],
            content_type=d["content_type"],
            title=d["title"],
            address=d["address"],
        )
        try:
            received = receive_order(
                platform=platform, order=order, actor=request.user, body=platform.body
            )
        except ApplicationError as e:
            apply_to_form(form, e, ALIASES)
        else:
            case = received.order.case
            if received.created:
                messages.success(
                    request,
                    _("Work order %(order)s registered as case %(number)s.")
                    % {"order": received.order.order_number, "number": case.number},
                )
            else:
                messages.info(
                    request,
                    _("Work order %(order)s was already registered as case %(number)s.")
                    % {"order": received.order.order_number, "number": case.number},
                )
            return redirect(reverse("desk:case", args=[case.number]))
    return render(
        request,
        "desk/hotline/phone.html",
        {"form": form, "office": office, "platforms": platforms},
    )
