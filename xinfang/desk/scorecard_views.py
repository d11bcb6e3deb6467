"""Scorecards (考核评价) of bodies and townships: reading, and publishing a period (locks it)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from xinfang.cases import access
from xinfang.core.errors import ApplicationError
from xinfang.core.timeutil import today
from xinfang.insights import scorecards as sc
from xinfang.insights.models import Measure, Scorecard
from xinfang.insights.selectors import windows

from .navigation import page_required

COLUMNS = [(str(m), m.label) for m in Measure]


def _window(params) -> windows.Window:
    day = today()
    try:
        y = int(params.get("year") or day.year)
        if params.get("period") == "quarter":
            return windows.quarter(y, int(params.get("quarter") or (day.month - 1) // 3 + 1))
        return windows.month(y, int(params.get("month") or day.month))
    except (TypeError, ValueError):
        return windows.month(day.year, day.month)


def _unit(params) -> str:
    return Scorecard.TOWNSHIP if params.get("unit") == Scorecard.TOWNSHIP else Scorecard.BODY


@require_GET
@page_required("scorecards")
def scorecards(request):
    w, unit = _window(request.GET), _unit(request.GET)
    card = sc.card(request.user, w, unit)
    rows = [
        {"line": ln, "cells": [(label, ln.values.get(k)) for k, label in COLUMNS]}
        for ln in card.lines
    ]
    return render(
        request,
        "desk/insights/scorecards.html",
        {
            "card": card,
            "rows": rows,
            "columns": COLUMNS,
            "unit": unit,
            "period": w.kind,
            "year": w.start.year,
            "month": w.start.month,
            "quarter": (w.start.month - 1) // 3 + 1,
            "months": range(1, 13),
            "quarters": range(1, 5),
            "export_query": f"unit={unit}&period={w.kind}&year={w.start.year}"
            f"&month={w.start.month}&quarter={(w.start.month - 1) // 3 + 1}",
            "may_publish": access.may_publish_scorecards(request.user) and not card.published,
            "weights": [(label, card.weights.get(k, 0)) for k, label in COLUMNS],
        },
    )


@require_POST
@page_required("scorecards")
def publish(request):
    if not access.may_publish_scorecards(request.user):
        raise PermissionDenied(_("Only supervisors and leaders publish scorecards."))
    w, unit = _window(request.POST), _unit(request.POST)
    try:
        sc.publish(user=request.user, window=w, unit=unit)
        messages.success(
            request,
            _("The scorecard of %(period)s is published and locked.") % {"period": w.label()},
        )
    except ApplicationError as e:
        messages.error(request, str(e.message))
    q = f"unit={unit}&period={w.kind}&year={w.start.year}&month={w.start.month}"
    q += f"&quarter={(w.start.month - 1) // 3 + 1}"
    return redirect(f"{reverse('desk:scorecards')}?{q}")
