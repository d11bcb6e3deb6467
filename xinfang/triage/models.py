"""The look-alike index, shared by every process: one row per case with its MinHash signature
and its LSH band keys (triage/bandkeys.py: beside the signature on PostgreSQL, in a side table
on SQLite), indexed over the open cases, so a lookup is one indexed match."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SimilarityEntry(models.Model):
    """A case's signature (triage/similarity.py). Closed cases stay, flagged, for clustering."""

    case = models.OneToOneField(
        "cases.Case", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    signature = models.BinaryField()  # num_perm little-endian uint32 values
    scheme = models.CharField(max_length=64)  # Scheme.tag the signature was made with
    is_open = models.BooleanField(default=True)
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["is_open"], name="triage_sim_open")]

    def __str__(self) -> str:
        return f"signature of case {self.case_id}"


# ---------------------------------------------------------------------------------------------
# Suggestions and the models that make them


class TriageModel(models.Model):
    """One trained version of a classifier (triage/textmodel.py), with its held-out metrics.

    Versions count up per kind; exactly one ready version per kind is active at a time.
    """

    CATEGORY = "category"  # level-1 category, labelled by its name
    LEAF = "leaf"  # taxonomy leaf, labelled by its full name
    CONTENT_TYPE = "content_type"
    KINDS = [
        (CATEGORY, _("level-1 category")),
        (LEAF, _("category leaf")),
        (CONTENT_TYPE, _("content type")),
    ]

    QUEUED = "queued"
    TRAINING = "training"
    READY = "ready"
    FAILED = "failed"
    STATUSES = [
        (QUEUED, _("queued")),
        (TRAINING, _("training")),
        (READY, _("ready")),
        (FAILED, _("failed")),
    ]

    kind = models.CharField(_("kind"), max_length=20, choices=KINDS, default=CATEGORY)
    version = models.PositiveIntegerField(_("version"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    trained_on = models.PositiveIntegerField(_("trained on"), default=0)
    metrics = models.JSONField(_("metrics"), default=dict, blank=True)
    is_active = models.BooleanField(_("active"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=STATUSES, default=QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    message = models.CharField(_("message"), max_length=300, blank=True)
    # Last column: SQLite walks a large value's overflow pages to reach any column after it.
    blob = models.BinaryField(blank=True, default=b"", editable=False)

    class Meta:
        ordering = ["kind", "-version"]
        verbose_name = _("triage model")
        verbose_name_plural = _("triage models")
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="triage_model_version"),
            models.UniqueConstraint(
                fields=["kind"],
                condition=models.Q(is_active=True),
                name="triage_model_one_active",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version}"


class Suggestion(models.Model):
    """What triage advised for one text, and beside it what the clerk chose.

    A choice that differs from the advice is a correction and becomes a training label.
    """

    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="triage_suggestions",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    input_hash = models.CharField(max_length=64, db_index=True)

    content_type = models.CharField(_("suggested content type"), max_length=12, blank=True)
    content_type_confidence = models.FloatField(null=True, blank=True)
    level1 = models.CharField(_("suggested level-1 category"), max_length=60, blank=True)
    level1_confidence = models.FloatField(null=True, blank=True)
    leaf_code = models.CharField(_("suggested category"), max_length=6, blank=True)
    leaf_confidence = models.FloatField(null=True, blank=True)
    division_code = models.CharField(_("suggested place"), max_length=12, blank=True)
    division_match = models.CharField(_("place matched on"), max_length=80, blank=True)
    body = models.ForeignKey(
        "orgs.Body",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("suggested body"),
    )
    model_versions = models.JSONField(default=dict, blank=True)
    low_confidence = models.BooleanField(_("low confidence"), default=False)

    chosen_content_type = models.CharField(max_length=12, blank=True)
    chosen_leaf_code = models.CharField(max_length=6, blank=True)
    chosen_division_code = models.CharField(max_length=12, blank=True)
    chosen_body = models.ForeignKey(
        "orgs.Body", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    chosen_at = models.DateTimeField(null=True, blank=True)
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Per field: True followed, False corrected, None not decided (yet).
    accepted = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("triage suggestion")
        verbose_name_plural = _("triage suggestions")
        indexes = [models.Index(fields=["case", "-created_at"], name="triage_sugg_case")]

    def __str__(self) -> str:
        return f"suggestion {self.pk}"
