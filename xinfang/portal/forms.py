"""Citizen forms. They check what a person typed; the rules of the case stay in the services."""

from __future__ import annotations

import re
from pathlib import Path

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from xinfang.cases import validation
from xinfang.core import crypto, filetypes
from xinfang.orgs.models import Division
from xinfang.orgs.selectors import divisions_by_codes
from xinfang.taxonomy.selectors import leaf_by_code

CONTENT_TYPES = [
    ("suggestion", _("Suggestion (建议意见)")),
    ("report", _("Report of misconduct (检举控告)")),
    ("appeal", _("Request or complaint (申诉求决)")),
]
OFFERED_KINDS = frozenset(kind for kind, _label in CONTENT_TYPES)
RATINGS = [
    ("satisfied", _("Satisfied")),
    ("basically", _("Basically satisfied")),
    ("unsatisfied", _("Unsatisfied")),
]

# Extension → the types its content may show (core/filetypes.py reads them from the bytes).
ALLOWED_FILES = filetypes.DOCUMENT_TYPES


def upload_limits() -> tuple[int, int]:
    """(largest file in MB, most files) from settings.XINFANG, with the defaults 10 and 5."""
    conf = getattr(settings, "XINFANG", {})
    return int(conf.get("PORTAL_MAX_UPLOAD_MB", 10)), int(conf.get("PORTAL_MAX_FILES", 5))


def check_upload(f) -> str | None:
    """A reason to refuse the file, or None. The content must match its extension."""
    max_mb, _n = upload_limits()
    ext = Path(f.name or "").suffix.lower()
    allowed = ALLOWED_FILES.get(ext)
    if allowed is None:
        return _(
            "“%(name)s” is not an accepted file type. Use images (JPG, PNG), PDF or office "
            "documents (Word, Excel, WPS, OFD)."
        ) % {"name": f.name}
    if f.size > max_mb * 1024 * 1024:
        return _("“%(name)s” is larger than %(mb)s MB.") % {"name": f.name, "mb": max_mb}
    if f.size == 0:
        return _("“%(name)s” is empty.") % {"name": f.name}
    if filetypes.sniff_upload(f) not in allowed:
        return _("“%(name)s” does not look like a %(ext)s file.") % {
            "name": f.name,
            "ext": ext[1:].upper(),
        }
    return None


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": accept_attr()}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [f for f in files if f]


def accept_attr() -> str:
    return ",".join(ALLOWED_FILES) + ",image/*,application/pdf"


def division_chain(codes: list[str]) -> list[Division]:
    """The deepest consistent chain of the cascade's choices, each a child of the one before.

    The cascade posts one value per level; a level changed without the page reloading leaves
    stale values below it, which break the chain and are ignored.
    """
    wanted = [c for c in codes if c]
    found = divisions_by_codes(tuple(sorted(set(wanted))))
    chain: list[Division] = []
    for code in codes:
        d = found.get(code)
        if d is None:
            break
        if chain and d.parent_id != chain[-1].code:
            break
        if not chain and d.parent_id is not None:
            # The first select lists the top divisions; a lone deeper code starts its own chain.
            chain = d.ancestors()[::-1][:-1]
        chain.append(d)
    return chain


class SubmitForm(forms.Form):
    content_type = forms.ChoiceField(
        label=_("What kind of matter is it?"),
        choices=CONTENT_TYPES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what kind of matter this is.")},
    )
    category = forms.CharField(
        label=_("Category"),
        required=False,
        help_text=_("Search, then choose the closest category. You may leave it empty."),
    )
    # The cascade posts one division_code per level; division_chain() reads them all.
    division_code = forms.CharField(label=_("Place"), required=False)
    address = forms.CharField(
        label=_("Address where it happened"),
        max_length=200,
        required=False,
        help_text=_("Street, building, or a landmark nearby."),
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("One line that sums up your matter."),
        error_messages={
            "required": _("Enter a title."),
            "max_length": _("Keep the title under 200 characters."),
        },
    )
    body = forms.CharField(
        label=_("What happened and what you ask for"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=5000,
        help_text=_("The facts, the reasons and your request."),
        error_messages={
            "required": _("Describe your matter."),
            "max_length": _("Keep the description under 5000 characters."),
        },
    )
    name = forms.CharField(label=_("Your name"), max_length=50, required=False)
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    id_number = forms.CharField(label=_("ID card number"), max_length=20, required=False)
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        error_messages={"invalid": _("Enter a valid e-mail address.")},
    )
    contact_address = forms.CharField(label=_("Postal address"), max_length=200, required=False)
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_(
            "Images, PDF or office documents (Word, Excel, WPS, OFD); at most %(n)d files, "
            "each up to %(mb)d MB."
        ),
    )
    public_consent = forms.BooleanField(
        label=_("I agree that an anonymised version of my matter and its reply may be published"),
        required=False,
        help_text=_("Names, phone numbers and ID numbers are never published."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        max_mb, max_files = upload_limits()
        self.fields["attachments"].help_text = self.fields["attachments"].help_text % {
            "n": max_files,
            "mb": max_mb,
        }
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.division = None
        self.category_obj = None

    def division_codes(self) -> list[str]:
        return self.data.getlist("division_code") if self.is_bound else []

    def clean_category(self):
        code = (self.cleaned_data.get("category") or "").strip()
        if not code:
            return ""
        self.category_obj = leaf_by_code(code)
        if self.category_obj is None:
            raise forms.ValidationError(_("Choose a category from the list."))
        return code

    # The same checks as every other way of submitting (cases/validation.py).
    def clean_phone(self):
        raw = self.cleaned_data.get("phone", "")
        problem = validation.phone_problem(raw)
        if problem:
            raise forms.ValidationError(problem)
        return crypto.normalise_phone(raw)

    def clean_id_number(self):
        raw = self.cleaned_data.get("id_number", "")
        problem = validation.id_number_problem(raw)
        if problem:
            raise forms.ValidationError(problem)
        return crypto.normalise_id(raw)

    def clean_attachments(self):
        files = self.cleaned_data.get("attachments") or []
        max_mb, max_files = upload_limits()
        problems = []
        if len(files) > max_files:
            problems.append(_("Attach at most %(n)d files.") % {"n": max_files})
        problems += [reason for f in files if (reason := check_upload(f))]
        if problems:
            raise forms.ValidationError(
                [*problems, _("Nothing else you typed was lost: choose the files again.")]
            )
        return files

    def clean(self):
        data = super().clean()
        self.division = place_of(division_chain(self.division_codes()))
        if self.division is None:
            self.add_error("division_code", _("Choose the county (and, if you can, the township)."))
        missing = missing_for_kind(
            kind=data.get("content_type"), name=data.get("name"), phone=data.get("phone")
        )
        if "name" in missing:
            self.add_error("name", missing["name"])
        if "phone" in missing and "phone" not in self.errors:
            self.add_error("phone", missing["phone"])
        return data


# The portal's own rules, beyond the checks every submission gets (cases/validation.py): the
# form's clean() and the view's path for a form with nothing attached both ask these.


def place_of(chain: list[Division]) -> Division | None:
    """The place a cascade's chain names: a county or a township, else None."""
    return chain[-1] if chain and chain[-1].level >= 3 else None


def offered_kind(kind: str) -> bool:
    """The kinds the form offers (a consultation, say, is registered by staff)."""
    return kind in OFFERED_KINDS


def missing_for_kind(*, kind: str | None, name: str | None, phone: str | None) -> dict[str, str]:
    """W19: a request names the petitioner and a way to reach them (here: a phone number)."""
    if kind != "appeal":
        return {}
    missing = {}
    if not (name or "").strip():
        missing["name"] = _("A request or complaint needs your name.")
    if not crypto.normalise_phone(phone or ""):
        missing["phone"] = _("A request or complaint needs a phone number.")
    return missing


class TrackForm(forms.Form):
    tracking_code = forms.CharField(
        label=_("Tracking code"),
        max_length=16,
        error_messages={"required": _("Enter the tracking code from your receipt.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )
    password = forms.CharField(
        label=_("Query password"),
        max_length=20,
        error_messages={"required": _("Enter the query password from your receipt.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )

    def clean_tracking_code(self):
        return re.sub(r"\s", "", self.cleaned_data["tracking_code"]).upper()


class RateForm(forms.Form):
    rating = forms.ChoiceField(
        label=_("How satisfied are you with the answer?"),
        choices=RATINGS,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose satisfied, basically satisfied or unsatisfied.")},
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("Keep the comment under 1000 characters.")},
    )


class ReviewForm(forms.Form):
    reasons = forms.CharField(
        label=_("Your reasons"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Say which facts or conclusions of the answer you disagree with, and why."),
        error_messages={
            "required": _("Give your reasons for the request."),
            "max_length": _("Keep the reasons under 3000 characters."),
        },
    )


class BoardSearchForm(forms.Form):
    q = forms.CharField(label=_("Search published cases"), max_length=50, required=False)


class MoveForm(forms.Form):
    """A further move the petitioner may make, its fields drawn from the move's declared inputs
    (only the kinds a citizen fills in: text, a line, a choice, a date, a number)."""

    def __init__(self, *args, move, **kwargs):
        kwargs.setdefault("prefix", move.name)
        super().__init__(*args, **kwargs)
        self.move = move
        for field in move.fields:
            self.fields[field.name] = citizen_field(field)

    def payload(self) -> dict:
        return {
            k: v.isoformat() if hasattr(v, "isoformat") else v
            for k, v in self.cleaned_data.items()
            if v not in (None, "")
        }


def citizen_field(field) -> forms.Field:
    from xinfang.cases.workflow import inputs

    spec = field.spec
    common = {"label": spec.label, "required": spec.required, "help_text": spec.help}
    if spec.kind == inputs.TEXT:
        widget = forms.Textarea(attrs={"rows": spec.rows})
        return forms.CharField(max_length=spec.max_length, widget=widget, **common)
    if spec.kind == inputs.CHOICE:
        return forms.ChoiceField(
            choices=list(spec.choices.items()), widget=forms.RadioSelect, **common
        )
    if spec.kind == inputs.DATE:
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if spec.kind == inputs.COUNT:
        return forms.IntegerField(min_value=spec.minimum, max_value=spec.maximum, **common)
    if spec.kind == inputs.LINE:
        return forms.CharField(max_length=spec.max_length, **common)
    raise ValueError(f"a citizen does not choose a {spec.kind}")


class MaterialForm(forms.Form):
    """Material or a message added to an open case from the tracking page."""

    message = forms.CharField(
        label=_("Your message or further material"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What you want to add to your petition. Files can be attached below."),
        error_messages={"required": _("Write what you want to add")},
    )
    files = MultipleFileField(label=_("Attachments"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        max_mb, max_files = upload_limits()
        self.fields["files"].help_text = _(
            "Up to %(n)s files of at most %(mb)s MB each: images, PDF or office documents."
        ) % {"n": max_files, "mb": max_mb}

    def clean_files(self):
        files = self.cleaned_data.get("files") or []
        _mb, max_files = upload_limits()
        if len(files) > max_files:
            raise forms.ValidationError(
                _("Attach at most %(n)s files at a time.") % {"n": max_files}
            )
        problems = [p for p in (check_upload(f) for f in files) if p]
        if problems:
            raise forms.ValidationError(problems)
        return files
