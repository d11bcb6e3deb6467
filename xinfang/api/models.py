from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """A staff member's API token. Only its hash is stored; it carries the user's roles and scope."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(_("prefix"), max_length=8, unique=True)
    key_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    # No token lives for ever: a lost one stops working by itself (XINFANG["API_TOKEN_DAYS"]).
    expires_at = models.DateTimeField(_("expires at"), null=True)
    revoked = models.BooleanField(_("revoked"), default=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.user} {self.prefix}…"


class IdempotencyRecord(models.Model):
    """The answer given to one Idempotency-Key, so a retried submission makes one case. Written
    in the registration's own statement: it exists exactly when its case does."""

    key = models.CharField(max_length=100, unique=True)
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    # Encrypted: the answer holds the query password. Without the case number, which is taken
    # after this row is written: a replay reads it from the case.
    response_enc = models.TextField(blank=True)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # Keyed hash of the client that got the answer: a replay elsewhere gets it without the
    # query password.
    client_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self):
        return self.key
