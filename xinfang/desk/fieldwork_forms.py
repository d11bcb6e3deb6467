"""Forms of field work: a village agent filing for a villager, and the grid worker's phone page
(a ledger item with photos and a pin, a 民情日志 entry, the round's confirmation)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from xinfang.cases.fieldwork_models import FIELD_TOPICS
from xinfang.orgs.models import Body, Division
from xinfang.orgs.selectors import within_q

from .oversight_forms import GridItemForm, _text

AGENT_CONTENT_TYPES = [
    ("appeal", _("Request or complaint")),
    ("suggestion", _("Suggestion or opinion")),
]


def _places(body: Body):
    return Division.objects.filter(within_q("", body.division)).order_by("path")


class AgentFilingForm(forms.Form):
    name = forms.CharField(label=_("Villager's name"), max_length=50)
    phone = forms.CharField(
        label=_("Villager's mobile"),
        max_length=20,
        help_text=_("The tracking code is sent to this number by SMS."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    id_number = forms.CharField(label=_("ID number"), max_length=18, required=False)
    content_type = forms.ChoiceField(label=_("Content type"), choices=AGENT_CONTENT_TYPES)
    title = forms.CharField(label=_("Title"), max_length=200)
    text = _text(_("What the villager asks"), rows=5)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotoField(forms.FileField):
    def clean(self, data, initial=None):
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [f for f in files if f]


class FieldItemForm(GridItemForm):
    """The ledger's form with photos of the issue and a pin the worker places on it."""

    photos = PhotoField(
        label=_("Photos of the issue"),
        required=False,
        help_text=_("Up to 5 photos (JPG, PNG or WebP). Their location data is removed."),
        widget=MultiplePhotoInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    latitude = forms.DecimalField(
        label=_("Latitude of the issue"),
        required=False,
        max_digits=9,
        decimal_places=6,
        widget=forms.NumberInput(attrs={"step": "0.000001", "inputmode": "decimal"}),
    )
    longitude = forms.DecimalField(
        label=_("Longitude of the issue"),
        required=False,
        max_digits=9,
        decimal_places=6,
        help_text=_(
            "Where the issue is, as you place it (read it off a map). The position of your "
            "phone is never taken."
        ),
        widget=forms.NumberInput(attrs={"step": "0.000001", "inputmode": "decimal"}),
    )


class FieldNoteForm(forms.Form):
    topic = forms.ChoiceField(label=_("Topic"), choices=list(FIELD_TOPICS.items()))
    text = _text(
        _("What was heard"),
        rows=4,
    )
    text.help_text = _("About the matter only: no names, households or phone numbers.")

    def __init__(self, *args, body: Body, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"] = forms.ModelChoiceField(
            label=_("Place"), queryset=_places(body), required=False
        )
        self.fields["place"].label_from_instance = lambda d: d.name


class RoundForm(forms.Form):
    nothing_found = forms.TypedChoiceField(
        label=_("Result of the round"),
        choices=[
            ("1", _("Nothing found")),
            ("0", _("Matters found (recorded in the ledger)")),
        ],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)
