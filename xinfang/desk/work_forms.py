"""Workbench forms: one per move, drawn from the move's declared inputs (cases/workflow), and the
inbox filters. Every form posts plain values that services.make_move turns into arguments."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Model, Q
from django.utils.translation import gettext_lazy as _

from xinfang.cases import workflow
from xinfang.cases.models import Case
from xinfang.cases.selectors import (
    QUEUES,
    SORTS,
    category_filter_choices,
    place_filter_choices,
)
from xinfang.cases.workflow import inputs
from xinfang.core.errors import apply_to_form
from xinfang.core.timeutil import today
from xinfang.orgs.models import Body
from xinfang.orgs.selectors import bodies_in_scope, memberships_of, within_q


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


def _people_for(role: str, *, user, case: Case | None):
    """Whom a person input may name: a handler of the holder body; a leader of the user's
    bodies or of the holder. Without a case, anyone with the role in the user's scope."""
    if case is None:
        return _people(role, bodies_in_scope(user))
    if role == workflow.HANDLER:
        return _people(role, [case.holder_body_id])
    return _people(role, [m.body_id for m in memberships_of(user)] + [case.holder_body_id])


def _bodies_for(*, user, case: Case | None):
    if case is None:
        return bodies_in_scope(user).filter(is_active=True).order_by("division__path", "name")
    return target_bodies(user, case)


def form_field(field: workflow.Field, *, user, case: Case | None) -> forms.Field:
    """The form field of one declared move input, by its kind."""
    spec = field.spec
    common = {"label": spec.label, "required": spec.required, "help_text": spec.help}
    if spec.kind == inputs.TEXT:
        return forms.CharField(
            max_length=spec.max_length, widget=forms.Textarea(attrs={"rows": spec.rows}), **common
        )
    if spec.kind == inputs.LINE:
        return forms.CharField(max_length=spec.max_length, **common)
    if spec.kind == inputs.DATE:
        bound = "max" if spec.past else "min"
        return forms.DateField(
            widget=forms.DateInput(attrs={"type": "date", bound: today().isoformat()}), **common
        )
    if spec.kind == inputs.CHOICE:
        choices = list(spec.choices.items())
        return forms.ChoiceField(
            choices=choices if spec.required else [("", "—"), *choices], **common
        )
    if spec.kind == inputs.COUNT:
        return forms.IntegerField(min_value=spec.minimum, max_value=spec.maximum, **common)
    if spec.kind == inputs.BODY:
        return BodyChoiceField(queryset=_bodies_for(user=user, case=case), **common)
    return PersonChoiceField(queryset=_people_for(spec.role, user=user, case=case), **common)


class MoveForm(forms.Form):
    """The declared inputs of one move; `version` is the case version the user saw
    (optimistic locking). Without a case (a page that names the case in the form), there is
    no version and the choices are those of the user's scope."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, move: str, user, case: Case | None, **kwargs):
        kwargs.setdefault("prefix", move)
        if case is not None:
            kwargs.setdefault("initial", {"version": case.version})
        super().__init__(*args, **kwargs)
        if case is None:
            del self.fields["version"]
        self.move = workflow.MOVES[move]
        for field in self.move.fields:
            self.fields[field.name] = form_field(field, user=user, case=case)

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
        if "version" in self.cleaned_data:
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
    category = forms.ChoiceField(label=_("Category"), required=False)
    division = forms.ChoiceField(label=_("Place"), required=False)
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
    sort = forms.ChoiceField(label=_("Order"), required=False, choices=list(SORTS.items()))
    cursor = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Picked by name; the code is only what the browser sends back.
        self.fields["category"].choices = [("", _("Any")), *category_filter_choices()]
        self.fields["division"].choices = [("", _("Any")), *place_filter_choices(user)]
