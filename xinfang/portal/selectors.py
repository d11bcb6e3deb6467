"""Reads for the portal: the public board (阳光信访), divisions and categories for the form."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from xinfang.cases.models import Case, Clock
from xinfang.cases.selectors.public import mask_text, published_cases
from xinfang.cases.workflow import DECISIONS, S
from xinfang.core import tablecache
from xinfang.orgs.models import Division, Level
from xinfang.orgs.selectors import division_children
from xinfang.taxonomy.models import Category, TaxonomyVersion
from xinfang.taxonomy.selectors import leaves

# Answered cases only, of those that may be published (cases/selectors/public.py).
BOARD_STATES = (S.REPLIED, S.CLOSED, S.FINAL, S.REVIEW_DECIDED)
BOARD_PAGE = 10
CATEGORY_SEARCH_LIMIT = 20


def receipt_details(case_id: int) -> dict | None:
    """What a receipt shows of a case besides its secrets: number, title, the office that
    received it and the day by which it is sent to the responsible body (W21)."""
    route_due = Clock.objects.filter(case=OuterRef("pk"), period="route").order_by("pk")
    route_due = route_due.values("due_on")[:1]
    return (
        Case.objects.filter(pk=case_id)
        .values(
            "number", "title", holder=F("registering_body__name"), route_due=Subquery(route_due)
        )
        .first()
    )


def public_cases(q: str = "", after: int | None = None) -> QuerySet[Case]:
    """Consented, answered, non-report cases, newest first; keyset pages by id."""
    qs = (
        published_cases()
        .filter(state__in=BOARD_STATES)
        .select_related("category", "place")
        .order_by("-pk")
    )
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(body__icontains=q))
    if after:
        qs = qs.filter(pk__lt=after)
    return qs


def public_case(number: str) -> Case | None:
    return public_cases().filter(number=number).first()


@dataclass
class PublicCase:
    number: str
    title: str
    category: str
    place: str
    registered_at: object
    state_label: str
    body: str
    decision: str
    reply: list[tuple[str, str]]


def anonymised(case: Case) -> PublicCase:
    names = [p.name for p in case.parties.all()]
    detail = case.decision_detail or {}
    reply = [
        (label, mask_text(str(detail[key]), names))
        for key, label in (
            ("facts", _("Facts found")),
            ("reasons", _("Reasons")),
            ("basis", _("Legal basis")),
        )
        if detail.get(key)
    ]
    for stage, label in (("review", _("Review opinion")), ("rereview", _("Re-review opinion"))):
        if isinstance(detail.get(stage), dict) and detail[stage].get("opinion"):
            reply.append((label, mask_text(str(detail[stage]["opinion"]), names)))
    if detail.get("mediation_agreement"):
        reply.append(
            (_("Mediation agreement"), mask_text(str(detail["mediation_agreement"]), names))
        )
    return PublicCase(
        number=case.number,
        title=mask_text(case.title, names),
        category=case.category.full_name if case.category else "",
        place=case.place.name,
        registered_at=case.registered_at,
        state_label=case.state_label,
        body=mask_text(case.body, names),
        decision=DECISIONS.get(case.decision, ""),
        reply=reply,
    )


# ---------------------------------------------------------------------------------------------
# The submission form's pickers


def category_choices(q: str = "", selected: str = "") -> list[tuple[str, list[Category]]]:
    """Leaves grouped by their first level; with `q`, the first matches of the full name."""
    q = (q or "").strip()
    if not q:
        return _all_category_choices()
    qs = leaves().select_related("parent__parent")
    if q:
        matches = list(qs.filter(full_name__icontains=q)[:CATEGORY_SEARCH_LIMIT])
        if selected and selected not in {c.code for c in matches}:
            matches = list(qs.filter(code=selected)) + matches
        items = matches
    else:
        items = list(qs)
    groups: dict[str, list[Category]] = {}
    for c in items:
        top = c.parent.parent.name if c.parent and c.parent.parent else c.full_name.split("/")[0]
        groups.setdefault(top, []).append(c)
    return list(groups.items())


@tablecache.cached("portal.categories", TaxonomyVersion, Category)
def _all_category_choices() -> list[tuple[str, list[Category]]]:
    """Every leaf, grouped: built once per taxonomy edit, not on every form view."""
    groups: dict[str, list[Category]] = {}
    for c in leaves().select_related("parent__parent"):
        top = c.parent.parent.name if c.parent and c.parent.parent else c.full_name.split("/")[0]
        groups.setdefault(top, []).append(c)
    return list(groups.items())


LEVEL_LABELS = {
    Level.PROVINCE: _("Province"),
    Level.CITY: _("City"),
    Level.COUNTY: _("County or district"),
    Level.TOWNSHIP: _("Township or street"),
    Level.VILLAGE: _("Village or community"),
}


@dataclass
class CascadeLevel:
    level: int
    options: list[Division]
    selected: str

    @property
    def label(self):
        return LEVEL_LABELS.get(self.level, "")


def cascade(chain: list[Division]) -> list[CascadeLevel]:
    """One select per level along `chain`, plus the children of its last division.

    With no choice yet, single options down to the county are chosen already (one deployment
    usually serves one county).
    """
    chain = list(chain)
    if not chain:
        options = list(division_children(None))
        while len(options) == 1 and options[0].level < Level.COUNTY:
            chain.append(options[0])
            options = list(division_children(options[0].code))
        if len(options) == 1 and options[0].level == Level.COUNTY:
            chain.append(options[0])
    levels = []
    parent = None
    for d in chain:
        siblings = list(division_children(parent))
        levels.append(CascadeLevel(level=d.level, options=siblings, selected=d.code))
        parent = d.code
    children = list(division_children(parent))
    if children:
        levels.append(CascadeLevel(level=children[0].level, options=children, selected=""))
    return levels
