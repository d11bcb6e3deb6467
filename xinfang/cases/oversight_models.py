"""A case worked with other bodies and under oversight: the co-handling bodies of joint handling,
the recusals of staff with a direct interest (W28) and supervision notices (W40)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xinfang.orgs.models import Body

from .models import Case


class CoHandler(models.Model):
    """Joint handling: a body working with the lead (holder) body on its own part of a case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="co_handlers")
    body = models.ForeignKey(Body, verbose_name=_("co-handling body"), on_delete=models.PROTECT)
    part = models.TextField(_("its part"))
    answer = models.TextField(_("its answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("co-handling body")
        verbose_name_plural = _("co-handling bodies")
        constraints = [models.UniqueConstraint(fields=["case", "body"], name="uniq_co_handler")]

    def __str__(self):
        return f"{self.case_id} · {self.body}"


class Recusal(models.Model):
    """A member of staff with a direct interest steps aside from a case and may no longer act
    on it (W28)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="recusals")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member of staff"),
        on_delete=models.PROTECT,
        related_name="recusals",
    )
    reason = models.TextField(_("direct interest"))
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("recusal")
        verbose_name_plural = _("recusals")
        constraints = [models.UniqueConstraint(fields=["case", "person"], name="uniq_recusal")]

    def __str__(self):
        return f"{self.case_id} · {self.person_id}"


class SupervisionNotice(models.Model):
    """A supervision notice (督办单) with its own due date and reply (W40, X36)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="supervision_notices")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issuing_body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(_("issued at"))
    grounds = models.TextField(_("grounds"))
    due_on = models.DateField(_("reply due"), db_index=True)
    answer = models.TextField(_("reply"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("supervision notice")
        verbose_name_plural = _("supervision notices")

    def __str__(self):
        return f"{self.case_id} 督办 {self.due_on}"
