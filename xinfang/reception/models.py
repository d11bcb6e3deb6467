"""Reception days, appointments, session records and resident lawyers (W18).

A petition office publishes reception days (a leader, a place or a video room, the topics, how
many people can be seen); citizens book an appointment for their case; the clerk records what
happened, and the record lands on the case's timeline. Only reception/services writes these.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xinfang.cases.models import Case
from xinfang.orgs.models import Body


def new_room() -> str:
    return "xf-" + secrets.token_hex(8)


def new_token() -> str:
    return secrets.token_hex(8)


class Mode(models.TextChoices):
    IN_PERSON = "in_person", _("in person")
    VIDEO = "video", _("by video")


class DayMode(models.TextChoices):
    IN_PERSON = "in_person", _("in person")
    VIDEO = "video", _("by video")
    BOTH = "both", _("in person or by video")


class Lawyer(models.Model):
    """A resident lawyer (驻点律师) who sits at reception days and gives opinions on cases."""

    office = models.ForeignKey(
        Body, verbose_name=_("petition office"), on_delete=models.PROTECT, related_name="lawyers"
    )
    name = models.CharField(_("name"), max_length=60)
    firm = models.CharField(_("law firm"), max_length=120)
    licence = models.CharField(_("practising licence number"), max_length=40, blank=True)
    phone = models.CharField(_("work phone"), max_length=40, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("resident lawyer")
        verbose_name_plural = _("resident lawyers")

    def __str__(self):
        return f"{self.name}（{self.firm}）"


class ReceptionDay(models.Model):
    office = models.ForeignKey(
        Body,
        verbose_name=_("petition office"),
        on_delete=models.PROTECT,
        related_name="reception_days",
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("receiving leader"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reception_days",
    )
    # As published: "县委书记 王某某"; the leader's account is for their own day's list.
    leader_title = models.CharField(_("leader as published"), max_length=80)
    host = models.ForeignKey(
        Body,
        verbose_name=_("receiving body"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The body whose leader receives; its reception phone is published."),
    )
    day = models.DateField(_("date"), db_index=True)
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"))
    mode = models.CharField(_("how"), max_length=10, choices=DayMode.choices)
    place = models.CharField(_("reception place"), max_length=200, blank=True)
    topics = models.CharField(_("topics"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("places"))
    # Places taken: only the booking service changes it, by a conditional update.
    booked = models.PositiveIntegerField(_("places taken"), default=0, editable=False)
    published = models.BooleanField(_("published"), default=False)
    cancelled = models.BooleanField(_("cancelled"), default=False)
    room = models.CharField(max_length=40, default=new_room, editable=False)
    # Days published together as one recurring session (e.g. every Wednesday).
    series = models.UUIDField(null=True, blank=True, editable=False, db_index=True)
    stations = models.ManyToManyField(
        Body,
        verbose_name=_("joining stations"),
        blank=True,
        related_name="reception_sessions",
        help_text=_("Township and village stations with a video room that join the session."),
    )
    lawyers = models.ManyToManyField(
        Lawyer, verbose_name=_("lawyers on duty"), blank=True, related_name="days"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["day", "starts_at"]
        verbose_name = _("reception day")
        verbose_name_plural = _("reception days")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(booked__lte=models.F("capacity")),
                name="reception_not_overbooked",
            )
        ]

    def __str__(self):
        return f"{self.day} {self.leader_title}"

    @property
    def places_left(self) -> int:
        return max(self.capacity - self.booked, 0)

    @property
    def has_video(self) -> bool:
        return self.mode in (DayMode.VIDEO, DayMode.BOTH)

    @property
    def in_person(self) -> bool:
        return self.mode in (DayMode.IN_PERSON, DayMode.BOTH)


class Appointment(models.Model):
    class Kind(models.TextChoices):
        BOOKED = "booked", _("booked by the petitioner")
        WALK_IN = "walk_in", _("walk-in")
        INVITED = "invited", _("invited (约访)")
        VISIT = "visit", _("leader's visit (下访)")

    class Status(models.TextChoices):
        BOOKED = "booked", _("booked")
        CANCELLED = "cancelled", _("cancelled")
        HELD = "held", _("received")
        ABSENT = "absent", _("did not come")

    day = models.ForeignKey(
        ReceptionDay, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("date")
    )
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("case")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    mode = models.CharField(_("how"), max_length=10, choices=Mode.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.BOOKED
    )
    station = models.ForeignKey(
        Body,
        verbose_name=_("joins from station"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    token = models.CharField(max_length=24, default=new_token, editable=False)
    note = models.CharField(_("note"), max_length=200, blank=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["day__day", "day__starts_at", "pk"]
        verbose_name = _("reception appointment")
        verbose_name_plural = _("reception appointments")
        indexes = [models.Index(fields=["day", "status"])]

    def __str__(self):
        return f"{self.day} {self.case.number}"


class SessionRecord(models.Model):
    """What happened at one appointment, written once by the clerk after the session."""

    appointment = models.OneToOneField(Appointment, on_delete=models.PROTECT, related_name="record")
    attendees = models.CharField(_("who came"), max_length=300)
    said = models.TextField(_("what was said"))
    decided = models.TextField(_("what was decided"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField()
    recording = models.FileField(
        _("recording"), upload_to="reception/%Y/%m/", blank=True, max_length=300
    )
    recording_name = models.CharField(max_length=200, blank=True)
    recording_type = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name = _("reception record")
        verbose_name_plural = _("reception records")

    def __str__(self):
        return str(self.appointment)


class LawyerAssignment(models.Model):
    """A resident lawyer asked to give an opinion on a case; the opinion lands on its timeline."""

    lawyer = models.ForeignKey(Lawyer, on_delete=models.PROTECT, related_name="assignments")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="lawyer_assignments")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField()
    opinion = models.TextField(_("opinion"), blank=True)
    opinion_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-assigned_at"]
        verbose_name = _("lawyer's assignment")
        verbose_name_plural = _("lawyers' assignments")
        constraints = [models.UniqueConstraint(fields=["lawyer", "case"], name="uniq_lawyer_case")]

    def __str__(self):
        return f"{self.lawyer} {self.case.number}"


__all__ = [
    "Appointment",
    "DayMode",
    "Lawyer",
    "LawyerAssignment",
    "Mode",
    "ReceptionDay",
    "SessionRecord",
]


# Joint meetings (联席会议, W39) and the tasks that leaders' instructions (W18) and meeting
# decisions give a body, with their due dates.

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
