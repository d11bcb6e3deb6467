"""Reads about organisations: who holds which role where, and what a role's scope covers."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from xinfang.core import tablecache

from .models import WIDE_SCOPE_ROLES, Body, BodyKind, Division, Membership, Role

# Posts that give no sight of their body's rows: a village agent sees only what they filed
# (cases/access.py).
NO_BODY_SCOPE_ROLES = frozenset({Role.VILLAGE_AGENT})


def within_q(field: str, division: Division) -> Q:
    """Rows whose division `field` ("place", "division", "holder_body__division") is `division`
    or lies below it: the one "within" rule as a query (Division.lies_within for one row)."""
    prefix = f"{field}__" if field else ""
    return Q(**{f"{prefix}path__startswith": division.path})


def memberships_of(user) -> list[Membership]:
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_xf_memberships", None)
    if cached is None:
        cached = list(
            Membership.objects.filter(
                user=user, is_active=True, body__is_active=True
            ).select_related("body", "body__division")
        )
        user._xf_memberships = cached
    return cached


def roles_of(user) -> set[str]:
    return {m.role for m in memberships_of(user)}


def scope_q(user, *, body_field: str = "holder_body") -> Q:
    """Cases (or any rows with a body foreign key) a user may see.

    A member sees its own bodies' rows; supervisors, leaders and analysts also see every body in
    their division's subtree (bodies_in_scope). The bodies are listed in the query itself: a
    literal list leaves the rest of a filter free to use the row table's indexes, where a join
    or a subquery inside an OR would make PostgreSQL read every row.
    """
    return Q(**{f"{body_field}__in": list(bodies_in_scope(user).values_list("pk", flat=True))})


def bodies_in_scope(user, role: str | None = None) -> QuerySet[Body]:
    own = set()
    prefixes = set()
    for m in memberships_of(user):
        if role and m.role != role:
            continue
        if m.role in NO_BODY_SCOPE_ROLES and role != m.role:
            continue
        own.add(m.body_id)
        if m.role in WIDE_SCOPE_ROLES:
            prefixes.add(m.body.division)
    q = Q(pk__in=own)
    for prefix in prefixes:
        q |= within_q("division", prefix)
    return Body.objects.filter(q)


def body_in_scope_of(user, body: Body, roles: frozenset[str] | set[str]) -> set[str]:
    """Roles of `roles` this user holds over `body` (as a member, or by wide scope)."""
    held = set()
    for m in memberships_of(user):
        if m.role not in roles:
            continue
        if m.body_id == body.pk:
            held.add(m.role)
        elif m.role in WIDE_SCOPE_ROLES and body.division.lies_within(m.body.division):
            held.add(m.role)
    return held


def petition_office_for(division: Division) -> Body | None:
    """The nearest petition office at this division or above (cached: read on every submission)."""
    return _petition_office_for(division.code)


@tablecache.cached("orgs.petition_office", Division, Body)
def _petition_office_for(code: str) -> Body | None:
    division = Division.objects.filter(code=code).first()
    if division is None:
        return None
    chain = [c for c in division.path.split("/") if c][::-1]  # this division first
    # One statement for the whole chain; the deepest office wins, the first by name there.
    offices: dict[str, Body] = {}
    for b in Body.objects.filter(
        division__in=chain, kind=BodyKind.PETITION_OFFICE, is_active=True
    ).select_related("division"):
        offices.setdefault(b.division_id, b)
    return next((offices[c] for c in chain if c in offices), None)


@tablecache.cached("orgs.division", Division)
def division_by_code(code: str) -> Division | None:
    """A division by its code (cached: the citizen's form and every submission read it)."""
    return Division.objects.filter(code=code).first()


@tablecache.cached("orgs.children", Division)
def division_children(code: str | None) -> tuple[Division, ...]:
    """The divisions directly below `code` (the roots for None), in code order (cached)."""
    return tuple(Division.objects.filter(parent_id=code).order_by("code"))


@tablecache.cached("orgs.divisions_by_codes", Division)
def divisions_by_codes(codes: tuple[str, ...]) -> dict[str, Division]:
    return {d.code: d for d in Division.objects.filter(code__in=codes)}


def superior_of(body: Body) -> Body | None:
    return body.parent
