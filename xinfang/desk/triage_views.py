"""Triage advice on the intake desk: the suggestion panel (HTMX), the comparison on the check
page, and the clerk's choice recorded beside the advice once the case is saved or routed.

Triage only advises: these helpers never change a case.
"""

from __future__ import annotations

import logging

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from xinfang.cases import workflow
from xinfang.orgs.models import Body, Division
from xinfang.orgs.selectors import within_q
from xinfang.taxonomy.selectors import leaf_by_code
from xinfang.triage import suggest as triage

from .intake_views import intake_required

logger = logging.getLogger("xinfang.desk")


def _rows(advice: triage.Advice, office, chosen: dict | None = None) -> list[dict]:
    """One row per suggested field: what, how sure, and how to apply it (or how it compares)."""
    rows = []
    in_area = False
    if advice.place:
        in_area = Division.objects.filter(
            within_q("", office.division), code=advice.place.code
        ).exists()
    fields = [
        ("content_type", _("Content type"), advice.content_type, "id_content_type"),
        ("level1", _("Level-1 category"), advice.level1, ""),
        ("leaf", _("Category"), advice.leaf, ""),
    ]
    for key, label, guess, field_id in fields:
        row = {"key": key, "label": label, "guess": guess, "field_id": field_id}
        if guess is not None:
            row["percent"] = round(guess.confidence * 100)
        if chosen is not None and key in chosen:
            row["same"] = guess is not None and guess.value == chosen[key]
        rows.append(row)
    place = advice.place
    rows.append(
        {
            "key": "place",
            "label": _("Place"),
            "place": place,
            "field_id": "id_place" if in_area else "",
            "same": (place is not None and place.code == chosen["place"])
            if chosen is not None
            else None,
        }
    )
    return rows


def panel_context(advice: triage.Advice, office, chosen: dict | None = None) -> dict:
    return {
        "advice": advice,
        "rows": _rows(advice, office, chosen),
        "threshold_percent": round(advice.threshold * 100),
        "compare": chosen is not None,
    }


@require_GET
@intake_required
def suggest_panel(request, office):
    """HTMX partial: advice for the title, body and address typed so far. Saves nothing."""
    title = request.GET.get("title", "")[:200]
    body = request.GET.get("body", "")[:20000]
    address = request.GET.get("address", "")[:200]
    context = {"empty": not (title.strip() or body.strip())}
    if not context["empty"]:
        advice = triage.suggest(title, body, address, within=office.division)
        context.update(panel_context(advice, office))
    return render(request, "desk/triage/_panel.html", context)


def check_context(office, data: dict, category) -> dict:
    """The advice beside what the clerk entered, for the check page."""
    advice = triage.suggest(data["title"], data["body"], data["address"], within=office.division)
    chosen = {
        "content_type": data["content_type"],
        "leaf": category.code if category else "",
        "level1": category.full_name.split("/")[0] if category else "",
        "place": data["place"],
    }
    return panel_context(advice, office, chosen)


def record_registration(request, office, form, case) -> None:
    """After services.register: store the advice as shown and the clerk's choice beside it."""
    data = form.cleaned_data
    try:
        advice = triage.suggest(
            data["title"], data["body"], data["address"], within=office.division
        )
        row = triage.record_suggestion(data["title"], data["body"], data["address"], advice)
        category = form.category_obj
        triage.record_choice(
            row.pk,
            case,
            chosen_by=request.user,
            content_type=data["content_type"],
            leaf_code=category.code if category else "",
            division_code=data["place"],
        )
    except Exception:
        # The case is registered all the same; the advice record is a by-product.
        logger.exception("could not record the triage suggestion of case %s", case.pk)


def route_advice(case, office) -> tuple[triage.Advice, Body | None]:
    """The advice for a registered case and the body it suggests: the route page's source,
    the same as the intake panel's and the API's."""
    advice = triage.advice_for_case(case, within=office.division)
    body = Body.objects.filter(pk=advice.body_id).first() if advice.body_id else None
    return advice, body


def recorded_context(case) -> dict:
    """What was suggested at registration and whether the clerk followed it (case pages)."""
    row = triage.suggestion_for_case(case)
    if row is None:
        return {"recorded": None}
    leaf = leaf_by_code(row.leaf_code) if row.leaf_code else None
    place = Division.objects.filter(code=row.division_code).first() if row.division_code else None
    labels = {key: str(label) for key, label in workflow.CONTENT_TYPES.items()}
    return {
        "recorded": row,
        "content_type_label": labels.get(row.content_type, ""),
        "chosen_content_type_label": labels.get(row.chosen_content_type, ""),
        "chosen_leaf": leaf_by_code(row.chosen_leaf_code) if row.chosen_leaf_code else None,
        "recorded_leaf": leaf,
        "recorded_place": place,
        "accepted": row.accepted or {},
    }
