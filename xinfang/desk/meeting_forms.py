"""Forms of joint meetings (W39), the tasks they give and a leader's queue of letters (W18)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from xinfang.cases import access
from xinfang.orgs.models import Body
from xinfang.orgs.selectors import bodies_in_scope
from xinfang.reception.models import AGENDA_KINDS, MEASURES, AgendaItem, Meeting

from .oversight_forms import _date_widget, _text
from .work_forms import BodyChoiceField


class BodiesField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


def _scope_bodies(user):
    return bodies_in_scope(user).filter(is_active=True).order_by("division__path", "name")


class MeetingForm(forms.Form):
    held_on = forms.DateField(
        label=_("Meeting date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    title = forms.CharField(label=_("Title"), max_length=120)
    convenor = BodyChoiceField(label=_("Convening body"), queryset=Body.objects.none())
    place = forms.CharField(label=_("Meeting place"), max_length=120, required=False)
    bodies = BodiesField(
        label=_("Attending bodies"),
        queryset=Body.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["convenor"].queryset = Body.objects.filter(
            pk__in=access.bodies_where(user, access.OVERSIGHT_ROLES)
        ).order_by("name")
        self.fields["bodies"].queryset = _scope_bodies(user)


class AgendaForm(forms.Form):
    kind = forms.ChoiceField(label=_("Source"), choices=list(AGENDA_KINDS.items()))
    case_number = forms.CharField(label=_("Case number"), max_length=40, required=False)
    topic = forms.CharField(
        label=_("Topic"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to use the case's number and title."),
    )


class DecisionForm(forms.Form):
    agenda_item = forms.ModelChoiceField(
        label=_("Agenda item"), queryset=AgendaItem.objects.none(), required=False
    )
    text = _text(_("Agreed item"))
    body = BodyChoiceField(label=_("Responsible body"), queryset=Body.objects.none())
    measure = forms.ChoiceField(
        label=_("Measure"), choices=[("", "—"), *MEASURES.items()], required=False
    )
    due_on = forms.DateField(
        label=_("Due"),
        required=False,
        widget=_date_widget(),
        help_text=_("Leave empty for the default of 15 working days."),
    )

    def __init__(self, *args, user, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].queryset = meeting.agenda.all()
        self.fields["agenda_item"].label_from_instance = lambda item: item.topic
        self.fields["body"].queryset = _scope_bodies(user)


class SummaryForm(forms.Form):
    summary = _text(_("Summary"), rows=4, required=False)


class TaskDoneForm(forms.Form):
    report = _text(_("Report"), rows=2)
