"""Forms of the intake desk: registration (adapting to the channel) and the routing moves."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from xinfang.cases import services, workflow
from xinfang.core import filetypes
from xinfang.core.articles import with_article
from xinfang.orgs.models import Body, Division
from xinfang.orgs.selectors import within_q
from xinfang.taxonomy.selectors import leaf_by_code

# Channels a clerk registers at the desk (web and mobile come in through the portal and API).
DESK_CHANNELS = ("letter", "visit", "phone", "fax", "video", "grid")
ORAL_CHANNELS = frozenset({"phone", "video"})  # W19: the clerk records what is said

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_FILES = 10
# The types a scan may have, read from its content; the declared type is not trusted.
SCAN_TYPES = frozenset({"image/png", "image/jpeg", "image/tiff", "application/pdf"})


def check_upload(upload) -> tuple[str | None, str]:
    """(mime type, "") for an acceptable scan, else (None, reason in the user's language)."""
    if upload.size > MAX_FILE_BYTES:
        return None, str(
            _("%(name)s is larger than %(mb)s MB.")
            % {"name": upload.name, "mb": MAX_FILE_BYTES // (1024 * 1024)}
        )
    if upload.size == 0:
        return None, str(_("%(name)s is empty.") % {"name": upload.name})
    mime = filetypes.sniff_upload(upload)
    if mime not in SCAN_TYPES:
        return None, str(
            _("%(name)s is not a PNG, JPEG, TIFF image or a PDF file.") % {"name": upload.name}
        )
    return mime, ""


def division_choices(root: Division) -> list[tuple[str, str]]:
    rows = Division.objects.filter(within_q("", root)).order_by("path")
    return [(d.code, "\u3000" * (d.level - root.level) + d.name) for d in rows]


class RegistrationForm(forms.Form):
    """One form for every desk channel; `channel` decides which parts apply."""

    content_type = forms.ChoiceField(
        label=_("Content type"), choices=list(workflow.CONTENT_TYPES.items()), initial="appeal"
    )
    category = forms.CharField(label=_("Category"), required=False)
    category_q = forms.CharField(label=_("Find a category"), required=False)
    place = forms.ChoiceField(label=_("Place"))
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Content"), widget=forms.Textarea)
    name = forms.CharField(label=_("Petitioner name"), max_length=50, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    id_number = forms.CharField(label=_("ID number"), max_length=30, required=False)
    petitioner_address = forms.CharField(label=_("Postal address"), max_length=200, required=False)
    accused_body = forms.ModelChoiceField(
        label=_("Accused body (reports only)"), queryset=Body.objects.none(), required=False
    )
    public_consent = forms.BooleanField(label=_("Agrees to publication"), required=False)
    is_group = forms.BooleanField(label=_("Group visit"), required=False)
    group_size = forms.IntegerField(label=_("People in the group"), min_value=1, required=False)

    def __init__(self, *args, channel: str, office: Body, has_files: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.channel = channel
        self.office = office
        self.has_files = has_files
        root = office.division
        self.fields["place"].choices = division_choices(root)
        self.fields["place"].initial = root.code
        self.fields["accused_body"].queryset = Body.objects.filter(
            within_q("division", root), is_active=True
        ).exclude(pk=office.pk)
        self.fields["phone"].widget.input_type = "tel"
        self.fields["category_q"].widget.input_type = "search"
        self.fields["group_size"].widget.attrs["inputmode"] = "numeric"
        if channel in ORAL_CHANNELS:
            self.fields["body"].label = _("Record of what the petitioner said")
            self.fields["body"].help_text = with_article(
                _(
                    "An oral petition is written down by the clerk (%(article)s): "
                    "request, facts and reasons."
                ),
                "W19",
            )
        if channel != "visit":
            del self.fields["is_group"]
            del self.fields["group_size"]

    @property
    def category_obj(self):
        code = self.cleaned_data.get("category")
        return leaf_by_code(code) if code else None

    def clean_category(self):
        code = (self.cleaned_data.get("category") or "").strip()
        if code and leaf_by_code(code) is None:
            raise forms.ValidationError(_("Choose a category from the list."))
        return code

    def clean(self):
        data = super().clean()
        if self.channel == "letter" and not self.has_files:
            self.add_error(None, _("A letter needs at least one scan (image or PDF)."))
        if data.get("accused_body") and data.get("content_type") != "report":
            self.add_error("accused_body", _("Only a report (检举控告) names an accused body."))
        return data


class RepresentativeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    id_number = forms.CharField(label=_("ID number"), max_length=30, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The column headings are hidden on a phone; the placeholder names each box there.
        for field in self.fields.values():
            field.widget.attrs["placeholder"] = field.label

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not any((data.get(k) or "").strip() for k in ("name", "phone", "id_number"))


class BaseRepresentativeFormSet(forms.BaseFormSet):
    def filled(self) -> list[RepresentativeForm]:
        return [f for f in self.forms if hasattr(f, "cleaned_data") and not f.is_blank()]

    def clean(self):
        super().clean()
        if len(self.filled()) > services.MAX_REPRESENTATIVES:
            # The service refuses it too; saying so here keeps the clerk on the form.
            raise forms.ValidationError(
                with_article(
                    _("A group visit chooses representatives, no more than 5 (%(article)s)"), "W20"
                )
            )


RepresentativeFormSet = forms.formset_factory(
    RepresentativeForm, formset=BaseRepresentativeFormSet, extra=0, max_num=50, absolute_max=50
)
