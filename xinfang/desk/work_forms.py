"""Workbench forms: one per move, generated from the move's service signature, and the inbox
filters. Every form posts plain values that services.make_move turns into service arguments."""

from __future__ import annotations

import datetime as dt
import inspect

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Model, Q
from django.utils.translation import gettext_lazy as _

from xinfang.cases import services, workflow
from xinfang.cases.models import Case
from xinfang.cases.selectors import QUEUES
from xinfang.core.errors import apply_to_form
from xinfang.core.timeutil import today
from xinfang.orgs.models import Body
from xinfang.orgs.selectors import memberships_of, within_q

TEXT_FIELDS = {
    "note": _("Note"),
    "reason": _("Reason"),
    "reasons": _("Reasons"),
    "facts": _("Facts found"),
    "basis": _("Legal basis"),
    "request": _("The petitioner's request"),
    "grounds": _("Grounds for supervision"),
    "plan": _("Resolution plan"),
    "agreement": _("Mediation agreement"),
    "opinion": _("Opinion"),
    "answer": _("Answer"),
    "comment": _("Comment"),
    "part": _("Its part of the work"),
}
DATE_FIELDS = {
    "report_due": _("Result report due"),
    "due_on": _("Reply due"),
    "deadline": _("Time limit"),
}
CHOICE_FIELDS = {
    "decision": (_("Decision"), workflow.DECISIONS),
    "legal_channel": (_("Statutory channel"), workflow.LEGAL_CHANNELS),
    "rating": (_("Rating"), workflow.RATINGS),
    "level": (_("Ownership level"), workflow.LEADER_LEVELS),
}
OTHER_LABELS = {
    "body": _("Body"),
    "handler": _("Handler"),
    "leader": _("Leader"),
    "days": _("Days of extension"),
    "into": _("Number of the case it repeats"),
    "final_case": _("Number of the case decided on re-review"),
}


def target_bodies(user, case: Case):
    """Bodies this user may send the case to: active bodies at or below the divisions of the
    user's own bodies, never the holder itself and never the body a report accuses (W30)."""
    q = Q(pk__in=[])
    for m in memberships_of(user):
        q |= within_q("division", m.body.division)
    qs = Body.objects.filter(q, is_active=True).exclude(pk=case.holder_body_id)
    if case.accused_body_id:
        qs = qs.exclude(pk=case.accused_body_id)
    return qs.select_related("division").order_by("division__path", "name")


def _people(role: str, bodies):
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__role=role,
            memberships__is_active=True,
            memberships__body__in=bodies,
        )
        .distinct()
        .order_by("username")
    )


class BodyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


def _field(name: str, default, *, user, case: Case) -> forms.Field:
    required = default is inspect.Parameter.empty
    if name in TEXT_FIELDS:
        rows = 2 if name == "note" else 3
        return forms.CharField(
            label=TEXT_FIELDS[name], required=required, widget=forms.Textarea(attrs={"rows": rows})
        )
    if name in DATE_FIELDS:
        return forms.DateField(
            label=DATE_FIELDS[name],
            required=required,
            widget=forms.DateInput(attrs={"type": "date", "min": today().isoformat()}),
        )
    if name in CHOICE_FIELDS:
        label, mapping = CHOICE_FIELDS[name]
        choices = list(mapping.items())
        if not required:
            choices = [("", "—")] + choices
        return forms.ChoiceField(label=label, required=required, choices=choices)
    if name == "body":
        return BodyChoiceField(
            label=OTHER_LABELS[name], required=required, queryset=target_bodies(user, case)
        )
    if name == "handler":
        return PersonChoiceField(
            label=OTHER_LABELS[name],
            required=required,
            queryset=_people(workflow.HANDLER, [case.holder_body_id]),
        )
    if name == "leader":
        scope = [m.body_id for m in memberships_of(user)] + [case.holder_body_id]
        return PersonChoiceField(
            label=OTHER_LABELS[name], required=required, queryset=_people(workflow.LEADER, scope)
        )
    if name == "days":
        return forms.IntegerField(
            label=OTHER_LABELS[name], required=required, min_value=1, max_value=30
        )
    label = OTHER_LABELS.get(name, name)
    return forms.CharField(label=label, required=required, max_length=200)


class MoveForm(forms.Form):
    """The inputs of one move; `version` is the case version the user saw (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, move: str, user, case: Case, **kwargs):
        kwargs.setdefault("prefix", move)
        kwargs.setdefault("initial", {"version": case.version})
        super().__init__(*args, **kwargs)
        self.move = workflow.MOVES[move]
        for name, default in services.move_params(move).items():
            self.fields[name] = _field(name, default, user=user, case=case)

    def payload(self) -> dict:
        """Plain values for services.make_move; blanks left out so service defaults apply."""
        out = {}
        for name, value in self.cleaned_data.items():
            if name == "version" or value in (None, ""):
                continue
            if isinstance(value, Model):
                value = value.pk
            elif isinstance(value, dt.date):
                value = value.isoformat()
            out[name] = value
        out["expected_version"] = self.cleaned_data["version"]
        return out


def add_service_error(form: forms.Form, error) -> None:
    apply_to_form(form, error)


class UnmaskForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need the full details?"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class InboxFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    queue = forms.ChoiceField(
        label=_("Queue"), required=False, choices=list(QUEUES.items()), widget=forms.HiddenInput
    )
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("Any"))] + list(workflow.STATE_LABELS.items()),
    )
    category = forms.CharField(
        label=_("Category code"),
        required=False,
        max_length=6,
        help_text=_("Level 1 (2 digits) or any level below it"),
    )
    division = forms.CharField(label=_("Division code"), required=False, max_length=12)
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
    registered_from = forms.DateField(
        label=_("Registered from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    registered_to = forms.DateField(
        label=_("Registered to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    cursor = forms.CharField(required=False, widget=forms.HiddenInput)
