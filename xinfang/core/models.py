from django.db import models
from django.utils.translation import gettext_lazy as _

from .ratelimit import KEY_LENGTH


class Holiday(models.Model):
    """One day of the State Council's yearly schedule, entered by an administrator.

    Rows override chinese-calendar; years it does not cover (2027 on) need their schedule here.
    """

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(
        _("is a working day"),
        default=False,
        help_text=_(
            "Tick for a swapped working day (调休上班); leave empty for an official rest day."
        ),
    )
    name = models.CharField(_("name"), max_length=50, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday or swapped working day")
        verbose_name_plural = _("holidays and swapped working days")

    def __str__(self):
        return f"{self.date} {self.name}"


class RateBucket(models.Model):
    """A fixed-window counter shared by every process (limits on submissions and look-ups)."""

    key = models.CharField(max_length=KEY_LENGTH)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="uniq_rate_bucket")
        ]

    def __str__(self):
        return f"{self.key}@{self.window_start}: {self.count}"
