"""Who may see a case, who may act on it, and who may see a petitioner's identity (DESIGN.md,
Access). Every page, the API and the services ask here; nothing else decides it.

A body sees the cases it holds, registered, sent on or co-handles; supervisors, leaders and
analysts also see those held within their division. A report of misconduct is never shown to,
nor acted on by, the body it accuses or that body's staff (W30, W46), and its reporter's identity
is for the discipline inspection body handling it only.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from xinfang.core import crypto
from xinfang.core.errors import NotFound
from xinfang.orgs.models import Body, BodyKind, Role
from xinfang.orgs.selectors import NO_BODY_SCOPE_ROLES, memberships_of, scope_q, within_q

from . import workflow
from .models import Case, CoHandler, Recusal

# Staff who may record and work the grid ledger of their own body.
GRID_STAFF = frozenset({workflow.GRID, workflow.HANDLER, workflow.HEAD, workflow.INTAKE})
# Supervisors and leaders see their division's scope-wide lists.
OVERSIGHT_ROLES = frozenset({workflow.SUPERVISOR, workflow.LEADER})


@dataclass(frozen=True)
class CitizenActor:
    """A petitioner who proved access to one case (tracking code and query password)."""

    case_id: int | None = None
    label: str = "信访人"


def is_protected_from(actor, case: Case) -> bool:
    """Whether the actor belongs to the body a report accuses (W30, W46)."""
    if case.accused_body_id is None or not getattr(actor, "is_authenticated", False):
        return False
    return any(m.body_id == case.accused_body_id for m in memberships_of(actor))


def has_recused(actor, case: Case) -> bool:
    """Whether this member of staff stepped aside from the case for a direct interest (W28)."""
    if not getattr(actor, "is_authenticated", False) or isinstance(actor, CitizenActor):
        return False
    return Recusal.objects.filter(case=case, person=actor).exists()


def covers(member_body: Body, target: Body) -> bool:
    """Whether `target` lies within the division of `member_body`."""
    return target.division.lies_within(member_body.division)


@dataclass(frozen=True)
class ScopeColumns:
    """Where the columns the visibility rules read live: on the case itself, or copied onto
    another table (the statistics' fact rows) so that it can be filtered without joining."""

    pk: str = "pk"
    holder_body: str = "holder_body"
    registering_body: str = "registering_body"
    sender_body: str = "sender_body"
    accused_body: str = "accused_body"
    filed_by: str = "filed_by"


CASE_COLUMNS = ScopeColumns()


def protection_q(user, columns: ScopeColumns = CASE_COLUMNS) -> Q:
    """Hide a report from the body it accuses and from that body's staff (W30, W46)."""
    own = [m.body_id for m in memberships_of(user)]
    accused = columns.accused_body
    return Q(**{f"{accused}__isnull": True}) | ~Q(**{f"{accused}__in": own})


def body_posts(user) -> list:
    """The memberships that let a user see their body's cases (a village agent's does not)."""
    return [m for m in memberships_of(user) if m.role not in NO_BODY_SCOPE_ROLES]


def co_handled(bodies: list[int]) -> list[int]:
    """Ids of the cases these bodies co-handle (W24)."""
    return list(CoHandler.objects.filter(body__in=bodies).values_list("case_id", flat=True))


def scope_arms(user, columns: ScopeColumns = CASE_COLUMNS) -> list[Q]:
    """Holder-based scope, plus the cases a body registered or sent on (it follows them up).
    A village agent (代办员) sees the cases they filed themselves, by that key, and no other.
    Each reason to see a case is one filter, so that a list can be read one reason at a time
    through that reason's own index (see selectors/arms.py)."""
    c = columns
    own = [m.body_id for m in body_posts(user)]
    arms = []
    if own:
        arms += [
            scope_q(user, body_field=c.holder_body),
            Q(**{f"{c.registering_body}__in": own}),
            Q(**{f"{c.sender_body}__in": own}),
        ]
        # The co-handled cases' ids in hand: a literal list keeps the whole rule usable
        # through the indexes (a subquery inside the OR makes PostgreSQL read every case).
        handled = co_handled(own)
        if handled:
            arms.append(Q(**{f"{c.pk}__in": handled}))
    if is_village_agent(user):
        arms.append(Q(**{c.filed_by: user}))
    return arms


def case_scope_q(user, columns: ScopeColumns = CASE_COLUMNS) -> Q:
    """Any of the user's reasons to see a case (scope_arms), as one filter."""
    q = Q(**{f"{columns.pk}__in": []})
    for arm in scope_arms(user, columns):
        q |= arm
    return q


def visible_q(user, columns: ScopeColumns = CASE_COLUMNS) -> Q:
    """The cases a user may see, as a filter over `columns` (cases_visible_to's rule)."""
    return case_scope_q(user, columns) & protection_q(user, columns)


def visible_arms(user) -> list[Q]:
    """The cases a user may see, as filters whose union is visible_q(user)."""
    if user is None or not user.is_authenticated:
        return []
    protection = protection_q(user)
    return [arm & protection for arm in scope_arms(user)]


def cases_visible_to(user) -> QuerySet[Case]:
    if user is None or not user.is_authenticated:
        return Case.objects.none()
    return Case.objects.filter(visible_q(user))


def reporter_visible_q(user) -> Q:
    """Cases whose petitioner this user may know (may_see_identity as a query): any case but a
    report, and a report only at the discipline inspection body handling it."""
    discipline = [m.body_id for m in memberships_of(user) if m.body.kind == BodyKind.DISCIPLINE]
    return ~Q(content_type="report") | Q(holder_body__in=discipline)


def person_cases_visible_to(user) -> QuerySet[Case]:
    """Where cases are listed by who brought them (a phone or ID number look-up): only cases the
    user may see, and a report only where the user may see its reporter; otherwise the listing
    itself would tell who reported."""
    if user is None or not user.is_authenticated:
        return Case.objects.none()
    return cases_visible_to(user).filter(reporter_visible_q(user))


def case_get_for_user(user, number: str) -> Case:
    """The case, or NotFound whether it is missing or not visible to this user."""
    case = (
        cases_visible_to(user)
        .filter(number=number)
        .select_related("holder_body", "holder_body__division", "category", "place")
        .first()
    )
    if case is None:
        raise NotFound(_("Case not found"))
    return case


def case_get_for_citizen(tracking_code: str, password: str) -> Case:
    """Same answer for a wrong code and a wrong password."""
    case = Case.objects.filter(tracking_code=tracking_code.strip().upper()).first()
    if case is None or not crypto.check_query_password(case, password):
        raise NotFound(_("The tracking code or query password is not right"))
    return case


def may_see_identity(user, case: Case) -> bool:
    """A reporter's identity is for discipline inspection bodies handling it, and nobody else."""
    if case.content_type != "report":
        return True
    return any(
        m.body.kind == BodyKind.DISCIPLINE and m.body_id == case.holder_body_id
        for m in memberships_of(user)
    )


# Who may take petitioners' names and phones (masked, as the case page shows them) out of the
# workbench in a spreadsheet: the staff who register and work cases. Overseers, leaders,
# analysts and grid workers export the list without people in it.
EXPORT_IDENTITY_ROLES = frozenset({workflow.INTAKE, workflow.HANDLER, workflow.HEAD})


def may_export_identities(user) -> bool:
    return any(m.role in EXPORT_IDENTITY_ROLES for m in memberships_of(user))


def identity_in_export(user, case: Case) -> bool:
    """Whether an exported row of this case may name its petitioners: the role may export
    identities, and a report's reporter only for the discipline body handling it (W30, W46)."""
    return may_export_identities(user) and may_see_identity(user, case)


def may_print_receipt(user, case: Case) -> bool:
    """The registration receipt is printed by the staff of the body that registered the case."""
    return any(m.body_id == case.registering_body_id for m in memberships_of(user))


def acting_roles(actor, case: Case, move: workflow.Move) -> set[str]:
    """The roles of `move.roles` the actor holds for this case, as the move's `acting` says."""
    if actor is None:
        return {workflow.SYSTEM} & move.roles
    if isinstance(actor, CitizenActor):
        return {workflow.PETITIONER} & move.roles if actor.case_id == case.pk else set()
    if is_protected_from(actor, case) or has_recused(actor, case):
        # W30, W46: never the accused body; W28: never someone who stepped aside.
        return set()
    held = set()
    holder = case.holder_body
    for m in memberships_of(actor):
        if m.role not in move.roles:
            continue
        body = m.body
        if move.acting == workflow.AT_HOLDER:
            ok = body.pk == holder.pk
        elif move.acting == workflow.AT_SENDER:
            ok = body.pk == case.sender_body_id
        elif move.acting == workflow.AT_CO_HANDLER:
            ok = case.co_handlers.filter(body_id=body.pk).exists()
        elif move.acting == workflow.AT_OFFICE:
            ok = body.pk == holder.pk or (
                body.kind == BodyKind.PETITION_OFFICE and covers(body, holder)
            )
        else:  # IN_SCOPE
            ok = body.pk == holder.pk or covers(body, holder)
        if ok:
            held.add(m.role)
    return held


def bodies_where(user, roles) -> list[int]:
    """The bodies (ids) where the user holds one of `roles`."""
    return [m.body_id for m in memberships_of(user) if m.role in roles]


def body_acting_as(user, role: str, case: Case) -> Body | None:
    """The user's body from which they act as `role` over the case's holder, if any."""
    holder = case.holder_body
    return next(
        (
            m.body
            for m in memberships_of(user)
            if m.role == role and (m.body_id == holder.pk or covers(m.body, holder))
        ),
        None,
    )


def grid_scope_q(user) -> Q:
    """Ledger rows a user may see: those their bodies hold or they recorded, and those in the
    area of a township or petition office they belong to, or that they oversee."""
    q = Q(pk__in=[]) | Q(reported_by=user)
    for m in body_posts(user):
        q |= Q(holder_body_id=m.body_id)
        if m.body.kind in (BodyKind.TOWNSHIP, BodyKind.PETITION_OFFICE) or m.role in (
            OVERSIGHT_ROLES
        ):
            q |= within_q("place", m.body.division)
    return q


def roles_at(actor, body: Body) -> set[str]:
    """The roles the actor holds at this very body (a citizen: the petitioner's)."""
    if isinstance(actor, CitizenActor):
        return {workflow.PETITIONER}
    return {m.role for m in memberships_of(actor) if m.body_id == body.pk}


def may_register_at(actor, body: Body) -> bool:
    return bool(roles_at(actor, body) & workflow.REGISTER_ROLES)


# ---------------------------------------------------------------------------------------------
# Village agents (代办员): they file for villagers of their own village and see only those cases.

AGENT = Role.VILLAGE_AGENT


def is_village_agent(user) -> bool:
    return any(m.role == AGENT for m in memberships_of(user))


def agent_body(user) -> Body | None:
    """The village committee a village agent files at, if the user is one."""
    return next((m.body for m in memberships_of(user) if m.role == AGENT), None)


def may_file_as_agent(actor, body: Body) -> bool:
    """An agent files at the village committee of their own village, nowhere else."""
    if isinstance(actor, CitizenActor):
        return False
    return AGENT in roles_at(actor, body) and body.kind == BodyKind.VILLAGE


def grid_roles_at(actor, body: Body) -> set[str]:
    return roles_at(actor, body) & GRID_STAFF


# ---------------------------------------------------------------------------------------------
# Which parts of the workbench a member of staff may use.

# Grid ledgers are kept by village committees and township governments; petition offices follow
# what is recorded below them.
GRID_BODY_KINDS = (BodyKind.VILLAGE, BodyKind.TOWNSHIP)
GRID_FOLLOWING_KINDS = (*GRID_BODY_KINDS, BodyKind.PETITION_OFFICE)


def is_staff_member(user) -> bool:
    """Holds at least one active post at an active body."""
    return bool(memberships_of(user))


def intake_office(user) -> Body | None:
    """The body where this user registers and routes as an intake clerk, if any."""
    return next((m.body for m in memberships_of(user) if m.role == workflow.INTAKE), None)


def intake_offices(user) -> list[int]:
    return [m.body_id for m in memberships_of(user) if m.role == workflow.INTAKE]


def may_oversee(user) -> bool:
    """Supervisors and leaders see the scope-wide supervision lists and assign ownership."""
    return any(m.role in OVERSIGHT_ROLES for m in memberships_of(user))


def is_leader(user) -> bool:
    return any(m.role == workflow.LEADER for m in memberships_of(user))


def may_use_intake(user) -> bool:
    return intake_office(user) is not None


def may_use_supervision(user) -> bool:
    """Overseers issue notices; holding bodies answer them; registering offices follow listed
    cases (W39)."""
    roles = OVERSIGHT_ROLES | workflow.BODY_STAFF | {workflow.INTAKE}
    return any(m.role in roles for m in memberships_of(user))


def may_use_grid(user) -> bool:
    """Grid workers, staff of bodies that keep or follow a grid ledger, and overseers."""
    return any(
        m.role in OVERSIGHT_ROLES
        or m.role == workflow.GRID
        or (m.role in GRID_STAFF and m.body.kind in GRID_FOLLOWING_KINDS)
        for m in memberships_of(user)
    )


def grid_body(user) -> Body | None:
    """The village or township body where this user records ledger items, if any."""
    for m in memberships_of(user):
        if m.role in GRID_STAFF and m.body.kind in GRID_BODY_KINDS:
            return m.body
    return None


# Statistics, scorecards and the backlog ledger: counts about matters and bodies, never persons.
STATISTICS_ROLES = frozenset({workflow.SUPERVISOR, workflow.LEADER, Role.ANALYST})


def may_use_statistics(user) -> bool:
    """Analysts, supervisors and leaders; the figures cover their divisions and bodies."""
    return any(m.role in STATISTICS_ROLES for m in memberships_of(user))


def may_publish_scorecards(user) -> bool:
    """Supervisors and leaders publish (and so lock) a period's scorecard; analysts read it."""
    return may_oversee(user)


def may_use_hotline(user) -> bool:
    """The hotline page: intake clerks take calls and make return calls; those who read the
    statistics read its rates."""
    return may_use_intake(user) or may_use_statistics(user)


# Reception days (W18): the petition office's clerks publish them and keep the day's list;
# supervisors and leaders see those of their division, and a leader their own.
RECEPTION_ROLES = frozenset({workflow.INTAKE, workflow.SUPERVISOR, workflow.LEADER})


def may_use_reception(user) -> bool:
    """The office's reception staff, and the staff of a station with a video room (they see the
    sessions their station joins)."""
    return any(m.role in RECEPTION_ROLES or m.body.has_video_room for m in memberships_of(user))


def video_stations_of(user) -> list[Body]:
    return [m.body for m in memberships_of(user) if m.body.has_video_room]


def may_keep_reception(user, office: Body) -> bool:
    """Publish days at `office`, book for walk-ins, record sessions, attach recordings."""
    return any(m.role in RECEPTION_ROLES and covers(m.body, office) for m in memberships_of(user))


def reception_scope_q(user, *, field: str = "office") -> Q:
    """The reception days this user sees: those of offices within their posts' divisions, and
    the days they receive at themselves."""
    q = Q(**{f"{field}__pk__in": []})
    for m in memberships_of(user):
        if m.role in RECEPTION_ROLES:
            q |= within_q(f"{field}__division", m.body.division)
    if getattr(user, "is_authenticated", False):
        q |= Q(leader=user)
    return q
