"""Facts folded from the case timeline, off the hot path (insights/fold.py): one row per case
with the dimensions and outcomes the statistics count. Figures are counts over these rows."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xinfang.cases.models import Case
from xinfang.orgs.models import Body, Division
from xinfang.taxonomy.models import Category


class CaseFact(models.Model):
    case = models.OneToOneField(
        Case, primary_key=True, on_delete=models.CASCADE, related_name="fact"
    )
    registered_on = models.DateField(db_index=True)
    channel = models.CharField(max_length=12)
    content_type = models.CharField(max_length=12)
    online = models.BooleanField(default=False)
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    category_code = models.CharField(max_length=6, blank=True)
    place = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+")
    place_path = models.CharField(max_length=120)
    township = models.ForeignKey(
        Division, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    village = models.ForeignKey(
        Division, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    holder_body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="+")
    # Copies of the case's columns its visibility rule reads (cases/access.py ScopeColumns), so
    # that a figure filters these rows alone, without joining a million cases.
    registering_body = models.ForeignKey(
        Body, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sender_body = models.ForeignKey(
        Body, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    accused_body = models.ForeignKey(
        Body, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    state = models.CharField(max_length=20)
    # A petition registered as a repeat of an earlier case (merged into it).
    is_repeat = models.BooleanField(default=False)
    # First answer (replied or mediated), and calendar days from registration to it.
    answered_on = models.DateField(null=True, blank=True, db_index=True)
    handling_days = models.PositiveIntegerField(null=True, blank=True)
    # The latest rating window (cases/selectors/ratings.py reads the status from these).
    rating = models.CharField(max_length=12, blank=True)
    rating_window_status = models.CharField(max_length=10, null=True, blank=True)
    rating_window_due = models.DateField(null=True, blank=True)
    # Answered once and settled: no review asked, no repeat petition, not rated unsatisfied.
    resolved = models.BooleanField(default=False)
    # Leader ownership (包案): the responsible body and the time limit, when assigned.
    leader_body = models.ForeignKey(
        Body, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    leader_deadline = models.DateField(null=True, blank=True)
    # The watermark: how many timeline events of the case this row has folded.
    folded_events = models.PositiveIntegerField(default=0)
    folded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("case fact")
        verbose_name_plural = _("case facts")
        indexes = [
            models.Index(fields=["registered_on", "holder_body"]),
            models.Index(fields=["answered_on", "holder_body"]),
            models.Index(fields=["place_path"]),
            # Scorecards count the cases whose leader's limit falls in a period.
            models.Index(
                fields=["leader_deadline"],
                condition=models.Q(leader_deadline__isnull=False),
                name="insights_fact_leader_deadline",
            ),
            # Each worker's frame reads the rows folded since it last looked (insights/frame).
            models.Index(fields=["folded_at"], name="insights_fact_folded_at"),
        ]

    def __str__(self):
        return f"{self.case_id} {self.registered_on}"


class Measure(models.TextChoices):
    """The measures of a scorecard (docs/metrics.md, Scorecards)."""

    ACCEPTANCE = "acceptance", _("Timely acceptance rate")
    ON_TIME = "on_time", _("On-time completion rate")
    SATISFACTION = "satisfaction", _("Satisfaction rate")
    REPEAT = "repeat", _("Repeat-petition rate")
    RESOLUTION = "resolution", _("One-time resolution rate")
    SUPERVISION = "supervision", _("Supervision notices answered on time")
    LEADER = "leader", _("Owned cases resolved within their limit")


class ScoreWeight(models.Model):
    """The weight of a measure in the score, set in the admin; a measure without a row weighs
    its default (insights/scorecards.py DEFAULT_WEIGHTS)."""

    measure = models.CharField(_("measure"), max_length=20, choices=Measure.choices, unique=True)
    weight = models.PositiveIntegerField(_("weight"))

    class Meta:
        verbose_name = _("scorecard weight")
        verbose_name_plural = _("scorecard weights")

    def __str__(self):
        return f"{self.get_measure_display()}: {self.weight}"


class AccountabilityRecord(models.Model):
    """Accountability (问责) of a body: grounds, measure taken and the points it deducts from
    the body's scorecard (and its township's) in the month it is dated."""

    body = models.ForeignKey(Body, verbose_name=_("body"), on_delete=models.PROTECT)
    dated = models.DateField(_("date"))
    grounds = models.TextField(_("grounds"))
    measure = models.CharField(_("measure taken"), max_length=200)
    deduction = models.DecimalField(_("points deducted"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("accountability record")
        verbose_name_plural = _("accountability records")
        ordering = ["-dated"]

    def __str__(self):
        return f"{self.body} {self.dated}"


class Scorecard(models.Model):
    """A published scorecard: its lines are kept as computed and never change again."""

    BODY, TOWNSHIP = "body", "township"
    UNITS = [(BODY, _("bodies")), (TOWNSHIP, _("townships"))]
    kind = models.CharField(max_length=10)  # month or quarter
    start = models.DateField()
    end = models.DateField()
    unit = models.CharField(max_length=10, choices=UNITS)
    scope = models.CharField(max_length=120)  # the division path the card covers
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    weights = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("published scorecard")
        verbose_name_plural = _("published scorecards")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "start", "unit", "scope"], name="uniq_scorecard_period"
            )
        ]

    def __str__(self):
        return f"{self.unit} {self.start}–{self.end}"


class ScoreLine(models.Model):
    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="lines")
    key = models.CharField(max_length=20)  # body id or township code
    label = models.CharField(max_length=100)
    values = models.JSONField(default=dict)
    deduction = models.FloatField(default=0)
    score = models.FloatField(null=True)
    rank = models.PositiveIntegerField(null=True)

    class Meta:
        ordering = ["rank", "label"]

    def __str__(self):
        return f"{self.label} {self.score}"


class BacklogRules(models.Model):
    """The rules that flag a case as backlog (积案), set in the admin; the first row applies
    (none: the defaults)."""

    overdue_days = models.PositiveIntegerField(
        _("days past a statutory limit"),
        default=1,
        help_text=_("An open case whose body deadline is this many days past due."),
    )
    repeats = models.PositiveIntegerField(
        _("repeat petitions"),
        default=3,
        help_text=_("An open case with at least this many repeat petitions merged into it."),
    )

    class Meta:
        verbose_name = _("backlog rules")
        verbose_name_plural = _("backlog rules")

    def __str__(self):
        return f"{self.overdue_days} / {self.repeats}"


class BacklogEntry(models.Model):
    """A case in the backlog ledger, with its plan, owning leader, limit and outcome."""

    RESOLVED, QUIETED = "resolved", "quieted"
    OUTCOMES = [(RESOLVED, _("Resolved")), (QUIETED, _("Petitioner ceased (息诉)"))]
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="backlog")
    flagged_on = models.DateField(_("flagged on"), db_index=True)
    grounds = models.JSONField(_("grounds"), default=list)
    plan = models.TextField(_("resolution plan"), blank=True)
    leader = models.CharField(_("owning leader"), max_length=50, blank=True)
    limit = models.DateField(_("time limit"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=OUTCOMES, blank=True)
    cleared_on = models.DateField(_("cleared on"), null=True, blank=True)

    class Meta:
        verbose_name = _("backlog case")
        verbose_name_plural = _("backlog ledger")
        ordering = ["-flagged_on", "-pk"]

    def __str__(self):
        return f"{self.case_id} {self.flagged_on}"


def report_path(instance: MonthlyReport, filename: str) -> str:
    return f"reports/{instance.month:%Y-%m}/{filename}"


class MonthlyReport(models.Model):
    """A requested monthly report (信访工作月报) of the requester's divisions, built on the
    task queue (desk/monthly) and kept for download."""

    QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
    STATUSES = [
        (QUEUED, _("Queued")),
        (RUNNING, _("Being prepared")),
        (DONE, _("Ready")),
        (FAILED, _("Failed")),
    ]
    month = models.DateField(_("month"))  # its first day
    # The division paths the report covers: the requester's, when asked.
    scope = models.JSONField(_("scope"), default=list)
    scope_label = models.CharField(_("covering"), max_length=200, blank=True)
    # The day the figures are counted on (rating windows, overdue deadlines).
    as_of = models.DateField(_("counted on"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=10, choices=STATUSES, default=QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    file = models.FileField(_("file"), upload_to=report_path, max_length=300, blank=True)
    pages = models.PositiveSmallIntegerField(null=True, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        ordering = ["-requested_at", "-pk"]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.scope_label}"


class Alert(models.Model):
    """An early warning about an issue (docs/metrics.md, Early warning): a cell (category,
    division, week) above its own baseline's control limit, or a cluster of look-alike petitions
    that crossed a size or growth threshold. About matters, never about persons."""

    SURGE, CLUSTER = "surge", "cluster"
    KINDS = [(SURGE, _("Rise above the usual level")), (CLUSTER, _("Look-alike petitions"))]
    NEW, ACKNOWLEDGED, CLOSED = "new", "acknowledged", "closed"
    STATUSES = [
        (NEW, _("Awaiting attention")),
        (ACKNOWLEDGED, _("Acknowledged")),
        (CLOSED, _("Closed after follow-up")),
    ]

    # The alert's identity: re-running a week finds the key and records nothing new.
    key = models.CharField(max_length=80, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=KINDS)
    week = models.DateField(_("week"), db_index=True)  # the Monday the week starts on
    category_code = models.CharField(_("category"), max_length=6, blank=True)
    division = models.ForeignKey(
        Division, verbose_name=_("division"), on_delete=models.PROTECT, related_name="+"
    )
    observed = models.PositiveIntegerField(_("observed"))
    expected = models.FloatField(_("expected"))
    limit = models.PositiveIntegerField(_("limit"))
    method = models.CharField(_("method"), max_length=300)  # in words, as recorded
    params = models.JSONField(default=dict)  # the method's settings, for the page's wording
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=12, choices=STATUSES, default=NEW)
    note = models.TextField(_("note"), blank=True)
    cases = models.ManyToManyField(Case, related_name="+", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("early warning")
        verbose_name_plural = _("early warnings")
        ordering = ["-week", "-observed", "-pk"]
        indexes = [models.Index(fields=["status", "week"])]

    def __str__(self):
        return f"{self.kind} {self.category_code} {self.week}"


class AlertWatermark(models.Model):
    """How far a scheduled warning job got: the last week it tested (never tested again)."""

    job = models.CharField(max_length=20, unique=True)
    week = models.DateField()
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.job} {self.week}"
