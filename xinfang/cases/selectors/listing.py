"""The inbox's pickers by name and its export: what a filtered list holds, row by row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinfang.core import crypto
from xinfang.core.timeutil import today
from xinfang.orgs.models import Division, Level
from xinfang.orgs.selectors import memberships_of, within_q
from xinfang.taxonomy.models import Category
from xinfang.taxonomy.selectors import active_version

from .. import workflow
from ..access import identity_in_export, may_export_identities
from ..models import Party
from .inbox import InboxFilters, _next_due, inbox_queryset

EXPORT_CHUNK = 2000
IDENTITY_WITHHELD = gettext_lazy("(withheld)")


def category_filter_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Level-1 and level-2 categories of the active taxonomy, by name, grouped by level 1:
    [(group name, [(code, name), ...]), ...]; the code is only the submitted value."""
    version = active_version()
    if version is None:
        return []
    rows = Category.objects.filter(version=version, level__lte=2).order_by("code")
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    for c in rows.only("code", "name", "level"):
        if c.level == 1:
            groups.append((c.name, [(c.code, _("%(name)s (all)") % {"name": c.name})]))
        elif groups:
            groups[-1][1].append((c.code, c.name))
    return groups


def place_filter_choices(user) -> list[tuple[str, str]]:
    """The places a user's lists cover, by name: the divisions of the user's bodies and those
    below them down to townships (villages too for staff of a township or a village)."""
    divisions = {m.body.division_id: m.body.division for m in memberships_of(user)}
    if not divisions:
        return []
    q = None
    deepest = Level.TOWNSHIP
    for d in divisions.values():
        q = within_q("", d) if q is None else q | within_q("", d)
        if d.level >= Level.TOWNSHIP:
            deepest = Level.VILLAGE
    rows = (
        Division.objects.filter(q, level__lte=deepest)
        .order_by("path")
        .only("code", "name", "level")
    )
    top = min(d.level for d in divisions.values())
    return [(d.code, "\u3000" * max(0, d.level - top) + d.name) for d in rows]


def export_headers(user) -> list[str]:
    headers = [
        _("Case number"),
        _("Title"),
        _("Content type"),
        _("Category"),
        _("Place"),
        _("Address"),
        _("Channel"),
        _("State"),
        _("Held by"),
        _("Next deadline"),
        _("Days left"),
        _("Time registered"),
    ]
    if may_export_identities(user):
        headers += [_("Petitioners"), _("Phone")]
    return headers


def export_rows(
    user, queue: str = "all", filters: InboxFilters | None = None, *, on: dt.date | None = None
) -> Iterator[list]:
    """Every case of the filtered queue, one list of cells a case, in the list's order, read in
    chunks so memory stays flat. Petitioners appear masked, and only where
    access.identity_in_export allows; a protected reporter never does."""
    day = on or today()
    yield from case_export_rows(user, inbox_queryset(user, queue, filters, None, on=day), on=day)


def case_export_rows(user, qs, *, on: dt.date) -> Iterator[list]:
    """The export's cells (export_headers) of each case of `qs`, a list of cases the user may
    see, with the same masking and protection as the inbox's export."""
    day = on
    named = may_export_identities(user)
    if "next_due" not in qs.query.annotations:
        qs = qs.annotate(next_due=_next_due())
    if named:
        qs = qs.prefetch_related(Prefetch("parties", queryset=Party.objects.order_by("pk")))
    for c in qs.iterator(chunk_size=EXPORT_CHUNK):
        due = c.next_due
        row = [
            c.number,
            c.title,
            workflow.CONTENT_TYPES.get(c.content_type, c.content_type),
            c.category.full_name if c.category_id else "",
            c.place.name,
            c.address,
            workflow.CHANNELS.get(c.channel, c.channel),
            c.state_label,
            c.holder_body.name,
            due,
            (due - day).days if due else None,
            timezone.localtime(c.registered_at).replace(tzinfo=None),
        ]
        if named:
            if identity_in_export(user, c):
                # Only the two fields shown: each decryption costs a little on 100,000 rows.
                people = c.parties.all()
                row.append("、".join(filter(None, (crypto.mask_name(p.name) for p in people))))
                row.append("、".join(filter(None, (crypto.mask_phone(p.phone) for p in people))))
            else:
                row += [str(IDENTITY_WITHHELD), str(IDENTITY_WITHHELD)]
        yield [str(v) if isinstance(v, Promise) else v for v in row]
