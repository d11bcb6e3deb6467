"""The statistics filter form: reporting window, place, body, channel, content type, category."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from xinfang.cases import workflow
from xinfang.insights.selectors import StatFilters, windows
from xinfang.orgs.models import WIDE_SCOPE_ROLES, Division
from xinfang.orgs.selectors import bodies_in_scope, memberships_of
from xinfang.taxonomy.models import Category
from xinfang.taxonomy.selectors import active_version

PERIOD_KINDS = [
    (windows.MONTH, _("Month")),
    (windows.QUARTER, _("Quarter")),
    (windows.YEAR, _("Year")),
    (windows.CUSTOM, _("Custom dates")),
]
LEVELS = [("1", _("Level 1")), ("2", _("Level 2")), ("3", _("Level 3"))]
INDENT = "\u3000"


def divisions_in_scope(user):
    roots = {m.body.division for m in memberships_of(user) if m.role in WIDE_SCOPE_ROLES}
    roots |= {m.body.division for m in memberships_of(user)}
    q = None
    for d in roots:
        part = Division.objects.filter(path__startswith=d.path)
        q = part if q is None else q | part
    return (q or Division.objects.none()).order_by("path")


class StatisticsForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"), choices=PERIOD_KINDS, required=False)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    month = forms.TypedChoiceField(
        label=_("Month"),
        required=False,
        coerce=int,
        choices=[("", "")] + [(m, str(m)) for m in range(1, 13)],
    )
    quarter = forms.TypedChoiceField(
        label=_("Quarter"),
        required=False,
        coerce=int,
        choices=[("", "")] + [(q, f"Q{q}") for q in range(1, 5)],
    )
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    division = forms.ChoiceField(label=_("Place"), required=False)
    body = forms.TypedChoiceField(label=_("Body"), required=False, coerce=int, empty_value=None)
    channel = forms.ChoiceField(
        label=_("Channel"),
        required=False,
        choices=[("", _("Any"))] + list(workflow.CHANNELS.items()),
    )
    content_type = forms.ChoiceField(
        label=_("Content type"),
        required=False,
        choices=[("", _("Any"))] + list(workflow.CONTENT_TYPES.items()),
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    level = forms.ChoiceField(label=_("Group categories by"), choices=LEVELS, required=False)

    def __init__(self, data, *, user, day: dt.date):
        super().__init__(data)
        self.day = day
        self.fields["division"].choices = [("", _("All my area"))] + [
            (d.code, INDENT * max(d.level - 3, 0) + d.name) for d in divisions_in_scope(user)
        ]
        self.fields["body"].choices = [("", _("All bodies"))] + [
            (b.pk, b.name) for b in bodies_in_scope(user).order_by("division__path", "name")
        ]
        version = active_version()
        cats = Category.objects.filter(version=version) if version else Category.objects.none()
        self.fields["category"].choices = [("", _("Any"))] + [
            (code, INDENT * (level - 1) + name)
            for code, level, name in cats.order_by("code").values_list("code", "level", "name")
        ]

    def window(self) -> windows.Window:
        data = self.cleaned_data if self.is_valid() else {}
        kind = data.get("period") or windows.MONTH
        y = data.get("year") or self.day.year
        if kind == windows.YEAR:
            return windows.year(y)
        if kind == windows.QUARTER:
            return windows.quarter(y, data.get("quarter") or (self.day.month - 1) // 3 + 1)
        if kind == windows.CUSTOM and data.get("start") and data.get("end"):
            return windows.custom(data["start"], data["end"])
        if kind == windows.CUSTOM:
            start = data.get("start") or self.day.replace(day=1)
            return windows.custom(start, data.get("end") or self.day)
        return windows.month(y, data.get("month") or self.day.month)

    def filters(self) -> StatFilters:
        data = self.cleaned_data if self.is_valid() else {}
        code = data.get("division") or ""
        return StatFilters(
            window=self.window(),
            division=Division.objects.filter(code=code).first() if code else None,
            body=data.get("body"),
            channel=data.get("channel") or "",
            content_type=data.get("content_type") or "",
            category=data.get("category") or "",
            level=int(data.get("level") or 1),
        )
