"""Which workbench pages each user may open: the navigation shows these and the pages refuse the
rest with the 403 page. Who may use what is decided in cases/access.py; this names the pages."""

from __future__ import annotations

import functools

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinfang.cases import access

# key: (url name, label, who may open it, the refusal shown to anyone else)
PAGES = {
    "inbox": ("desk:home", gettext_lazy("Inbox"), access.is_staff_member, ""),
    "intake": (
        "desk:intake_form",
        gettext_lazy("Register"),
        access.may_use_intake,
        gettext_lazy("Only intake clerks may use the intake desk."),
    ),
    "intake_list": (
        "desk:intake_list",
        gettext_lazy("Registered cases"),
        access.may_use_intake,
        gettext_lazy("Only intake clerks may use the intake desk."),
    ),
    "supervision": (
        "desk:supervision",
        gettext_lazy("Supervision"),
        access.may_use_supervision,
        gettext_lazy("Supervision is for supervisors, leaders and the bodies that handle cases."),
    ),
    "leaders": (
        "desk:leaders",
        gettext_lazy("Leader cases"),
        access.may_oversee,
        gettext_lazy("Leader cases are for leaders and supervisors."),
    ),
    "grid": (
        "desk:grid",
        gettext_lazy("Grid ledger"),
        access.may_use_grid,
        gettext_lazy(
            "The grid ledger is for grid workers and village, township and petition staff."
        ),
    ),
    # Field work (village agents, grid rounds).
    "agent": (
        "desk:agent",
        gettext_lazy("File for a villager"),
        access.is_village_agent,
        gettext_lazy("Filing for villagers is for village agents."),
    ),
    "statistics": (
        "desk:statistics",
        gettext_lazy("Statistics"),
        access.may_use_statistics,
        gettext_lazy("Statistics are for analysts, supervisors and leaders."),
    ),
    "scorecards": (
        "desk:scorecards",
        gettext_lazy("Scorecards"),
        access.may_use_statistics,
        gettext_lazy("Scorecards are for analysts, supervisors and leaders."),
    ),
    "backlog": (
        "desk:backlog",
        gettext_lazy("Backlog ledger"),
        access.may_use_statistics,
        gettext_lazy("The backlog ledger is for analysts, supervisors and leaders."),
    ),
    "hotline": (
        "desk:hotline",
        gettext_lazy("12345 hotline"),
        access.may_use_hotline,
        gettext_lazy("The hotline page is for intake clerks, analysts, supervisors and leaders."),
    ),
    "map": (
        "desk:map",
        gettext_lazy("Map"),
        access.may_use_statistics,
        gettext_lazy("Statistics are for analysts, supervisors and leaders."),
    ),
    "letters": (
        "desk:letters",
        gettext_lazy("Letters for instruction"),
        access.is_leader,
        gettext_lazy("Letters for instruction are for leaders."),
    ),
    "meetings": (
        "desk:meetings",
        gettext_lazy("Joint meetings"),
        access.may_oversee,
        gettext_lazy("Joint meetings are for leaders and supervisors."),
    ),
    "alerts": (
        "desk:alerts",
        gettext_lazy("Early warnings"),
        access.may_use_statistics,
        gettext_lazy("Early warnings are for analysts, supervisors and leaders."),
    ),
    "reception": (
        "desk:reception",
        gettext_lazy("Reception days"),
        access.may_use_reception,
        gettext_lazy("Reception days are kept by the petition office, supervisors and leaders."),
    ),
}


def allowed_pages(user) -> list[str]:
    if not access.is_staff_member(user):
        return []
    return [key for key, (_url, _label, rule, _why) in PAGES.items() if rule(user)]


def may_open(user, page: str) -> bool:
    return access.is_staff_member(user) and PAGES[page][2](user)


def page_required(page: str):
    """Signed in and allowed this page; anyone else gets the 403 page with the reason."""

    def decorate(view):
        @login_required
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if not access.is_staff_member(request.user):
                raise PermissionDenied(_("Only staff of a body may use the workbench."))
            if not may_open(request.user, page):
                raise PermissionDenied(str(PAGES[page][3]))
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def nav_items(user, path: str = "") -> list[dict]:
    """The links, the one whose address is the longest start of `path` marked current."""
    from django.urls import reverse

    items = [
        {"key": key, "url": reverse(PAGES[key][0]), "label": PAGES[key][1], "current": False}
        for key in allowed_pages(user)
    ]
    # The inbox is current on itself only: every workbench address starts with its own.
    matching = [
        i for i in items if path == i["url"] or (i["key"] != "inbox" and path.startswith(i["url"]))
    ]
    if matching:
        max(matching, key=lambda i: len(i["url"]))["current"] = True
    return items


def context(request) -> dict:
    """Template context processor: the signed-in user's workbench links, computed on first use."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"desk_nav": []}
    return {"desk_nav": SimpleLazyObject(lambda: nav_items(user, request.path))}
