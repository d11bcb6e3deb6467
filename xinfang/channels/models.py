"""Channels models: Open311 client keys; the 12345 hotline hand-off (the platforms that push work
orders, the orders, one case each keyed by platform and order number so a push repeated is the
same case, and the statuses sent back to the platform, queued with retries)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xinfang.cases.models import Case
from xinfang.orgs.models import Body, Division


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


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class HotlinePlatform(models.Model):
    """A hotline platform (12345 政务服务便民热线) allowed to push work orders to a body."""

    code = models.SlugField(_("platform code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    secret = models.CharField(
        _("signing key"),
        max_length=200,
        default=new_secret,
        help_text=_("Shared with the platform; it signs every request with it (HMAC-SHA256)."),
    )
    body = models.ForeignKey(
        Body,
        verbose_name=_("registering body"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registering account"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The intake account in whose name pushed work orders are registered."),
    )
    place = models.ForeignKey(
        Division,
        verbose_name=_("default place"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Where a work order happened when it names no place of its own."),
    )
    callback_url = models.URLField(_("status callback address"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("hotline platform")
        verbose_name_plural = _("hotline platforms")

    def __str__(self):
        return self.name


class HotlineOrder(models.Model):
    """A work order (工单) received from a platform, or taken by phone at the desk."""

    URGENCIES = [
        ("urgent", _("Urgent")),
        ("pressing", _("Pressing")),
        ("normal", _("Normal")),
        ("routine", _("Routine")),
    ]

    platform = models.ForeignKey(
        HotlinePlatform,
        verbose_name=_("hotline platform"),
        on_delete=models.PROTECT,
        related_name="orders",
    )
    order_number = models.CharField(_("work-order number"), max_length=64)
    case = models.OneToOneField(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="hotline_order"
    )
    call_time = models.DateTimeField(_("call time"))
    category_text = models.CharField(
        _("category named by the platform"), max_length=100, blank=True
    )
    urgency = models.CharField(_("urgency"), max_length=10, choices=URGENCIES)
    received_at = models.DateTimeField(_("received at"), db_index=True)
    # The pushed body's digest: the same order number with other content is refused.
    payload_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    # The return call (回访), mirrored from the case's timeline for the rates.
    satisfied = models.BooleanField(_("caller satisfied"), null=True, blank=True)
    solved = models.BooleanField(_("matter solved"), null=True, blank=True)
    returned_at = models.DateTimeField(_("return call at"), null=True, blank=True)

    class Meta:
        verbose_name = _("hotline work order")
        verbose_name_plural = _("hotline work orders")
        constraints = [
            models.UniqueConstraint(fields=["platform", "order_number"], name="uniq_hotline_order")
        ]

    def __str__(self):
        return self.order_number


class StatusPush(models.Model):
    """A status sent back to the platform: received, accepted, replied, closed (with the answer).
    Written in the move's transaction; sent after commit, retried with backoff until delivered."""

    RECEIVED = "received"
    ACCEPTED = "accepted"
    REPLIED = "replied"
    CLOSED = "closed"
    STATUSES = [
        (RECEIVED, _("work order received")),
        (ACCEPTED, _("accepted")),
        (REPLIED, _("replied")),
        (CLOSED, _("case closed")),
    ]
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    DEAD = "dead"
    DELIVERY = [
        (PENDING, _("waiting")),
        (SENT, _("sent")),
        (FAILED, _("failed, will retry")),
        (DEAD, _("given up")),
    ]

    order = models.ForeignKey(HotlineOrder, on_delete=models.CASCADE, related_name="pushes")
    status = models.CharField(_("status"), max_length=10, choices=STATUSES)
    answer = models.TextField(_("answer"), blank=True)
    created_at = models.DateTimeField(_("created at"))
    delivery = models.CharField(_("delivery"), max_length=10, choices=DELIVERY, default=PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("status sent to the hotline")
        verbose_name_plural = _("statuses sent to the hotline")
        indexes = [models.Index(fields=["delivery", "next_attempt_at"], name="hotline_push_due")]

    def __str__(self):
        return f"{self.order} {self.status}"
