"""Reception forms: publishing days, booking for walk-ins, the session record, lawyers."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from xinfang.cases import access
from xinfang.core.timeutil import today
from xinfang.orgs.models import Body, BodyKind, Membership, Role
from xinfang.orgs.selectors import memberships_of, within_q
from xinfang.reception.models import Appointment, DayMode, Lawyer, Mode

WEEKS = [
    (1, _("This day only")),
    *[(n, _("Every week for %(n)s weeks") % {"n": n}) for n in (4, 8, 13, 26)],
]


def offices_of(user):
    """The petition offices whose reception days this user keeps."""
    ids = [
        m.body_id
        for m in memberships_of(user)
        if m.role in access.RECEPTION_ROLES and m.body.kind == BodyKind.PETITION_OFFICE
    ]
    return Body.objects.filter(pk__in=ids)


def _scope_bodies(user):
    q = None
    for m in memberships_of(user):
        if m.role in access.RECEPTION_ROLES:
            part = within_q("division", m.body.division)
            q = part if q is None else q | part
    return Body.objects.filter(q, is_active=True) if q is not None else Body.objects.none()


class DayForm(forms.Form):
    office = forms.ModelChoiceField(label=_("Petition office"), queryset=Body.objects.none())
    leader_title = forms.CharField(
        label=_("Leader as published"),
        max_length=80,
        help_text=_("Post and name as citizens will read them, e.g. 县委书记 王某某."),
    )
    leader = forms.ModelChoiceField(
        label=_("Leader's account"),
        queryset=get_user_model().objects.none(),
        required=False,
        help_text=_("So the leader sees the day's list."),
    )
    host = forms.ModelChoiceField(label=_("Receiving body"), queryset=Body.objects.none())
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    starts_at = forms.TimeField(
        label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    ends_at = forms.TimeField(label=_("Ends at"), widget=forms.TimeInput(attrs={"type": "time"}))
    mode = forms.ChoiceField(label=_("How"), choices=DayMode.choices)
    place = forms.CharField(label=_("Reception place"), max_length=200, required=False)
    topics = forms.CharField(label=_("Topics"), max_length=200, required=False)
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=500, initial=10)
    stations = forms.ModelMultipleChoiceField(
        label=_("Joining stations"),
        queryset=Body.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    lawyers = forms.ModelMultipleChoiceField(
        label=_("Lawyers on duty"),
        queryset=Lawyer.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    weeks = forms.TypedChoiceField(label=_("Repeat"), choices=WEEKS, coerce=int, initial=1)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        bodies = _scope_bodies(user)
        self.fields["office"].queryset = offices_of(user)
        self.fields["host"].queryset = bodies
        self.fields["stations"].queryset = bodies.filter(has_video_room=True)
        self.fields["lawyers"].queryset = Lawyer.objects.filter(
            office__in=offices_of(user), is_active=True
        )
        leaders = Membership.objects.filter(
            role=Role.LEADER, is_active=True, body__in=bodies
        ).values("user_id")
        self.fields["leader"].queryset = get_user_model().objects.filter(pk__in=leaders)
        self.fields["leader"].label_from_instance = lambda u: u.get_full_name() or u.username
        self.fields["day"].widget.attrs["min"] = today().isoformat()


class BookForm(forms.Form):
    number = forms.CharField(label=_("Case number"), max_length=40)
    kind = forms.ChoiceField(
        label=_("How the petitioner comes"),
        choices=[(k, Appointment.Kind(k).label) for k in ("walk_in", "invited", "visit")],
    )
    mode = forms.ChoiceField(label=_("How"), choices=Mode.choices)
    station = forms.ModelChoiceField(
        label=_("Joins from station"), queryset=Body.objects.none(), required=False
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, day, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = day.stations.all()


class RecordForm(forms.Form):
    came = forms.TypedChoiceField(
        label=_("Did the petitioner come?"),
        choices=[("1", _("Yes, received")), ("0", _("No, did not come"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        initial="1",
    )
    attendees = forms.CharField(label=_("Who came"), max_length=300, required=False)
    said = forms.CharField(
        label=_("What was said"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    decided = forms.CharField(
        label=_("What was decided"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    recording = forms.FileField(label=_("Recording of the video session"), required=False)


class RecordingForm(forms.Form):
    recording = forms.FileField(label=_("Recording of the video session"))


class LawyerForm(forms.ModelForm):
    class Meta:
        model = Lawyer
        fields = ["office", "name", "firm", "licence", "phone"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices_of(user)


class AssignLawyerForm(forms.Form):
    number = forms.CharField(label=_("Case number"), max_length=40)
    lawyer = forms.ModelChoiceField(label=_("Lawyer"), queryset=Lawyer.objects.none())

    def __init__(self, *args, lawyers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lawyer"].queryset = lawyers.filter(is_active=True)


class OpinionForm(forms.Form):
    opinion = forms.CharField(label=_("Lawyer's opinion"), widget=forms.Textarea(attrs={"rows": 4}))
