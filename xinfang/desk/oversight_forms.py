"""Oversight forms: supervision notices, leader ownership, the grid ledger."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from xinfang.cases import workflow
from xinfang.cases.models import GridItem
from xinfang.core.errors import apply_to_form
from xinfang.core.timeutil import today
from xinfang.orgs.models import Body, Division
from xinfang.orgs.selectors import within_q

from .work_forms import MoveForm


def _date_widget():
    return forms.DateInput(attrs={"type": "date", "min": today().isoformat()})


def _text(label, rows=3, required=True):
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": rows})
    )


class LeaderForm(MoveForm):
    """Ownership (包案) named by case number, with the inputs the move declares (W18)."""

    number = forms.CharField(label=_("Case number"), max_length=40)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, move="assign_leader", user=user, case=None, prefix="", **kwargs)
        self.order_fields(["number"])


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
