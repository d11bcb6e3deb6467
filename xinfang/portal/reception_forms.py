"""The citizen's reception booking form: a case they follow, or a new matter."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from xinfang.reception.models import Mode

FOR_CASE = "case"
FOR_NEW = "new"


class BookingForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("How will you be received?"),
        choices=Mode.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose in person or by video.")},
    )
    matter = forms.ChoiceField(
        label=_("What is it about?"),
        choices=[
            (FOR_CASE, _("A petition I already submitted")),
            (FOR_NEW, _("A new matter")),
        ],
        widget=forms.RadioSelect,
        initial=FOR_CASE,
    )
    tracking_code = forms.CharField(
        label=_("Tracking code"),
        max_length=16,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    password = forms.CharField(
        label=_("Query password"),
        max_length=20,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    name = forms.CharField(label=_("Your name"), max_length=50, required=False)
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=20,
        required=False,
        help_text=_("The confirmation and the reminder are sent to it by SMS."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    body = forms.CharField(
        label=_("What happened and what you ask for"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, day, **kwargs):
        super().__init__(*args, **kwargs)
        offered = [
            m
            for m in Mode.choices
            if (m[0] == Mode.VIDEO and day.has_video) or (m[0] == Mode.IN_PERSON and day.in_person)
        ]
        self.fields["mode"].choices = offered
        if len(offered) == 1:
            self.fields["mode"].initial = offered[0][0]

    def clean(self):
        d = super().clean()
        need = (
            ("tracking_code", "password")
            if d.get("matter") == FOR_CASE
            else ("name", "phone", "title", "body")
        )
        for name in need:
            if not (d.get(name) or "").strip():
                self.add_error(name, _("Fill this in to book."))
        if d.get("tracking_code"):
            d["tracking_code"] = re.sub(r"\s", "", d["tracking_code"]).upper()
        return d
