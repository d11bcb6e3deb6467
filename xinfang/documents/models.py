from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from xinfang.cases.models import Case, CaseEvent
from xinfang.orgs.models import Body

from .kinds import KIND_CHOICES, KINDS, PLACEHOLDERS


def _placeholder_help() -> str:
    names = "、".join(f"{{{{ {k} }}}}（{v}）" for k, v in PLACEHOLDERS.items())
    return f"Django 模板语法，每行为一个自然段。可用占位符：{names}"


class NoticeTemplate(models.Model):
    """The editable text of one kind of notice; the built-in default is used when none is active."""

    kind = models.CharField("文书种类", max_length=40, choices=KIND_CHOICES, unique=True)
    title = models.CharField("标题", max_length=60)
    body = models.TextField("正文模板", help_text=_placeholder_help())
    is_active = models.BooleanField(
        "启用", default=True, help_text="停用后使用系统内置的默认文本，文书不会因此停发。"
    )
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        ordering = ["kind"]
        verbose_name = "文书模板"
        verbose_name_plural = "文书模板"

    def __str__(self):
        return f"{self.get_kind_display()}：{self.title}"

    def clean(self):
        from django.template import TemplateSyntaxError

        from .render import compile_body

        try:
            compile_body(self.body)
        except TemplateSyntaxError as exc:
            raise ValidationError({"body": f"模板语法错误：{exc}"}) from exc


def notice_path(instance: Notice, filename: str) -> str:
    # Stored beside the case's attachments.
    return f"cases/{instance.case.number}/notices/{filename}"


class Notice(models.Model):
    """A formal notice issued by a move; recorded with the move, rendered to PDF after commit."""

    PENDING = "pending"
    RENDERED = "rendered"
    FAILED = "failed"
    STATUSES = [(PENDING, "待生成"), (RENDERED, "已生成"), (FAILED, "生成失败")]

    case = models.ForeignKey(
        Case, verbose_name="信访事项", on_delete=models.PROTECT, related_name="notices"
    )
    event = models.ForeignKey(
        CaseEvent, verbose_name="办理记录", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("文书种类", max_length=40, choices=KIND_CHOICES)
    title = models.CharField("标题", max_length=60)
    number = models.CharField("文号", max_length=60)
    # The number's parts: the issuing body's own sequence of this kind in this year (numbers.py).
    issuing_body = models.ForeignKey(
        Body,
        verbose_name="发文单位",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField("年份", null=True)
    sequence = models.PositiveIntegerField("顺序号", null=True)
    citizen_visible = models.BooleanField("信访人可见", default=True)
    # What the move knew when it issued the notice, without personal data (added at rendering).
    context = models.JSONField(default=dict, blank=True, editable=False)
    status = models.CharField("状态", max_length=10, choices=STATUSES, default=PENDING)
    pdf = models.FileField("PDF 文件", upload_to=notice_path, max_length=300, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    error = models.TextField("错误信息", blank=True)
    attempts = models.PositiveSmallIntegerField("生成次数", default=0)
    render_ms = models.PositiveIntegerField("生成耗时（毫秒）", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    rendered_at = models.DateTimeField("生成时间", null=True, blank=True)

    class Meta:
        ordering = ["case_id", "created_at", "pk"]
        verbose_name = "文书"
        verbose_name_plural = "文书"
        constraints = [
            models.UniqueConstraint(fields=["event", "kind"], name="uniq_notice_event_kind"),
            models.UniqueConstraint(
                fields=["issuing_body", "kind", "year", "sequence"], name="uniq_notice_number"
            ),
        ]
        indexes = [
            models.Index(fields=["case", "created_at"]),
            models.Index(fields=["status", "created_at"]),
        ]

    def __str__(self):
        return f"{self.title} {self.number}"

    @property
    def label(self) -> str:
        kind = KINDS.get(self.kind)
        return kind.label if kind else self.kind

    @property
    def filename(self) -> str:
        """What a download is called: title and document number."""
        return f"{self.title}（{self.number}）.pdf"


class NoticeCounter(models.Model):
    """The last number an issuing body gave to a kind of notice in a year.

    Incremented under a row lock inside the issuing move's transaction, so a rolled-back move
    gives its number back: the numbers of a body, kind and year run 1, 2, 3, ... without a gap.
    """

    body = models.ForeignKey(Body, verbose_name="发文单位", on_delete=models.PROTECT)
    kind = models.CharField("文书种类", max_length=40, choices=KIND_CHOICES)
    year = models.PositiveSmallIntegerField("年份")
    last = models.PositiveIntegerField("已用顺序号", default=0)

    class Meta:
        verbose_name = "文号计数"
        verbose_name_plural = "文号计数"
        constraints = [
            models.UniqueConstraint(fields=["body", "kind", "year"], name="uniq_notice_counter")
        ]

    def __str__(self):
        return f"{self.body} {self.kind} {self.year}: {self.last}"
