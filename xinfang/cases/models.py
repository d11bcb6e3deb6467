from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from xinfang.core import crypto
from xinfang.core.articles import cite
from xinfang.orgs.models import Body, Division
from xinfang.taxonomy.models import Category

from . import workflow
from .deadlines import CALENDAR, DEFAULT_PERIODS, WORKING


# Choices are read from the workflow and period tables when asked for (callables), so adding a
# state, channel or period to a table needs no migration.
def channel_choices():
    return list(workflow.CHANNELS.items())


def content_type_choices():
    return list(workflow.CONTENT_TYPES.items())


def state_choices():
    return list(workflow.STATE_LABELS.items())


def decision_choices():
    return list(workflow.DECISIONS.items())


def legal_channel_choices():
    return list(workflow.LEGAL_CHANNELS.items())


def rating_choices():
    return list(workflow.RATINGS.items())


def leader_level_choices():
    return list(workflow.LEADER_LEVELS.items())


def period_choices():
    return [
        (k, format_lazy("{}（{}）", p.label, cite(p.article))) for k, p in DEFAULT_PERIODS.items()
    ]


# Cases waiting for their head's sign-off: a decision, or an extension asked for. The inbox's
# "to sign off" queue reads it, and its index below is kept for it.
AWAITING_SIGNOFF = models.Q(state=workflow.S.DECIDED) | models.Q(
    state=workflow.S.ACCEPTED, extension_requested=True
)

# What the due-soon and overdue queues test besides the date: the state and the columns of the
# visibility rules (access.visible_q).
QUEUE_COLUMNS = [
    "state",
    "holder_body",
    "registering_body",
    "sender_body",
    "accused_body",
]


# Case references most cases leave empty (their indexes hold the cases that have one).
SELDOM_SET = [
    "handler",
    "accused_body",
    "repeat_of",
    "leader",
    "leader_body",
    "letter_leader",
    "filed_by",
]


class Case(models.Model):
    """A petition item (信访事项). Only cases/services writes it."""

    # Unique through constraints (Meta), which on PostgreSQL build one index each: unique=True
    # would add a pattern-matching twin that no query uses (numbers are matched whole).
    number = models.CharField(_("case number"), max_length=40)
    tracking_code = models.CharField(_("tracking code"), max_length=16)
    query_password_hash = models.CharField(max_length=64, editable=False)
    registered_at = models.DateTimeField(_("registered at"), db_index=True)
    registering_body = models.ForeignKey(
        Body, verbose_name=_("registering body"), on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=12, choices=channel_choices)
    content_type = models.CharField(_("content type"), max_length=12, choices=content_type_choices)
    # No index of their own for category, place and holder_body: the indexes below that start
    # with them serve every lookup by one of them.
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_index=False,
    )
    place = models.ForeignKey(
        Division,
        verbose_name=_("place"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("content"))
    # Title, body and address segmented into words (jieba), for full-text search.
    search_text = models.TextField(blank=True, editable=False)

    state = models.CharField(
        _("state"),
        max_length=20,
        choices=state_choices,
        default=workflow.S.REGISTERED,
    )
    holder_body = models.ForeignKey(
        Body,
        verbose_name=_("current holder"),
        on_delete=models.PROTECT,
        related_name="held_cases",
        db_index=False,
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handler"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    sender_body = models.ForeignKey(
        Body,
        verbose_name=_("sent by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # A report (检举控告) never reaches the body it accuses (W30, W46).
    accused_body = models.ForeignKey(
        Body,
        verbose_name=_("accused body"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )

    is_group = models.BooleanField(_("group petition"), default=False)
    group_size = models.PositiveIntegerField(_("people in the group"), default=1)
    repeat_of = models.ForeignKey(
        "self",
        verbose_name=_("repeat of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="repeats",
        db_index=False,
    )
    confidential = models.BooleanField(_("confidential"), default=False)
    public_consent = models.BooleanField(_("consents to publication"), default=False)

    decision = models.CharField(_("decision"), max_length=10, blank=True, choices=decision_choices)
    decision_detail = models.JSONField(_("decision detail"), default=dict, blank=True)
    legal_channel = models.CharField(
        _("legal channel"), max_length=20, blank=True, choices=legal_channel_choices
    )
    extension_requested = models.BooleanField(default=False)
    extension_used = models.BooleanField(default=False)
    hearing_active = models.BooleanField(default=False)
    rating = models.CharField(_("rating"), max_length=12, blank=True, choices=rating_choices)
    rating_comment = models.TextField(_("rating comment"), blank=True)

    supervised = models.BooleanField(_("under supervision"), default=False)
    listed_supervision = models.BooleanField(_("listed supervision"), default=False)
    escalated = models.BooleanField(_("escalated to leader"), default=False)
    leader_level = models.CharField(
        _("leader ownership level"),
        max_length=1,
        blank=True,
        choices=leader_level_choices,
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owning leader"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_cases",
        db_index=False,
    )
    leader_body = models.ForeignKey(
        Body,
        verbose_name=_("leader's lead body"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    leader_plan = models.TextField(_("resolution plan"), blank=True)
    leader_deadline = models.DateField(_("leader time limit"), null=True, blank=True)
    # A letter addressed to a leader waits in that leader's queue until the instruction (W18).
    letter_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("leader the letter is addressed to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="letters",
        db_index=False,
    )

    version = models.PositiveIntegerField(_("version"), default=1)
    # The nearest due date of the case's running staff deadlines (None when none runs): the
    # due-soon and overdue queues and the nearest-deadline order read it. Kept by the clock
    # service (services/clocks.py), the only writer of clocks.
    next_due_on = models.DateField(_("next due on"), null=True, blank=True, editable=False)
    # More than one staff deadline runs: only then can a case late on its nearest one be due
    # soon on another (the due-soon queue asks the clocks of these few cases alone).
    several_deadlines = models.BooleanField(default=False, editable=False)
    event_count = models.PositiveIntegerField(default=0, editable=False)
    audit_head = models.CharField(max_length=80, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # A village agent (代办员) who filed the case for a villager; the villager stays the party.
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by agent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="filed_cases",
        db_index=False,
    )

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            models.UniqueConstraint(fields=["number"], name="cases_case_number_uniq"),
            models.UniqueConstraint(fields=["tracking_code"], name="cases_case_tracking_code_uniq"),
        ]
        indexes = [
            models.Index(fields=["holder_body", "state", "registered_at"]),
            # A body's cases newest first, walked for one reason to see a case
            # (selectors/arms.py): a handler's search of a common word stops at a page.
            models.Index(
                fields=["holder_body", "-registered_at", "-id"], name="cases_case_held_newest"
            ),
            models.Index(fields=["state", "registered_at"]),
            models.Index(fields=["place", "registered_at"]),
            models.Index(fields=["category", "registered_at"]),
            # The under-supervision queue: about 1% of cases, read newest first. Without it the
            # planner walks registered_at over the whole table (71 ms at 100,000 cases; 5 ms with).
            models.Index(
                fields=["registered_at", "id"],
                condition=models.Q(supervised=True) | models.Q(listed_supervision=True),
                name="cases_case_supervised_at",
            ),
            # Cases with a running staff deadline, newest first, read without their rows. The
            # due queues now read cases_case_due_runs; 10 scans in a whole 10M bench run.
            models.Index(
                fields=["registered_at", "id"],
                include=["next_due_on", *QUEUE_COLUMNS],
                condition=models.Q(next_due_on__isnull=False),
                name="cases_case_due_queues",
            ),
            # The nearest-deadline order (same day: newest first), and each due date's cases
            # in page order for the due queues' merge (selectors/due_runs.py).
            models.Index(
                fields=["next_due_on", "-registered_at", "-id"],
                include=QUEUE_COLUMNS,
                name="cases_case_due_runs",
            ),
            # The same runs for the cases one body holds (a handler's due queues).
            models.Index(
                fields=["holder_body", "next_due_on", "-registered_at", "-id"],
                include=["state", "accused_body"],
                condition=models.Q(next_due_on__isnull=False),
                name="cases_case_held_due",
            ),
            models.Index(
                fields=["next_due_on"],
                condition=models.Q(several_deadlines=True),
                name="cases_case_several_due",
            ),
            # The sign-off queue: a few per cent of a body's cases. Without it, at 1,000,000
            # cases, PostgreSQL read all 22,000 of a bureau's cases to find its 1,700 (110-200 ms;
            # 13-25 ms with it).
            models.Index(
                fields=["holder_body", "registered_at", "id"],
                condition=AWAITING_SIGNOFF,
                name="cases_case_signoff",
            ),
            # References that most cases leave empty: indexed where set only (a match on one
            # implies it is set, so every lookup by them can use these).
            *(
                models.Index(
                    fields=[name],
                    condition=models.Q(**{f"{name}__isnull": False}),
                    name=f"cases_case_{name}_set",
                )
                for name in SELDOM_SET
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def state_label(self) -> str:
        return workflow.STATE_LABELS.get(self.state, self.state)

    @property
    def is_open(self) -> bool:
        return self.state in workflow.OPEN


class CaseSequence(models.Model):
    """Last number given per division and day; bumped in the registering transaction (gap-free)."""

    division_code = models.CharField(max_length=6)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["division_code", "day"], name="uniq_case_sequence")
        ]

    def __str__(self):
        return f"{self.division_code} {self.day}: {self.last}"


class Party(models.Model):
    PETITIONER = "petitioner"
    REPRESENTATIVE = "representative"
    AGENT = "agent"
    KINDS = [
        (PETITIONER, _("petitioner")),
        (REPRESENTATIVE, _("representative")),
        (AGENT, _("village agent")),
    ]

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    kind = models.CharField(_("kind"), max_length=16, choices=KINDS, default=PETITIONER)
    name_enc = models.TextField(blank=True)
    id_number_enc = models.TextField(blank=True)
    phone_enc = models.TextField(blank=True)
    address_enc = models.TextField(blank=True)
    email_enc = models.TextField(blank=True)
    # Blind indexes: find a petitioner's other cases without decrypting the table. Matched
    # whole only, so their indexes (Meta) are plain: no second, pattern-matching one.
    phone_index = models.CharField(max_length=32, blank=True)
    id_index = models.CharField(max_length=32, blank=True)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        indexes = [
            models.Index(fields=["phone_index"], name="cases_party_phone_index"),
            models.Index(fields=["id_index"], name="cases_party_id_index"),
        ]

    @property
    def name(self) -> str:
        return crypto.decrypt(self.name_enc)

    @property
    def phone(self) -> str:
        return crypto.decrypt(self.phone_enc)

    @property
    def id_number(self) -> str:
        return crypto.decrypt(self.id_number_enc)

    @property
    def address(self) -> str:
        return crypto.decrypt(self.address_enc)

    @property
    def email(self) -> str:
        return crypto.decrypt(self.email_enc)

    def masked(self) -> dict[str, str]:
        return {
            "kind": self.kind,
            "name": crypto.mask_name(self.name),
            "phone": crypto.mask_phone(self.phone),
            "id_number": crypto.mask_id(self.id_number),
            "address": crypto.mask_address(self.address),
        }

    def __str__(self):
        return crypto.mask_name(self.name) or str(_("anonymous"))


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"cases/{instance.case.number}/{filename}"


class Attachment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    name = models.CharField(_("file name"), max_length=200)
    mime_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    citizen_visible = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.name


class CaseEvent(models.Model):
    """Append-only timeline and audit log, hash-chained per case and anchored on Case.audit_head."""

    # A case's events: uniq_event_seq (case, seq) is their index, in timeline order.
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events", db_index=False)
    seq = models.PositiveIntegerField()
    kind = models.CharField(_("event"), max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(max_length=100, blank=True)
    # No index: events are read by case (uniq_event_seq), never by time alone.
    at = models.DateTimeField()
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    old = models.JSONField(default=dict, blank=True)
    new = models.JSONField(default=dict, blank=True)
    extra = models.JSONField(default=dict, blank=True)
    notice = models.CharField(max_length=40, blank=True)
    citizen_visible = models.BooleanField(default=True)
    prev_hash = models.CharField(max_length=80)
    hash = models.CharField(max_length=80)

    class Meta:
        ordering = ["case_id", "seq"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        # Kinds are matched whole: a plain index, no second, pattern-matching one.
        indexes = [models.Index(fields=["kind"], name="cases_caseevent_kind")]
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="uniq_event_seq")]

    def __str__(self):
        return f"{self.case_id}#{self.seq} {self.kind}"

    def hash_payload(self) -> dict:
        return {
            "case": self.case_id,
            "seq": self.seq,
            "kind": self.kind,
            "actor": self.actor_id,
            "actor_label": self.actor_label,
            "at": self.at.isoformat(),
            "from": self.from_state,
            "to": self.to_state,
            "old": self.old,
            "new": self.new,
            "extra": self.extra,
            "notice": self.notice,
            "citizen_visible": self.citizen_visible,
        }

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("case events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("case events are append-only")


class Clock(models.Model):
    RUNNING = "running"
    PAUSED = "paused"
    STOPPED = "stopped"
    STATUSES = [(RUNNING, _("running")), (PAUSED, _("paused")), (STOPPED, _("stopped"))]

    # A case's clocks: the (case, period, status) index below starts with it.
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="clocks", db_index=False)
    period = models.CharField(_("period"), max_length=30)
    unit = models.CharField(max_length=10, choices=[(CALENDAR, "calendar"), (WORKING, "working")])
    days = models.PositiveIntegerField()
    started_on = models.DateField()
    due_on = models.DateField(_("due on"))
    # A person-set date (交办单, 督办单) instead of the period's length.
    fixed_due = models.BooleanField(default=False)
    extension_days = models.PositiveIntegerField(default=0)
    paused_days = models.PositiveIntegerField(default=0)
    paused_since = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=STATUSES, default=RUNNING)
    stopped_on = models.DateField(null=True, blank=True)
    met = models.BooleanField(null=True, help_text="Stopped on or before its due date.")

    class Meta:
        verbose_name = _("clock")
        verbose_name_plural = _("clocks")
        indexes = [
            # Supervision's lists of running deadlines, in (due_on, id) order: a page is the
            # start of a walk of this index. Without the id, all the clocks of a day were read
            # and their cases looked up before sorting (28,000 at 10,000,000 cases, 0.3 s).
            models.Index(fields=["status", "due_on", "id"], name="cases_clock_status_due_id"),
            models.Index(fields=["case", "period", "status"]),
            # On-time rates count the deadlines stopped in a window (docs/metrics.md).
            models.Index(
                fields=["stopped_on"],
                condition=models.Q(status="stopped"),
                name="cases_clock_stopped_on",
            ),
            # The cases with a running deadline in a window of days (the due-soon queue), read
            # from the index alone; the period is beside the key, so which periods are staff
            # deadlines can change without a migration.
            models.Index(
                fields=["due_on"],
                include=["period", "case"],
                condition=models.Q(status="running"),
                name="cases_clock_running_due",
            ),
        ]

    def __str__(self):
        return f"{self.label} → {self.due_on}"

    @property
    def label(self) -> str:
        period = DEFAULT_PERIODS.get(self.period)
        return period.label if period else self.period

    @property
    def ground(self) -> str:
        period = DEFAULT_PERIODS.get(self.period)
        return period.ground if period else ""

    @property
    def ground_label(self) -> str:
        """The supervision ground this deadline's passing is (W40): late, not reported, not
        carried out."""
        period = DEFAULT_PERIODS.get(self.period)
        return period.ground_label if period else ""


class PeriodSetting(models.Model):
    """A deployment's own length of a statutory period (STATUTE.md: every period configurable)."""

    key = models.CharField(
        _("period"),
        max_length=30,
        unique=True,
        choices=period_choices,
    )
    days = models.PositiveIntegerField(_("length"))
    unit = models.CharField(
        _("counted in"),
        max_length=10,
        choices=[(CALENDAR, _("calendar days")), (WORKING, _("working days"))],
    )
    max_extension = models.PositiveIntegerField(_("longest extension (days)"), default=0)

    class Meta:
        verbose_name = _("period setting")
        verbose_name_plural = _("period settings")

    def __str__(self):
        return self.get_key_display()


# Moved beside their areas, imported here so every model of the app loads with it: the grid
# ledger and its field work (items found, photos, the 民情日志, the 排查 rounds); co-handling
# bodies, recusals and supervision notices.
from .fieldwork_models import FieldNote, GridItem, GridPhoto, GridRound  # noqa: E402, F401
from .oversight_models import CoHandler, Recusal, SupervisionNotice  # noqa: E402, F401
