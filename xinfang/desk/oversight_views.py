"""Oversight pages: supervision (督办, 挂牌督办), leader ownership (包案) and the grid ledger.

Views stay thin: every write goes through xinfang.cases.services, every read through selectors,
and a case another body may not see answers 404 exactly as a missing one does (W30, W46).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xinfang.cases import access, selectors, services, workflow
from xinfang.cases.deadlines import SUPERVISION_GROUNDS
from xinfang.cases.models import GridItem
from xinfang.core.errors import ApplicationError, NotFound
from xinfang.core.timeutil import today
from xinfang.orgs.models import Level
from xinfang.reception import meeting_selectors as reception_selectors
from xinfang.triage.selectors import HOT_ISSUE_MAX_CASES, hot_issues_cached

from . import moves as desk_moves
from . import oversight_forms as f
from .common import case_or_404 as _case_or_404
from .navigation import page_required

# Windows a supervisor can look back over for matters many people raise.
HOT_ISSUE_DAYS = (7, 30, 90)
# Rows per page of each supervision list: the page costs the same however many cases are late.
SUPERVISION_PAGE = 50
MAX_LIST_PAGE = 1000


# ---------------------------------------------------------------------------------------------
# Supervision


def _submit(form, call):
    """Validate `form` and hand its data to the service `call`. Returns (result, None) when the
    service did it, else (None, the status to answer with), the reason on the form: 422 for
    invalid input, the service error's own status otherwise."""
    if not form.is_valid():
        return None, 422
    try:
        return call(form.cleaned_data), None
    except ApplicationError as e:
        f.add_service_error(form, e)
        return None, e.http_status


def _clock_rows(clocks, day):
    flagged = services.flagged_clocks({c.case_id for c in clocks}) if clocks else set()
    return [
        {
            "clock": c,
            "case": c.case,
            "days_left": (c.due_on - day).days,
            "days_over": (day - c.due_on).days,
            "flagged": c.pk in flagged,
        }
        for c in clocks
    ]


@dataclass
class ListPage:
    """One page of a supervision list: its rows and the numbers of the pages around it."""

    rows: list
    number: int
    param: str
    has_next: bool

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.has_next else None


def _list_page(request, param: str, fetch) -> ListPage:
    """Page `?<param>=N` of a list: fetch(offset, limit) is asked for one row more than a page,
    so the page knows whether another follows without counting them all."""
    raw = request.GET.get(param, "")
    number = min(int(raw), MAX_LIST_PAGE) if raw.isdigit() and int(raw) > 0 else 1
    rows = fetch((number - 1) * SUPERVISION_PAGE, SUPERVISION_PAGE + 1)
    return ListPage(
        rows=rows[:SUPERVISION_PAGE],
        number=number,
        param=param,
        has_next=len(rows) > SUPERVISION_PAGE,
    )


def _page_links(request, page: ListPage, anchor: str) -> dict:
    def href(number):
        params = request.GET.copy()
        params[page.param] = str(number)
        return f"?{params.urlencode()}#{anchor}"

    return {
        "page": page,
        "previous_href": href(page.previous) if page.previous else "",
        "next_href": href(page.next) if page.next else "",
    }


@page_required("supervision")
def supervision(request):
    user = request.user
    day = today()
    is_overseer = access.may_oversee(user)
    context = {
        "is_overseer": is_overseer,
        "listed": list(selectors.listed_for_user(user)[:SUPERVISION_PAGE]),
        "to_answer": list(selectors.notices_to_answer(user)[:SUPERVISION_PAGE]),
        "today": day,
    }
    if is_overseer:
        overdue = _list_page(
            request,
            "overdue_page",
            lambda offset, limit: selectors.overdue_for_user(user, day, offset=offset, limit=limit),
        )
        due_soon = _list_page(
            request,
            "due_soon_page",
            lambda offset, limit: selectors.due_soon_for_user(
                user, day, offset=offset, limit=limit
            ),
        )
        notices = _list_page(
            request,
            "notices_page",
            lambda offset, limit: list(
                selectors.supervision_notices_visible_to(user)[offset : offset + limit]
            ),
        )
        context.update(
            overdue=_clock_rows(overdue.rows, day),
            overdue_pages=_page_links(request, overdue, "overdue"),
            due_soon=_clock_rows(due_soon.rows, day),
            due_soon_pages=_page_links(request, due_soon, "due-soon"),
            notices=notices.rows,
            notices_pages=_page_links(request, notices, "notices"),
            late_tasks=reception_selectors.late_tasks(user, day),
        )
        # The matters many people raise come in a request of their own once the page is shown
        # (supervision_hot): grouping a month's petitions can take seconds once an hour.
        context.update(hot_days=_hot_days(request), hot_day_choices=HOT_ISSUE_DAYS)
    return render(request, "desk/oversight/supervision.html", context)


def _hot_days(request) -> int:
    days = request.GET.get("days", "")
    return int(days) if days.isdigit() and int(days) in HOT_ISSUE_DAYS else 30


@page_required("supervision")
def supervision_hot(request):
    """The supervision page's matters many people raise, over the chosen days (a fragment)."""
    if not access.may_oversee(request.user):
        raise PermissionDenied
    days = _hot_days(request)
    return render(
        request,
        "desk/oversight/_hot.html",
        {
            "hot_loaded": True,
            "hot_days": days,
            "hot_day_choices": HOT_ISSUE_DAYS,
            "hot": hot_issues_cached(days=days, user=request.user, now=timezone.now()),
            "hot_max": HOT_ISSUE_MAX_CASES,
        },
    )


def _supervision_case_context(request, case, bound=None):
    # Coming from an overdue row, the notice starts from that deadline's ground (W40).
    ground = request.GET.get("ground", "")
    initial = {"supervise": {"ground": ground}} if ground in SUPERVISION_GROUNDS else None
    moves = desk_moves.offered(
        request.user, case, workflow.SUPERVISION_PAGE, bound=bound, initial=initial
    )
    # Answering comes first for the body that must answer.
    moves.sort(key=lambda pair: pair[0].name != "answer_supervision")
    return {
        "case": case,
        "moves": moves,
        "clocks": selectors.clock_entries(case),
        "notices": list(case.supervision_notices.select_related("issuing_body", "issued_by")),
        "co_handlers": list(case.co_handlers.select_related("body")),
        "identity_hidden": not selectors.may_see_identity(request.user, case),
    }


@page_required("supervision")
def supervision_case(request, number: str):
    case = _case_or_404(request.user, number)
    return render(
        request, "desk/oversight/supervision_case.html", _supervision_case_context(request, case)
    )


@require_POST
@page_required("supervision")
def supervision_action(request, number: str, action: str):
    if action not in {m.name for m in workflow.moves_on(workflow.SUPERVISION_PAGE)}:
        raise Http404
    case = _case_or_404(request.user, number)
    outcome = desk_moves.run(request, case, action)
    if outcome.case is not None:
        messages.success(
            request,
            _("%(number)s: %(move)s done.")
            % {"number": case.number, "move": workflow.MOVES[action].label},
        )
        return redirect("desk:supervision_case", number=case.number)
    case = _case_or_404(request.user, number)
    context = _supervision_case_context(request, case, bound=outcome.form)
    if not any(move.name == action for move, _form in context["moves"]):
        context["moves"].append((workflow.MOVES[action], outcome.form))
    return render(request, "desk/oversight/supervision_case.html", context, status=outcome.status)


# ---------------------------------------------------------------------------------------------
# Leaders (包案)


def _days_left(day, deadline):
    return (deadline - day).days if deadline else None


@page_required("leaders")
def leaders(request, form=None, status=200):
    user = request.user
    day = today()
    mine = list(selectors.leader_cases(user)[:200])
    escalations = selectors.escalations_of(mine)
    context = {
        "mine": [
            {
                "case": c,
                "days_left": _days_left(day, c.leader_deadline),
                "escalations": escalations.get(c.pk, []),
            }
            for c in mine
        ],
        "is_leader": access.is_leader(user),
        "may_assign": access.may_oversee(user),
    }
    if context["may_assign"]:
        assigned = list(selectors.leader_assignments_visible_to(user)[:200])
        esc = selectors.escalations_of(assigned)
        context["assigned"] = [
            {
                "case": c,
                "days_left": _days_left(day, c.leader_deadline),
                "escalations": esc.get(c.pk, []),
            }
            for c in assigned
        ]
        context["form"] = form or f.LeaderForm(
            user=user, initial={"number": request.GET.get("case", "")}
        )
    return render(request, "desk/oversight/leaders.html", context, status=status)


@require_POST
@page_required("leaders")
def leaders_assign(request):
    form = f.LeaderForm(request.POST, user=request.user)
    if not form.is_valid():
        return leaders(request, form=form, status=422)
    number = form.cleaned_data["number"].strip()
    payload = {k: v for k, v in form.payload().items() if k != "number"}
    try:
        case = services.make_move(
            actor=request.user, number=number, move="assign_leader", payload=payload
        )
    except NotFound:
        form.add_error("number", _("No such case in your scope."))
        return leaders(request, form=form, status=404)
    except ApplicationError as e:
        f.add_service_error(form, e)
        return leaders(request, form=form, status=e.http_status)
    messages.success(request, _("%(number)s: leader ownership recorded.") % {"number": case.number})
    return redirect("desk:leaders")


# ---------------------------------------------------------------------------------------------
# Grid ledger (小事不出村、大事不出镇)


LEVEL_LABELS = {
    Level.VILLAGE: _("Village"),
    Level.TOWNSHIP: _("Township"),
    Level.COUNTY: _("County"),
}


@page_required("grid")
def grid(request, form=None, status=200):
    user = request.user
    day = today()
    body = access.grid_body(user)
    show = request.GET.get("show", "open")
    items = selectors.grid_items_visible_to(user)
    if show != "all":
        items = items.filter(status=GridItem.OPEN)
    rows = list(items.order_by("due_on", "pk")[:500])
    groups = []
    for level in (Level.VILLAGE, Level.TOWNSHIP, Level.COUNTY):
        at_level = [i for i in rows if i.holder_body.division.level == level]
        # Overdue open items first, then by due date.
        at_level.sort(key=lambda i: (not (i.status == GridItem.OPEN and i.due_on < day), i.due_on))
        if at_level:
            groups.append({"label": str(LEVEL_LABELS[level]), "items": at_level})
    context = {
        "groups": groups,
        "body": body,
        "form": form or (f.GridItemForm(body=body) if body else None),
        "today": day,
        "show": show,
    }
    return render(request, "desk/oversight/grid.html", context, status=status)


@require_POST
@page_required("grid")
def grid_record(request):
    body = access.grid_body(request.user)
    if body is None:
        raise PermissionDenied(_("Only grid workers and village or township staff record items."))
    form = f.GridItemForm(request.POST, body=body)
    item, status = _submit(
        form, lambda data: services.register_grid_item(actor=request.user, body=body, **data)
    )
    if status is not None:
        return grid(request, form=form, status=status)
    messages.success(request, _("Recorded in the ledger: %(title)s") % {"title": item.title})
    return redirect("desk:grid")


GRID_ACTIONS = {
    "settle": (services.settle_grid_item, f.SettleForm),
    "escalate": (services.escalate_grid_item, f.EscalateForm),
    "convert": (services.convert_grid_item, f.ConvertForm),
}


def _grid_item_or_404(user, pk: int) -> GridItem:
    item = selectors.grid_items_visible_to(user).filter(pk=pk).first()
    if item is None:
        raise Http404
    return item


def _grid_item_context(request, item, bound=None):
    may_act = item.status == GridItem.OPEN and bool(
        services.grid_roles_at(request.user, item.holder_body)
    )
    forms = {}
    if may_act:
        for action, (_func, form_class) in GRID_ACTIONS.items():
            if action == "escalate" and item.holder_body.division.level <= Level.COUNTY:
                continue
            forms[action] = (bound or {}).get(action) or form_class(prefix=action)
    return {"item": item, "forms": forms, "today": today()}


@page_required("grid")
def grid_item(request, pk: int):
    item = _grid_item_or_404(request.user, pk)
    return render(request, "desk/oversight/grid_item.html", _grid_item_context(request, item))


@require_POST
@page_required("grid")
def grid_action(request, pk: int, action: str):
    if action not in GRID_ACTIONS:
        raise Http404
    item = _grid_item_or_404(request.user, pk)
    func, form_class = GRID_ACTIONS[action]
    form = form_class(request.POST, prefix=action)
    result, status = _submit(
        form,
        lambda data: func(
            item=item,
            actor=request.user,
            **{k: v for k, v in data.items() if v not in (None, "")},
        ),
    )
    if status is None:
        if action == "convert":
            messages.success(
                request, _("Registered as case %(number)s.") % {"number": result.case.number}
            )
        else:
            messages.success(request, _("Ledger item updated."))
        if _grid_item_visible(request.user, item.pk):
            return redirect("desk:grid_item", pk=item.pk)
        return redirect("desk:grid")
    item = _grid_item_or_404(request.user, pk)
    context = _grid_item_context(request, item, bound={action: form})
    context["forms"].setdefault(action, form)
    return render(request, "desk/oversight/grid_item.html", context, status=status)


def _grid_item_visible(user, pk: int) -> bool:
    return selectors.grid_items_visible_to(user).filter(pk=pk).exists()
