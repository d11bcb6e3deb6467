"""Intake desk: register letters, visits, calls, faxes, video sessions and grid reports; check for
repeats before saving; sort and route within the 15-day window (W17-W22).

Views stay thin: every write goes through xinfang.cases.services, every read through selectors.
"""

from __future__ import annotations

import functools
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from xinfang.cases import access, services, workflow
from xinfang.cases import selectors as case_selectors
from xinfang.cases.models import Case, Clock, Party
from xinfang.core.errors import ApplicationError, NotFound, StorageFull, apply_to_form
from xinfang.orgs.models import Body, Division
from xinfang.taxonomy.selectors import leaf_by_code, leaves
from xinfang.triage import selectors as triage_selectors

from . import intake_forms as f
from . import moves as desk_moves
from . import print_views
from .services import DRAFT_ROOT, SESSION_DRAFTS

DRAFTS = SESSION_DRAFTS
MAX_DRAFTS = 20
LIST_PAGE = 50


# ---------------------------------------------------------------------------------------------
# Access


def intake_required(view):
    """Logged in and an intake clerk somewhere; the view gets the clerk's office."""

    @login_required
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        office = access.intake_office(request.user)
        if office is None:
            raise PermissionDenied(_("Only intake clerks may use the intake desk."))
        return view(request, office, *args, **kwargs)

    return wrapper


# ---------------------------------------------------------------------------------------------
# Drafts: what the clerk typed and the scans accepted so far, kept until the case is saved.


def _drafts(request) -> dict:
    return request.session.setdefault(DRAFTS, {})


def _get_draft(request, draft_id: str) -> dict | None:
    return _drafts(request).get(draft_id or "")


def _new_draft(request, channel: str) -> tuple[str, dict]:
    drafts = _drafts(request)
    while len(drafts) >= MAX_DRAFTS:
        _drop_draft(request, next(iter(drafts)))
    draft_id = uuid.uuid4().hex
    drafts[draft_id] = {"channel": channel, "data": {}, "files": [], "ready": False}
    request.session.modified = True
    return draft_id, drafts[draft_id]


def _drop_draft(request, draft_id: str) -> None:
    draft = _drafts(request).pop(draft_id, None)
    request.session.modified = True
    for item in (draft or {}).get("files", []):
        default_storage.delete(item["path"])


def _save_upload(draft_id: str, draft: dict, upload, mime: str) -> None:
    path = default_storage.save(f"{DRAFT_ROOT}/{draft_id}/{uuid.uuid4().hex[:8]}", upload)
    draft["files"].append(
        {"name": upload.name[:200], "mime": mime, "size": upload.size, "path": path}
    )


def _raw(querydict) -> dict[str, list[str]]:
    return {k: v for k, v in querydict.lists() if k not in ("csrfmiddlewaretoken", "action")}


def _querydict(raw: dict[str, list[str]]):
    from django.http import QueryDict

    q = QueryDict(mutable=True)
    for k, values in raw.items():
        q.setlist(k, values)
    return q


def _bind(draft: dict, office: Body, data=None, *, extra_rep: bool = False):
    """The registration form and, for visits, the representatives formset, bound to `data`."""
    channel = draft["channel"]
    data = data if data is not None else (_querydict(draft["data"]) if draft["data"] else None)
    form = f.RegistrationForm(data, channel=channel, office=office, has_files=bool(draft["files"]))
    reps = None
    if channel == "visit":
        if data is None:
            reps = f.RepresentativeFormSet(prefix="rep", initial=[{}, {}])
        else:
            data = data.copy()
            total = data.get("rep-TOTAL_FORMS") or "0"
            total = int(total) if total.isdigit() else 0
            data["rep-TOTAL_FORMS"] = str(total + 1 if extra_rep else total)
            data.setdefault("rep-INITIAL_FORMS", "0")
            reps = f.RepresentativeFormSet(data, prefix="rep")
    return form, reps


def _category_results(query: str, selected: str = ""):
    found = []
    chosen = leaf_by_code(selected) if selected else None
    if chosen:
        found.append(chosen)
    query = (query or "").strip()
    if query:
        found += [c for c in leaves().filter(full_name__icontains=query)[:20] if c != chosen]
    return found


# ---------------------------------------------------------------------------------------------
# Step 1: the form


def _channels():
    return [(c, workflow.CHANNELS[c]) for c in f.DESK_CHANNELS]


def _render_form(
    request, office, draft_id, draft, form, reps, *, show_errors, file_errors=(), status=200
):
    category_query = form["category_q"].value() or ""
    return render(
        request,
        "desk/intake/form.html",
        {
            "office": office,
            "channel": draft["channel"],
            "channel_label": workflow.CHANNELS[draft["channel"]],
            "channels": _channels(),
            "draft_id": draft_id,
            "files": draft["files"],
            "form": form,
            "reps": reps,
            "show_errors": show_errors,
            "file_errors": list(file_errors),
            "category_results": _category_results(category_query, form["category"].value() or ""),
            "max_reps": services.MAX_REPRESENTATIVES,
            "max_mb": f.MAX_FILE_BYTES // (1024 * 1024),
            "oral": draft["channel"] in f.ORAL_CHANNELS,
        },
        status=status,
    )


@intake_required
def intake_form(request, office):
    if request.method == "POST":
        return _post_form(request, office)
    draft_id = request.GET.get("draft", "")
    draft = _get_draft(request, draft_id)
    if draft is None:
        channel = request.GET.get("channel", "letter")
        if channel not in f.DESK_CHANNELS:
            channel = "letter"
        draft_id, draft = "", {"channel": channel, "data": {}, "files": []}
    form, reps = _bind(draft, office)
    # A draft coming back from the check step shows its problems, if any.
    return _render_form(request, office, draft_id, draft, form, reps, show_errors=bool(draft_id))


def _post_form(request, office):
    draft_id = request.POST.get("draft", "")
    draft = _get_draft(request, draft_id)
    if draft is None:
        channel = request.POST.get("channel", "letter")
        if channel not in f.DESK_CHANNELS:
            raise Http404
        draft_id, draft = _new_draft(request, channel)
    remove = set(request.POST.getlist("remove_file"))
    for item in [x for x in draft["files"] if x["path"] in remove]:
        default_storage.delete(item["path"])
        draft["files"].remove(item)
    file_errors = []
    for upload in request.FILES.getlist("files"):
        if len(draft["files"]) >= f.MAX_FILES:
            file_errors.append(_("At most %(n)s files per case.") % {"n": f.MAX_FILES})
            break
        mime, problem = f.check_upload(upload)
        if not mime:
            file_errors.append(problem)
            continue
        try:
            _save_upload(draft_id, draft, upload, mime)
        except StorageFull as exc:
            file_errors.append(str(exc.message))  # the typed form is kept in the draft
            break
    draft["data"] = _raw(request.POST)
    draft["ready"] = False
    request.session.modified = True
    action = request.POST.get("action", "check")
    form, reps = _bind(draft, office, request.POST, extra_rep=action == "add_rep")
    if action != "check":
        # Adding a row or searching categories: show the form again, no complaints yet.
        return _render_form(
            request, office, draft_id, draft, form, reps, show_errors=False, file_errors=file_errors
        )
    valid = form.is_valid() & (reps is None or reps.is_valid())
    if not valid or file_errors:
        return _render_form(
            request,
            office,
            draft_id,
            draft,
            form,
            reps,
            show_errors=True,
            file_errors=file_errors,
            status=422,
        )
    draft["ready"] = True
    request.session.modified = True
    return redirect("desk:intake_check", draft_id=draft_id)


@require_GET
@intake_required
def categories(request, office):
    """HTMX partial: taxonomy leaves matching the search, the current choice first."""
    return render(
        request,
        "desk/intake/_categories.html",
        {
            "category_results": _category_results(
                request.GET.get("category_q", ""), request.GET.get("category", "")
            ),
            "selected": request.GET.get("category", ""),
        },
    )


# ---------------------------------------------------------------------------------------------
# Step 2: check for repeats, then save


def _petitioner_keys(form, reps) -> tuple[list[str], list[str]]:
    phones = [form.cleaned_data.get("phone", "")]
    ids = [form.cleaned_data.get("id_number", "")]
    for r in reps.filled() if reps else []:
        phones.append(r.cleaned_data.get("phone", ""))
        ids.append(r.cleaned_data.get("id_number", ""))
    return [p for p in phones if p.strip()], [i for i in ids if i.strip()]


def _repeat_candidates(user, form, reps):
    phones, ids = _petitioner_keys(form, reps)
    data = form.cleaned_data
    return triage_selectors.repeat_candidates(data["title"], data["body"], phones, ids, user=user)


def _ready_draft(request, office, draft_id):
    draft = _get_draft(request, draft_id)
    if draft is None:
        return None, None, None
    form, reps = _bind(draft, office)
    if not draft.get("ready") or not form.is_valid() or (reps is not None and not reps.is_valid()):
        return draft, None, None
    return draft, form, reps


@intake_required
def check(request, office, draft_id):
    draft, form, reps = _ready_draft(request, office, draft_id)
    if draft is None:
        messages.info(request, _("This draft was already saved or has expired."))
        return redirect("desk:intake_list")
    if form is None:
        return redirect(f"{reverse('desk:intake_form')}?draft={draft_id}")
    if request.method == "POST":
        return _save(request, office, draft_id, draft, form, reps)
    return _render_check(request, office, draft_id, draft, form, reps)


def _render_check(request, office, draft_id, draft, form, reps, *, error="", status=200):
    data = form.cleaned_data
    place = Division.objects.filter(code=data["place"]).first()
    found = _repeat_candidates(request.user, form, reps)
    return render(
        request,
        "desk/intake/check.html",
        {
            "office": office,
            "draft_id": draft_id,
            "channel_label": workflow.CHANNELS[draft["channel"]],
            "data": data,
            "content_type_label": workflow.CONTENT_TYPES[data["content_type"]],
            "category": form.category_obj,
            "place": place,
            "files": draft["files"],
            "representatives": [r.cleaned_data for r in reps.filled()] if reps else [],
            "own_cases": [c for c, _score in found.own],
            "lookalikes": found.similar,
            "error": error,
            "chosen": request.POST.get("into", ""),
            "triage": _triage().check_context(office, data, form.category_obj),
        },
        status=status,
    )


def _inputs(draft, form, reps):
    data = form.cleaned_data
    parties = []
    if any(data[k].strip() for k in ("name", "phone", "id_number", "petitioner_address")):
        parties.append(
            services.PartyInput(
                name=data["name"],
                phone=data["phone"],
                id_number=data["id_number"],
                address=data["petitioner_address"],
                kind=Party.PETITIONER,
            )
        )
    for r in reps.filled() if reps else []:
        parties.append(
            services.PartyInput(
                name=r.cleaned_data["name"],
                phone=r.cleaned_data["phone"],
                id_number=r.cleaned_data["id_number"],
                kind=Party.REPRESENTATIVE,
            )
        )
    attachments = []
    for item in draft["files"]:
        with default_storage.open(item["path"], "rb") as fh:
            attachments.append(services.AttachmentInput(name=item["name"], content=fh.read()))
    is_group = bool(data.get("is_group"))
    return dict(
        channel=draft["channel"],
        content_type=data["content_type"],
        title=data["title"],
        text=data["body"],
        place=Division.objects.get(code=data["place"]),
        address=data["address"],
        category=form.category_obj,
        parties=parties,
        public_consent=data["public_consent"],
        is_group=is_group,
        group_size=(data.get("group_size") or 1) if is_group else 1,
        accused_body=data["accused_body"] if data["content_type"] == "report" else None,
        attachments=attachments,
    )


REGISTER_FIELD_ALIASES = {
    "petitioner": "name",
    "petitioner.name": "name",
    "petitioner.phone": "phone",
    "petitioner.id_number": "id_number",
}


def _save(request, office, draft_id, draft, form, reps):
    action = request.POST.get("action", "")
    into = request.POST.get("into", "").strip()
    if action not in ("new", "repeat"):
        return redirect("desk:intake_check", draft_id=draft_id)
    if action == "repeat" and not into:
        return _render_check(
            request,
            office,
            draft_id,
            draft,
            form,
            reps,
            status=422,
            error=_("Choose the open case this one repeats."),
        )
    inputs = _inputs(draft, form, reps)
    try:
        if action == "repeat":
            reg, not_linked = services.register_as_repeat(
                actor=request.user,
                body=office,
                into=into,
                reason=_("Linked as a repeat at registration"),
                **inputs,
            )
        else:
            reg, not_linked = services.register(actor=request.user, body=office, **inputs), None
    except ApplicationError as e:
        # Back to the form with the service's reasons on the fields; the typed text stays.
        apply_to_form(form, e, REGISTER_FIELD_ALIASES)
        draft["ready"] = False
        request.session.modified = True
        return _render_form(
            request, office, draft_id, draft, form, reps, show_errors=True, status=422
        )
    _drop_draft(request, draft_id)
    case = reg.case
    _triage().record_registration(request, office, form, case)
    # The password is shown once, on the receipt page, which pops it (see print_views).
    print_views.keep_receipt(request, case, reg.query_password)
    messages.success(request, _("Registered %(number)s.") % {"number": case.number})
    if action == "repeat":
        if not_linked is not None:
            # Registered all the same (W21): nothing received is dropped.
            messages.error(
                request,
                _(
                    "Not linked as a repeat: %(reason)s. The case stays registered; "
                    "sort and route it here."
                )
                % {"reason": not_linked.message},
            )
        else:
            messages.success(request, _("Linked as a repeat of %(number)s.") % {"number": into})
    return redirect("desk:intake_receipt", number=case.number)


# ---------------------------------------------------------------------------------------------
# Step 3: sort and route (W22, W31)


def _route_context(request, office, case, bound=None):
    # The same source as the intake panel and the API (triage), so they never disagree.
    advice, suggestion = _triage().route_advice(case, office)
    initial = {}
    if suggestion and suggestion != case.holder_body:
        # The suggested body comes pre-selected wherever a routing move names a body.
        initial = {
            m.name: {"body": suggestion.pk}
            for m in workflow.moves_on(workflow.ROUTE_PAGE)
            if any(field.name == "body" for field in m.fields)
        }
    offered = desk_moves.offered(
        request.user, case, workflow.ROUTE_PAGE, bound=bound, initial=initial
    )
    clocks = case_selectors.clock_entries(case)
    route_clock = next((c for c in clocks if c["period"] == "route"), None)
    return {
        "office": office,
        "case": case,
        "route_clock": route_clock,
        "overdue_days": -route_clock["days_left"] if route_clock else 0,
        "clocks": clocks,
        "suggestion": suggestion,
        "advice": advice,
        "moves": [(move.name, move, form) for move, form in offered],
        "attachments": case.attachments.all(),
        "repeats_of": case.repeat_of,
    }


def _case_for(request, number):
    try:
        return case_selectors.case_get_for_user(request.user, number)
    except NotFound:
        raise Http404 from None


@require_GET
@intake_required
def route(request, office, number):
    case = _case_for(request, number)
    return render(request, "desk/intake/route.html", _route_context(request, office, case))


@require_POST
@intake_required
def route_move(request, office, number, move):
    case = _case_for(request, number)
    if move not in {m.name for m in workflow.moves_on(workflow.ROUTE_PAGE)}:
        raise Http404
    outcome = desk_moves.run(request, case, move)
    if outcome.case is not None:
        label = workflow.MOVES[move].label
        messages.success(
            request, _("%(number)s: %(move)s done.") % {"number": case.number, "move": label}
        )
        return redirect("desk:intake_list")
    case.refresh_from_db()
    context = _route_context(request, office, case, bound=outcome.form)
    if move not in {name for name, _m, _f in context["moves"]}:
        # The move is no longer possible (someone else moved the case): say why on the page.
        messages.error(
            request,
            "; ".join(str(e) for e in outcome.form.non_field_errors())
            or _("This move is no longer possible."),
        )
    return render(request, "desk/intake/route.html", context, status=outcome.status)


# ---------------------------------------------------------------------------------------------
# The office's registered cases


@require_GET
@intake_required
def intake_list(request, office):
    offices = access.intake_offices(request.user)
    route_clock = Clock.objects.filter(case=OuterRef("pk"), period="route").order_by("-pk")
    qs = (
        Case.objects.filter(registering_body__in=offices)
        .select_related("holder_body")
        .annotate(
            route_due=Subquery(route_clock.values("due_on")[:1]),
            route_status=Subquery(route_clock.values("status")[:1]),
        )
        .order_by("-pk")
    )
    before = request.GET.get("before", "")
    if before.isdigit():
        qs = qs.filter(pk__lt=int(before))
    rows = list(qs[: LIST_PAGE + 1])
    more = len(rows) > LIST_PAGE
    rows = rows[:LIST_PAGE]
    return render(
        request,
        "desk/intake/list.html",
        {
            "office": office,
            "cases": rows,
            "next_before": rows[-1].pk if more else None,
            "running": Clock.RUNNING,
        },
    )


def _triage():
    # Imported late: triage_views builds on the decorators above.
    from . import triage_views

    return triage_views
