"""Channels models."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Open311Key(models.Model):
    """A key an Open311 client (a city app, a partner's service) posts requests with. Only its
    hash is stored; the key is shown once, when it is made in the admin."""

    name = models.CharField(_("client"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=8, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked = models.BooleanField(_("revoked"), default=False)

    class Meta:
        verbose_name = _("Open311 API key")
        verbose_name_plural = _("Open311 API keys")

    def __str__(self):
        return f"{self.name} {self.prefix}…"
