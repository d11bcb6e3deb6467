from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.template import Engine, TemplateSyntaxError

from xinfang.cases.models import Case, CaseEvent, Clock

from . import defaults

# Plain text, no autoescaping (an SMS has no HTML), and only Django's built-in tags.
ENGINE = Engine(autoescape=False)


def message_key_choices():
    """Read when asked (a callable), so a new message needs no migration."""
    return list(defaults.KEYS.items())


class MessageTemplate(models.Model):
    """A message text an administrator may edit; without a row the code default is used."""

    key = models.CharField("消息", max_length=30, choices=message_key_choices)
    channel = models.CharField("渠道", max_length=10, choices=list(defaults.CHANNELS.items()))
    subject = models.CharField(
        "邮件主题", max_length=200, blank=True, help_text="仅电子邮件使用；短信留空。"
    )
    body = models.TextField(
        "正文",
        help_text="Django 模板文本，可用变量见下方。不得加入查询密码或信访人身份信息。",
    )
    is_active = models.BooleanField("启用", default=True, help_text="停用后不再发送此消息。")
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        ordering = ["key", "channel"]
        verbose_name = "消息模板"
        verbose_name_plural = "消息模板"
        constraints = [
            models.UniqueConstraint(fields=["key", "channel"], name="uniq_message_template")
        ]

    def __str__(self):
        return f"{self.get_key_display()}（{self.get_channel_display()}）"

    def clean(self):
        errors = {}
        for name in ("subject", "body"):
            try:
                ENGINE.from_string(getattr(self, name))
            except TemplateSyntaxError as exc:
                errors[name] = f"模板语法错误：{exc}"
        if errors:
            raise ValidationError(errors)


class Outbox(models.Model):
    """One message to one recipient, written in the transaction of the move that caused it."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    DEAD = "dead"
    STATUSES = [
        (PENDING, "待发送"),
        (SENDING, "发送中"),
        (SENT, "已发送"),
        (FAILED, "失败待重试"),
        (DEAD, "发送失败"),
    ]
    # Rows a worker may pick up once next_attempt_at has come (for SENDING: the lease ran out).
    DUE_STATUSES = (PENDING, FAILED, SENDING)

    # Empty for a message about no one case (an early warning to supervisors).
    case = models.ForeignKey(
        Case,
        verbose_name="信访事项",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="outbox",
    )
    # No database constraint: the timeline's integrity is verify_audit's job (a missing event is
    # reported there), and a delivery log must not change what can happen to the timeline.
    event = models.ForeignKey(
        CaseEvent,
        verbose_name="事项事件",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    # The rating window a reminder belongs to (one reminder per window).
    clock = models.ForeignKey(
        Clock, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    channel = models.CharField("渠道", max_length=10, choices=list(defaults.CHANNELS.items()))
    recipient_enc = models.TextField(editable=False)
    template_key = models.CharField("消息", max_length=30, choices=message_key_choices)
    subject = models.CharField("主题", max_length=200, blank=True)
    body = models.TextField("正文")
    status = models.CharField("状态", max_length=10, choices=STATUSES, default=PENDING)
    attempts = models.PositiveIntegerField("尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试时间")
    last_error = models.TextField("最近错误", blank=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    # Replays of the same event (or reminder) never queue a second message.
    dedupe_key = models.CharField(max_length=120, unique=True, editable=False)
    # Sent with every attempt, so a gateway that sees it twice drops the second copy.
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        ordering = ["-pk"]
        verbose_name = "待发消息"
        verbose_name_plural = "消息发送记录"
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]

    def __str__(self):
        return f"{self.get_template_key_display()} → {self.get_channel_display()} #{self.pk}"


class WechatBinding(models.Model):
    """A citizen who proved access to a case in the official account (tracking code and query
    password) and asked to be told of its progress there. The openid is kept encrypted, with a
    keyed index to find and end the citizen's bindings."""

    case = models.ForeignKey(
        Case, verbose_name="信访事项", on_delete=models.CASCADE, related_name="wechat_bindings"
    )
    openid_enc = models.TextField(editable=False)
    openid_index = models.CharField(max_length=32, db_index=True, editable=False)
    bound_at = models.DateTimeField("订阅时间", auto_now_add=True)

    class Meta:
        verbose_name = "微信订阅"
        verbose_name_plural = "微信订阅"
        constraints = [
            models.UniqueConstraint(fields=["case", "openid_index"], name="uniq_wechat_binding")
        ]

    def __str__(self):
        return f"{self.case_id} 微信订阅"
