"""The phone intake form of the hotline desk: the caller's number, the call time, the work-order
number, and what the caller asked."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from xinfang.cases.workflow import CONTENT_TYPES
from xinfang.channels.models import HotlineOrder

# A call is a request or complaint, a suggestion or a question; reports of misconduct are taken
# in writing at the discipline body.
CALL_TYPES = ("appeal", "suggestion", "consultation")


class PhoneIntakeForm(forms.Form):
    platform = forms.ChoiceField(label=_("Hotline platform"))
    order_number = forms.CharField(label=_("Work-order number"), max_length=64)
    caller_phone = forms.CharField(
        label=_("Caller's number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    caller_name = forms.CharField(
        label=_("Caller's name"),
        max_length=50,
        required=False,
        help_text=_("A request or complaint names the caller; a question may be anonymous."),
    )
    call_time = forms.DateTimeField(
        label=_("Call time"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    content_type = forms.ChoiceField(
        label=_("Content type"), choices=[(k, CONTENT_TYPES[k]) for k in CALL_TYPES]
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=HotlineOrder.URGENCIES, initial="normal"
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to use the start of what the caller said."),
    )
    content = forms.CharField(
        label=_("Content of the call"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000
    )
    address = forms.CharField(label=_("Address"), max_length=200, required=False)

    def __init__(self, *args, platforms, **kwargs):
        super().__init__(*args, **kwargs)
        self.platforms = {str(p.pk): p for p in platforms}
        self.fields["platform"].choices = [(k, p.name) for k, p in self.platforms.items()]
        if len(self.platforms) == 1:
            # One platform: nothing to choose.
            self.fields["platform"].widget = forms.HiddenInput()
            self.fields["platform"].required = False
            self.fields["platform"].initial = next(iter(self.platforms))

    def clean_platform(self):
        chosen = self.cleaned_data.get("platform")
        if not chosen and len(self.platforms) == 1:
            return next(iter(self.platforms))
        return chosen
