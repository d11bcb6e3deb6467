"""Joint meetings (联席会议, W39) and the tasks that leaders' instructions (W18) and meeting
decisions give a body, with their due dates."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xinfang.cases.models import Case
from xinfang.orgs.models import Body

# Where an agenda item comes from (W24, W39; the backlog ledger, 包案, hot issues).
BACKLOG = "backlog"
LEADER_CASE = "leader_case"
JURISDICTION = "jurisdiction"
HOT_ISSUE = "hot_issue"
OTHER = "other"
AGENDA_KINDS = {
    BACKLOG: _("Backlog case"),
    LEADER_CASE: _("Leader-owned case"),
    JURISDICTION: _("Jurisdiction dispute"),
    HOT_ISSUE: _("Matter many people raise"),
    OTHER: _("Other matter"),
}

# The measures a joint meeting may take (W39), beside a plain decision.
SUMMONS = "summons"
PUBLIC_NOTICE = "public_notice"
LISTED = "listed"
CORRECTION = "correction"
MEASURES = {
    SUMMONS: _("Summons for a talk"),
    PUBLIC_NOTICE: _("Public notice"),
    LISTED: _("Listed supervision"),
    CORRECTION: _("Correction by a date"),
}

INSTRUCTION = "instruction"
MEETING = "meeting"
TASK_SOURCES = {INSTRUCTION: _("Leader's instruction"), MEETING: _("Joint meeting decision")}


def _choices(table):
    return list(table.items())


class Meeting(models.Model):
    held_on = models.DateField(_("meeting date"))
    title = models.CharField(_("title"), max_length=120)
    convenor = models.ForeignKey(
        Body, verbose_name=_("convening body"), on_delete=models.PROTECT, related_name="+"
    )
    place = models.CharField(_("place"), max_length=120, blank=True)
    bodies = models.ManyToManyField(Body, verbose_name=_("attending bodies"), related_name="+")
    summary = models.TextField(_("summary"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("joint meeting")
        verbose_name_plural = _("joint meetings")

    def __str__(self):
        return f"{self.held_on} {self.title}"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    kind = models.CharField(_("source"), max_length=20, choices=_choices(AGENDA_KINDS))
    case = models.ForeignKey(
        Case,
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    topic = models.CharField(_("topic"), max_length=200)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")

    def __str__(self):
        return self.topic


class Task(models.Model):
    """A task for a body with a due date: a leader's instruction or a meeting decision. When it
    concerns a case, the same date runs as a clock on the case (its supervision follows)."""

    source = models.CharField(_("source"), max_length=20, choices=_choices(TASK_SOURCES))
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.CASCADE, related_name="decisions"
    )
    agenda_item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    case = models.ForeignKey(
        Case,
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    body = models.ForeignKey(
        Body, verbose_name=_("responsible body"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("task"))
    measure = models.CharField(_("measure"), max_length=20, blank=True, choices=_choices(MEASURES))
    # The case clock the task runs on ("" for a task not about one case).
    period = models.CharField(max_length=30, blank=True)
    issued_on = models.DateField(_("issued on"))
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    report = models.TextField(_("report"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [models.Index(fields=["body", "done_on", "due_on"])]

    def __str__(self):
        return f"{self.body} → {self.due_on}"
