"""Administrative divisions, bodies and staff memberships.

Codes: province, city and county use the six-digit GB/T 2260 code; townships and villages extend
their county's code to 9 and 12 digits as the statistical division codes do, so every code begins
with its county's six digits.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    PROVINCE = 1, _("province")
    CITY = 2, _("city")
    COUNTY = 3, _("county")
    TOWNSHIP = 4, _("township")
    VILLAGE = 5, _("village")


CODE_LENGTH = {
    Level.PROVINCE: 6,
    Level.CITY: 6,
    Level.COUNTY: 6,
    Level.TOWNSHIP: 9,
    Level.VILLAGE: 12,
}


class Division(models.Model):
    code = models.CharField(_("division code"), max_length=12, primary_key=True)
    name = models.CharField(_("name"), max_length=60)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent division"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path of codes ("370000/370600/370687/"), so a subtree is one indexed prefix query.
    path = models.CharField(max_length=120, db_index=True, editable=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("administrative division")
        verbose_name_plural = _("administrative divisions")

    def __str__(self):
        return f"{self.name} ({self.code})"

    def clean(self):
        if not self.code.isdigit() or len(self.code) != CODE_LENGTH.get(self.level, 6):
            raise ValidationError(
                {
                    "code": _("A division code at this level has %(n)s digits.")
                    % {"n": CODE_LENGTH.get(self.level, 6)}
                }
            )
        if self.parent_id and self.parent and self.parent.level >= self.level:
            raise ValidationError({"parent": _("The parent must be a higher level.")})

    def lies_within(self, other: Division) -> bool:
        """Whether this division is `other` or lies below it (the one "within" rule)."""
        return self.path.startswith(other.path)

    def save(self, *args, **kwargs):
        prefix = self.parent.path if self.parent_id else ""
        self.path = f"{prefix}{self.code}/"
        super().save(*args, **kwargs)

    @property
    def county_code(self) -> str:
        return self.code[:6]

    def ancestors(self) -> list[Division]:
        """From this division up to the root, this one first."""
        codes = [c for c in self.path.split("/") if c][::-1]
        found = {d.code: d for d in Division.objects.filter(code__in=codes)}
        return [found[c] for c in codes if c in found]

    def full_name(self) -> str:
        return "".join(d.name for d in reversed(self.ancestors()))


class BodyKind(models.TextChoices):
    PETITION_OFFICE = "petition_office", _("petition office")
    PARTY_GOVERNMENT = "government", _("party committee / government")
    DEPARTMENT = "department", _("department")
    TOWNSHIP = "township", _("township government")
    VILLAGE = "village", _("village committee")
    DISCIPLINE = "discipline", _("discipline inspection and supervision")
    POLITICAL_LEGAL = "political_legal", _("political-legal body")
    OTHER = "other", _("other")


class Body(models.Model):
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=BodyKind.choices)
    division = models.ForeignKey(
        Division, verbose_name=_("division"), on_delete=models.PROTECT, related_name="bodies"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("superior body"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subordinates",
        help_text=_("Review and re-review requests go to the superior of the deciding body."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    notice_abbreviation = models.CharField(
        _("abbreviation on notices"),
        max_length=20,
        blank=True,
        help_text=_(
            "The issuing body's code in the numbers of its notices (发文机关代字), e.g. 海住建信 in "
            "海住建信答〔2026〕12号. Each body has its own; when empty, the full name is used."
        ),
    )
    # Printed on the receipt a visitor or letter writer is given at registration.
    reception_address = models.CharField(
        _("reception address"),
        max_length=200,
        blank=True,
        help_text=_("Where petitioners are received, as printed on registration receipts."),
    )
    reception_phone = models.CharField(
        _("reception phone"),
        max_length=40,
        blank=True,
        help_text=_("The number petitioners call to follow up, as printed on receipts."),
    )

    # A township or village station with a video room: the remote end of video receptions.
    has_video_room = models.BooleanField(
        _("has a video room"),
        default=False,
        help_text=_("Its station can join video reception sessions from its own room."),
    )

    class Meta:
        ordering = ["division_id", "name"]
        verbose_name = _("body")
        verbose_name_plural = _("bodies")
        indexes = [models.Index(fields=["kind", "division"])]
        constraints = [
            models.UniqueConstraint(
                fields=["notice_abbreviation"],
                condition=~models.Q(notice_abbreviation=""),
                name="uniq_body_notice_abbreviation",
                violation_error_message=_("Another body already uses this abbreviation."),
            )
        ]

    def __str__(self):
        return self.name

    @property
    def level(self) -> int:
        return self.division.level

    @property
    def notice_code(self) -> str:
        """What its notice numbers begin with."""
        return self.notice_abbreviation.strip() or self.name


class Role(models.TextChoices):
    INTAKE_CLERK = "intake_clerk", _("intake clerk")
    HANDLER = "handler", _("handler")
    HEAD = "head", _("head of body")
    SUPERVISOR = "supervisor", _("supervisor")
    LEADER = "leader", _("leader")
    ANALYST = "analyst", _("analyst")
    ADMIN = "admin", _("administrator")
    GRID_WORKER = "grid_worker", _("grid worker")
    # 代办员: files petitions for villagers of their village; sees only the cases they filed.
    VILLAGE_AGENT = "village_agent", _("village agent")


# Roles whose scope covers their body's division and everything below it (DESIGN.md, Access).
WIDE_SCOPE_ROLES = frozenset({Role.SUPERVISOR, Role.LEADER, Role.ANALYST})


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    body = models.ForeignKey(
        Body, verbose_name=_("body"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("staff membership")
        verbose_name_plural = _("staff memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "body", "role"], name="uniq_membership")
        ]

    def __str__(self):
        return f"{self.user} · {self.body} · {self.get_role_display()}"


class StaffContact(models.Model):
    """How to reach a staff member for work reminders besides their account's e-mail: a work
    mobile for SMS. Never used for anything but reminders about the cases they handle."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="staff_contact",
    )
    work_phone = models.CharField(
        _("work mobile"),
        max_length=20,
        blank=True,
        validators=[
            RegexValidator(
                r"^\s*(\+?86[\s-]?)?1\d{2}[\s-]?\d{4}[\s-]?\d{4}\s*$",
                _("Enter an 11-digit mobile number, e.g. 13800138000."),
            )
        ],
        help_text=_("Deadline reminders go here by SMS when the SMS channel is on."),
    )

    class Meta:
        verbose_name = _("staff contact")
        verbose_name_plural = _("staff contacts")

    def __str__(self):
        return f"{self.user}"
