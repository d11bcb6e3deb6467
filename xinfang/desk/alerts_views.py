"""Early warnings about issues (/desk/alerts/): the alerts of the reader's area, each opening
the cases behind its count; supervisors and leaders acknowledge or close them with a note."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from xinfang.cases import access
from xinfang.cases.access import cases_visible_to
from xinfang.core.errors import ApplicationError, NotFound
from xinfang.insights.alerts import services
from xinfang.insights.alerts.notice import category_name
from xinfang.insights.alerts.words import describe
from xinfang.insights.models import Alert

from .navigation import page_required

SHOW = {"open": [Alert.NEW, Alert.ACKNOWLEDGED], "closed": [Alert.CLOSED]}


def _row(alert: Alert) -> dict:
    return {
        "alert": alert,
        "category": category_name(alert.category_code) if alert.category_code else "",
        "week_end": alert.week + dt.timedelta(days=6),
        "method": describe(alert),
    }


@require_GET
@page_required("alerts")
def alert_list(request):
    show = request.GET.get("show", "open")
    qs = services.alerts_visible_to(request.user)
    if show in SHOW:
        qs = qs.filter(status__in=SHOW[show])
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "desk/insights/alerts.html",
        {
            "rows": [_row(a) for a in page.object_list],
            "page": page,
            "show": show,
            "query": f"show={show}",
        },
    )


def _alert(user, pk: int) -> Alert:
    alert = services.alerts_visible_to(user).filter(pk=pk).first()
    if alert is None:
        raise Http404
    return alert


@require_GET
@page_required("alerts")
def alert_detail(request, pk: int):
    alert = _alert(request.user, pk)
    # The cases behind the count, as far as the reader may see them (a report stays hidden
    # from the body it accuses).
    cases = (
        cases_visible_to(request.user)
        .filter(pk__in=alert.cases.values("pk"))
        .select_related("holder_body")
        .order_by("-registered_at", "-pk")
    )
    page = Paginator(cases, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "desk/insights/alert.html",
        {
            **_row(alert),
            "page": page,
            "query": "",
            "hidden": alert.cases.count() - page.paginator.count,
            "may_act": access.may_oversee(request.user) and alert.status != Alert.CLOSED,
        },
    )


@require_POST
@page_required("alerts")
def alert_handle(request, pk: int):
    status = request.POST.get("status", "")
    try:
        services.do_handle(
            user=request.user, alert_id=pk, status=status, note=request.POST.get("note", "")
        )
    except NotFound:
        raise Http404 from None
    except ApplicationError as e:
        messages.error(request, str(e.message))
        return redirect("desk:alert", pk=pk)
    done = _("The early warning is acknowledged.") if status == Alert.ACKNOWLEDGED else None
    messages.success(request, done or _("The early warning is closed."))
    return redirect("desk:alert", pk=pk)
