"""The security log, and the counters behind sign-in lockouts."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SecurityEvent(models.Model):
    """One sign-in, failure, lockout, sign-out, two-factor step or view of unmasked personal data.

    Written only by xinfang.accounts.securitylog; read-only for everyone in the admin."""

    class Kind(models.TextChoices):
        SIGNED_IN = "signed_in", _("signed in")
        SIGN_IN_FAILED = "sign_in_failed", _("sign-in failed")
        LOCKED_OUT = "locked_out", _("locked out")
        REFUSED_LOCKED = "refused_locked", _("sign-in refused while locked")
        SIGNED_OUT = "signed_out", _("signed out")
        SESSION_EXPIRED = "session_expired", _("session expired")
        OTP_ENROLLED = "otp_enrolled", _("two-factor enrolled")
        OTP_VERIFIED = "otp_verified", _("two-factor code accepted")
        OTP_FAILED = "otp_failed", _("two-factor code refused")
        UNMASKED = "unmasked", _("personal data viewed unmasked")
        FILE_OPENED = "file_opened", _("attachment opened")

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("event"), max_length=20, choices=Kind.choices, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The name as typed (a failed sign-in may name no account), cut to a sane length.
    username = models.CharField(_("user name"), max_length=150, blank=True, db_index=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    path = models.CharField(_("page"), max_length=200, blank=True)
    case_number = models.CharField(_("case"), max_length=40, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("security log entry")
        verbose_name_plural = _("security log")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()} {self.username}"


class SignInThrottle(models.Model):
    """Consecutive failed sign-ins of one account ("user:<name>") or one address ("ip:<addr>"),
    and until when it is locked."""

    key = models.CharField(max_length=200, unique=True)
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("sign-in lock")
        verbose_name_plural = _("sign-in locks")

    def __str__(self):
        return self.key
