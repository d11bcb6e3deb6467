"""The grid ledger and its field work: the items a grid worker found, photos of an item's issue,
the 民情日志 (topics heard in the village, never about a person or a household) and the scheduled
排查 rounds with their confirmation."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xinfang.orgs.models import Body, Division

from .models import Case


class GridItem(models.Model):
    """A dispute or hazard a grid worker found in the field; it may later become a case.

    Settled at the lowest level that can (小事不出村、大事不出镇), else escalated one level up.
    """

    DISPUTE = "dispute"
    HAZARD = "hazard"
    KINDS = [(DISPUTE, _("dispute")), (HAZARD, _("hazard"))]
    OPEN = "open"
    SETTLED = "settled"
    CONVERTED = "converted"
    STATUSES = [(OPEN, _("open")), (SETTLED, _("settled")), (CONVERTED, _("became a case"))]

    kind = models.CharField(_("kind"), max_length=10, choices=KINDS)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    place = models.ForeignKey(Division, verbose_name=_("place"), on_delete=models.PROTECT)
    address = models.CharField(_("address"), max_length=200, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField(_("reported at"), db_index=True)
    holder_body = models.ForeignKey(
        Body, verbose_name=_("current level"), on_delete=models.PROTECT, related_name="grid_items"
    )
    responsible_person = models.CharField(_("responsible person"), max_length=50)
    due_on = models.DateField(_("due on"), db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=STATUSES, default=OPEN)
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    case = models.OneToOneField(
        Case,
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="grid_item",
    )
    # Escalations and settlements, oldest first: [{"at", "from", "to", "by", "reason"}].
    history = models.JSONField(default=list, blank=True)
    # Where the issue is, as the grid worker placed the pin: never a device's own position.
    latitude = models.DecimalField(
        _("latitude of the issue"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude of the issue"), max_digits=9, decimal_places=6, null=True, blank=True
    )

    class Meta:
        ordering = ["-reported_at"]
        verbose_name = _("grid ledger item")
        verbose_name_plural = _("grid ledger")
        indexes = [models.Index(fields=["holder_body", "status", "due_on"])]

    def __str__(self):
        return self.title


def grid_photo_path(instance: GridPhoto, filename: str) -> str:
    return f"grid/{instance.item_id}/{filename}"


class GridPhoto(models.Model):
    """A photo of the issue, stored without its EXIF data (no camera position, no device)."""

    item = models.ForeignKey(GridItem, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("file"), upload_to=grid_photo_path, max_length=300)
    name = models.CharField(_("file name"), max_length=200)
    mime_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("grid photo")
        verbose_name_plural = _("grid photos")

    def __str__(self):
        return self.name


# What a 民情日志 entry is about: matters, never people.
FIELD_TOPICS = {
    "land": _("Land and resettlement"),
    "housing": _("Housing and building"),
    "roads": _("Roads and transport"),
    "water": _("Water and irrigation"),
    "environment": _("Environment and sanitation"),
    "assistance": _("Social assistance and pensions"),
    "wages": _("Wages and labour"),
    "safety": _("Public safety"),
    "neighbours": _("Disputes between neighbours"),
    "other": _("Other matters"),
}


class FieldNote(models.Model):
    """One entry of the 民情日志: a topic heard about and what was heard. It has no field for a
    person or a household on purpose: the log is about issues, never about who raised them."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="field_notes")
    place = models.ForeignKey(Division, verbose_name=_("place"), on_delete=models.PROTECT)
    topic = models.CharField(_("topic"), max_length=20, choices=list(FIELD_TOPICS.items()))
    text = models.TextField(_("what was heard"))
    recorded_on = models.DateField(_("day"), db_index=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-recorded_on", "-pk"]
        verbose_name = _("public opinion log entry")
        verbose_name_plural = _("public opinion log")

    def __str__(self):
        return f"{self.recorded_on} {self.get_topic_display()}"


class GridRound(models.Model):
    """A 排查 round of one body for one period of its level's schedule, confirmed once."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="grid_rounds")
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    nothing_found = models.BooleanField(_("nothing found"), default=False)
    found = models.PositiveIntegerField(_("matters found"), default=0)
    note = models.TextField(_("note"), blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed at"))

    class Meta:
        ordering = ["-period_start"]
        verbose_name = _("screening round")
        verbose_name_plural = _("screening rounds")
        constraints = [
            models.UniqueConstraint(fields=["body", "period_start"], name="uniq_grid_round")
        ]

    def __str__(self):
        return f"{self.body} {self.period_start}"
