"""Oversight forms: supervision notices, leader ownership, the grid ledger."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from xinfang.cases import workflow
from xinfang.cases.models import GridItem
from xinfang.core.errors import apply_to_form
from xinfang.core.timeutil import today
from xinfang.orgs.models import Body, Division
from xinfang.orgs.selectors import bodies_in_scope, within_q


def _date_widget():
    return forms.DateInput(attrs={"type": "date", "min": today().isoformat()})


def _text(label, rows=3, required=True):
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": rows})
    )


class NoticeForm(forms.Form):
    grounds = _text(_("Grounds for supervision"))
    due_on = forms.DateField(
        label=_("Reply due"),
        required=False,
        widget=_date_widget(),
        help_text=_("Leave empty for the default of 10 working days."),
    )


class ReasonForm(forms.Form):
    reason = _text(_("Reason"))


class AnswerForm(forms.Form):
    answer = _text(_("Reply to the supervision notice"), rows=4)


class NamedChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        if isinstance(obj, Body):
            return obj.name
        return obj.get_full_name() or obj.get_username()


class LeaderForm(forms.Form):
    """Ownership (包案) with the four fixed: leader, body, plan, time limit (W18)."""

    number = forms.CharField(label=_("Case number"), max_length=40)
    level = forms.ChoiceField(label=_("Level"), choices=list(workflow.LEADER_LEVELS.items()))
    leader = NamedChoiceField(label=_("Owning leader"), queryset=get_user_model().objects.none())
    body = NamedChoiceField(label=_("Responsible body"), queryset=Body.objects.none())
    plan = _text(_("Resolution plan"))
    deadline = forms.DateField(label=_("Time limit"), widget=_date_widget())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        bodies = bodies_in_scope(user).filter(is_active=True)
        self.fields["body"].queryset = bodies.order_by("division__path", "name")
        self.fields["leader"].queryset = (
            get_user_model()
            .objects.filter(
                is_active=True,
                memberships__role=workflow.LEADER,
                memberships__is_active=True,
                memberships__body__in=bodies_in_scope(user),
            )
            .distinct()
            .order_by("username")
        )


class GridItemForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=GridItem.KINDS)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = _text(_("What was found"), rows=4)
    place = forms.ModelChoiceField(label=_("Place"), queryset=Division.objects.none())
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    responsible_person = forms.CharField(label=_("Responsible person"), max_length=50)
    due_on = forms.DateField(label=_("Settle by"), widget=_date_widget())

    def __init__(self, *args, body: Body, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = Division.objects.filter(
            within_q("", body.division)
        ).order_by("path")
        self.fields["place"].label_from_instance = lambda d: d.name


class SettleForm(forms.Form):
    outcome = _text(_("Outcome"))


class EscalateForm(forms.Form):
    reason = _text(_("Why it cannot be settled at this level"))
    responsible_person = forms.CharField(
        label=_("Responsible person at the next level"), max_length=50, required=False
    )
    due_on = forms.DateField(label=_("New settle-by date"), required=False, widget=_date_widget())


class ConvertForm(forms.Form):
    content_type = forms.ChoiceField(
        label=_("Content type"), choices=list(workflow.CONTENT_TYPES.items()), initial="appeal"
    )
    petitioner_name = forms.CharField(label=_("Petitioner's name"), max_length=50, required=False)
    petitioner_phone = forms.CharField(label=_("Petitioner's phone"), max_length=20, required=False)


def add_service_error(form: forms.Form, error) -> None:
    apply_to_form(form, error)
