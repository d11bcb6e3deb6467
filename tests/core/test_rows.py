"""core/rows.py writes every value as Django's own field preparation would, the values it takes
as they are included."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.utils.translation import gettext_lazy

from tests.conftest import register_appeal, replied_appeal
from xinfang.cases.models import Case, CaseEvent, Clock, Party
from xinfang.core import rows
from xinfang.notify.models import Outbox

pytestmark = pytest.mark.django_db

# Fields set as the row is saved (updated_at) take this moment both times.
MOMENT = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


def _django_s(obj) -> list:
    meta = type(obj)._meta
    fields = [
        f
        for f in meta.local_concrete_fields
        if f is not meta.auto_field and not getattr(f, "generated", False)
    ]
    return [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]


def _plain(values: list) -> list:
    # psycopg's JSON wrappers do not compare equal; what they wrap does.
    return [(type(v).__name__, v.obj) if hasattr(v, "obj") else v for v in values]


def _unsaved(row):
    new = copy.copy(row)
    new.pk = None
    new._state = copy.copy(row._state)
    new._state.adding = True
    return new


def test_the_values_written_are_django_s_own_for_every_row_a_case_has(county):
    case = replied_appeal(county, register_appeal(county).case)
    written = [case, *case.parties.all(), *Clock.objects.filter(case=case)]
    written += [*CaseEvent.objects.filter(case=case), *Outbox.objects.filter(case=case)]
    assert {type(r) for r in written} >= {Case, Party, Clock, CaseEvent, Outbox}
    for row in written:
        new = _unsaved(row)
        with time_machine.travel(MOMENT, tick=False):
            built = rows._prepared([new], False)
            if built is None:  # an engine that cannot read new keys back: bulk_create writes it
                continue
            assert _plain(built[1]) == _plain(_django_s(new)), type(row).__name__


def test_a_value_not_of_the_field_s_own_type_goes_through_the_field(county):
    case = _unsaved(register_appeal(county).case)
    case.title = gettext_lazy("Enter a title")  # a lazy string, as the ORM would take it
    case.confidential = 1  # a BooleanField given an int
    with time_machine.travel(MOMENT, tick=False):
        built = rows._prepared([case], False)
        if built is None:
            pytest.skip("this engine writes new rows through bulk_create")
        assert _plain(built[1]) == _plain(_django_s(case))
    title = [f.attname for f in Case._meta.local_concrete_fields if f is not Case._meta.auto_field]
    assert type(built[1][title.index("title")]) is str
    assert built[1][title.index("confidential")] is True
