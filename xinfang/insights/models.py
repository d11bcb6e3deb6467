"""Facts folded from the case timeline, off the hot path (insights/fold.py): one row per case
with the dimensions and outcomes the statistics count. Figures are counts over these rows."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from xinfang.cases.models import Case
from xinfang.orgs.models import Body, Division
from xinfang.taxonomy.models import Category


class CaseFact(models.Model):
    case = models.OneToOneField(
        Case, primary_key=True, on_delete=models.CASCADE, related_name="fact"
    )
    registered_on = models.DateField(db_index=True)
    channel = models.CharField(max_length=12)
    content_type = models.CharField(max_length=12)
    online = models.BooleanField(default=False)
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    category_code = models.CharField(max_length=6, blank=True)
    place = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+")
    place_path = models.CharField(max_length=120)
    township = models.ForeignKey(
        Division, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    village = models.ForeignKey(
        Division, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    holder_body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=20)
    # A petition registered as a repeat of an earlier case (merged into it).
    is_repeat = models.BooleanField(default=False)
    # First answer (replied or mediated), and calendar days from registration to it.
    answered_on = models.DateField(null=True, blank=True, db_index=True)
    handling_days = models.PositiveIntegerField(null=True, blank=True)
    # The latest rating window (cases/selectors/ratings.py reads the status from these).
    rating = models.CharField(max_length=12, blank=True)
    rating_window_status = models.CharField(max_length=10, null=True, blank=True)
    rating_window_due = models.DateField(null=True, blank=True)
    # Answered once and settled: no review asked, no repeat petition, not rated unsatisfied.
    resolved = models.BooleanField(default=False)
    # The watermark: how many timeline events of the case this row has folded.
    folded_events = models.PositiveIntegerField(default=0)
    folded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("case fact")
        verbose_name_plural = _("case facts")
        indexes = [
            models.Index(fields=["registered_on", "holder_body"]),
            models.Index(fields=["answered_on", "holder_body"]),
            models.Index(fields=["place_path"]),
        ]

    def __str__(self):
        return f"{self.case_id} {self.registered_on}"
