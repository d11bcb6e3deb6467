"""Learning from the deployment's own data: closed cases and clerks' corrections become labels,
textmodel.train (the pipeline triage_eval measures) fits a model, a held-out split scores it,
and the result is stored as a new TriageModel version.

Versions count up per kind. Only ready versions can be active; activate and rollback switch.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _
from sklearn.model_selection import train_test_split

from xinfang.cases.models import Case
from xinfang.cases.workflow import S
from xinfang.core.errors import Conflict, NotFound
from xinfang.taxonomy.models import Category
from xinfang.taxonomy.selectors import active_version

from . import textmodel
from .models import Suggestion, TriageModel
from .suggest import model_text

logger = logging.getLogger("xinfang.triage")

# A case is labelled once its handling has an answer.
LABELLED_STATES = (S.CLOSED, S.FINAL, S.REPLIED)
MIN_CASES = 30
# Classes with fewer examples are left out: the calibration folds and the held-out split need
# a few of each.
MIN_PER_CLASS = 5
HOLDOUT = 0.2
SEED = 0
# The newest labelled cases only: training time stays bounded as the archive grows.
MAX_EXAMPLES = 200_000

Progress = Callable[[int, str], None]


class TooFewLabels(Exception):
    pass


# ---------------------------------------------------------------------------------------------
# Labels


def _case_label(kind: str, row: dict) -> str:
    if kind == TriageModel.CONTENT_TYPE:
        return row["content_type"]
    if kind == TriageModel.LEAF:
        return row["category__full_name"] or ""
    return row["category__parent__parent__name"] or ""


def labelled_examples(kind: str) -> tuple[list[str], list[str], dict[str, int]]:
    """(texts, labels, counts) for one kind: closed cases with a category (newest first), then
    the clerks' corrections on cases not counted already."""
    fields = ["pk", "title", "body", "content_type", "category__full_name"]
    fields.append("category__parent__parent__name")
    qs = Case.objects.filter(state__in=LABELLED_STATES)
    if kind != TriageModel.CONTENT_TYPE:
        qs = qs.filter(category__isnull=False)
    texts: list[str] = []
    labels: list[str] = []
    seen: set[int] = set()
    for row in qs.order_by("-pk").values(*fields)[:MAX_EXAMPLES].iterator(chunk_size=2000):
        label = _case_label(kind, row)
        if label:
            texts.append(model_text(row["title"], row["body"]))
            labels.append(label)
            seen.add(row["pk"])
    from_cases = len(texts)

    corrections = Suggestion.objects.filter(case__isnull=False, chosen_at__isnull=False)
    if kind == TriageModel.CONTENT_TYPE:
        corrections = corrections.exclude(chosen_content_type="").exclude(
            chosen_content_type=F("content_type")
        )
    else:
        corrections = corrections.exclude(chosen_leaf_code="").exclude(
            chosen_leaf_code=F("leaf_code")
        )
    rows = list(
        corrections.order_by("-pk").values(
            "case_id", "case__title", "case__body", "chosen_content_type", "chosen_leaf_code"
        )[:MAX_EXAMPLES]
    )
    leaves = _leaves_by_code({r["chosen_leaf_code"] for r in rows if r["chosen_leaf_code"]})
    for r in rows:
        if r["case_id"] in seen:
            continue
        if kind == TriageModel.CONTENT_TYPE:
            label = r["chosen_content_type"]
        else:
            leaf = leaves.get(r["chosen_leaf_code"])
            if leaf is None:
                continue
            label = leaf.full_name if kind == TriageModel.LEAF else leaf.full_name.split("/")[0]
        seen.add(r["case_id"])
        texts.append(model_text(r["case__title"], r["case__body"]))
        labels.append(label)
    return texts, labels, {"cases": from_cases, "corrections": len(texts) - from_cases}


def _leaves_by_code(codes: set[str]) -> dict[str, Category]:
    version = active_version()
    if version is None or not codes:
        return {}
    return {c.code: c for c in Category.objects.filter(version=version, level=3, code__in=codes)}


def usable(texts: list[str], labels: list[str]) -> tuple[list[str], list[str], list[str]]:
    """Drop classes with fewer than MIN_PER_CLASS examples; returns texts, labels, dropped."""
    counts = Counter(labels)
    keep = {lab for lab, n in counts.items() if n >= MIN_PER_CLASS}
    pairs = [(t, lab) for t, lab in zip(texts, labels, strict=True) if lab in keep]
    dropped = sorted(set(counts) - keep)
    return [t for t, _l in pairs], [lab for _t, lab in pairs], dropped


def check_enough(texts: list[str], labels: list[str]) -> None:
    classes = set(labels)
    if len(texts) < MIN_CASES or len(classes) < 2:
        raise TooFewLabels(
            _(
                "Too few labelled cases to train: %(n)s in %(k)s categories with at least "
                "%(per)s cases each; at least %(min)s cases in 2 categories are needed. "
                "Keyword rules keep suggesting until then."
            )
            % {"n": len(texts), "k": len(classes), "per": MIN_PER_CLASS, "min": MIN_CASES}
        )


# ---------------------------------------------------------------------------------------------
# Versions


def _next_version(kind: str) -> int:
    top = TriageModel.objects.filter(kind=kind).aggregate(v=Max("version"))["v"]
    return (top or 0) + 1


def new_version(kind: str = TriageModel.CATEGORY) -> TriageModel:
    """A queued row with the next version number of `kind`."""
    for _attempt in range(3):
        try:
            with transaction.atomic():
                return TriageModel.objects.create(kind=kind, version=_next_version(kind))
        except IntegrityError:
            continue  # another run took the number
    raise Conflict(_("Could not reserve a model version; try again."))


def activate(kind: str, version: int) -> TriageModel:
    with transaction.atomic():
        row = TriageModel.objects.select_for_update().filter(kind=kind, version=version).first()
        if row is None:
            raise NotFound(_("No model version %(v)s.") % {"v": version})
        if row.status != TriageModel.READY:
            raise Conflict(_("Version %(v)s is not ready to use.") % {"v": version})
        TriageModel.objects.filter(kind=kind, is_active=True).exclude(pk=row.pk).update(
            is_active=False
        )
        if not row.is_active:
            row.is_active = True
            row.save(update_fields=["is_active"])
    return row


def rollback(kind: str = TriageModel.CATEGORY) -> TriageModel:
    """Activate the newest ready version older than the active one."""
    active = TriageModel.objects.filter(kind=kind, is_active=True).first()
    if active is None:
        raise Conflict(_("No active model to roll back from."))
    previous = (
        TriageModel.objects.filter(kind=kind, status=TriageModel.READY, version__lt=active.version)
        .order_by("-version")
        .first()
    )
    if previous is None:
        raise Conflict(
            _("No earlier ready version than %(v)s to roll back to.") % {"v": active.version}
        )
    return activate(kind, previous.version)


# ---------------------------------------------------------------------------------------------
# Training


def _holdout_metrics(texts, labels, progress: Progress) -> dict:
    n_classes = len(set(labels))
    test_size = max(HOLDOUT, n_classes / len(texts))
    tr_t, te_t, tr_l, te_l = train_test_split(
        texts, labels, test_size=test_size, random_state=SEED, stratify=labels
    )
    progress(15, _("training on the training split"))
    model = textmodel.train(tr_t, tr_l)
    progress(45, _("scoring the held-out split"))
    m = textmodel.evaluate(model, tr_t, tr_l, te_t, te_l)
    return {
        "accuracy": round(m["accuracy"], 4),
        "macro_f1": round(m["macro_f1"], 4),
        "per_class": m["per_class"],
        "labels": m["labels"],
        "confusion_matrix": m["confusion_matrix"],
        "train_size": len(tr_t),
        "test_size": len(te_t),
    }


def train_version(row: TriageModel, *, activate_when_ready: bool = True) -> TriageModel:
    """Train `row` (queued) for its kind from the labels in the database, writing progress to
    the row. Ends ready (and active) or failed with the reason in `message`."""

    def progress(pct: int, message: str = "") -> None:
        TriageModel.objects.filter(pk=row.pk).update(progress=pct, message=message[:300])

    TriageModel.objects.filter(pk=row.pk).update(
        status=TriageModel.TRAINING, progress=1, message=_("reading labelled cases")
    )
    try:
        texts, labels, counts = labelled_examples(row.kind)
        texts, labels, dropped = usable(texts, labels)
        check_enough(texts, labels)
        metrics = _holdout_metrics(texts, labels, progress)
        progress(60, _("training on every labelled case"))
        model = textmodel.train(texts, labels)
        metrics.update(
            counts,
            dropped_classes=dropped,
            train_seconds=round(model.train_seconds, 2),
            evaluated="held-out split, then refitted on all labelled cases",
        )
        TriageModel.objects.filter(pk=row.pk).update(
            status=TriageModel.READY,
            progress=100,
            trained_on=len(texts),
            metrics=metrics,
            blob=model.to_bytes(),
            message=_("trained on %(n)s cases, macro-F1 %(f1).3f on the held-out split")
            % {"n": len(texts), "f1": metrics["macro_f1"]},
        )
    except TooFewLabels as exc:
        TriageModel.objects.filter(pk=row.pk).update(
            status=TriageModel.FAILED, progress=100, message=str(exc)[:300]
        )
    except Exception as exc:  # a failed run is recorded, never half-activated
        logger.exception("training triage model %s failed", row.pk)
        TriageModel.objects.filter(pk=row.pk).update(
            status=TriageModel.FAILED, progress=100, message=f"{type(exc).__name__}: {exc}"[:300]
        )
    row.refresh_from_db()
    if row.status == TriageModel.READY and activate_when_ready:
        row = activate(row.kind, row.version)
    return row


def run_training(model_id: int) -> list[TriageModel]:
    """The queued run `model_id` (level-1 category), then the leaf and content-type models when
    their labels allow. Returns every row trained, the category row first."""
    row = TriageModel.objects.filter(pk=model_id).first()
    if row is None or row.status not in (TriageModel.QUEUED, TriageModel.FAILED):
        return []
    done = [train_version(row)]
    if done[0].status != TriageModel.READY:
        return done
    for kind in (TriageModel.LEAF, TriageModel.CONTENT_TYPE):
        texts, labels, _counts = labelled_examples(kind)
        texts, labels, _dropped = usable(texts, labels)
        try:
            check_enough(texts, labels)
        except TooFewLabels:
            continue  # the category model is the one that matters; rules cover the rest
        done.append(train_version(new_version(kind)))
    return done


def start_training(*, now: bool = False) -> list[TriageModel]:
    """Queue a training run (or, with `now`, run it here). Returns the rows made so far."""
    row = new_version(TriageModel.CATEGORY)
    if now:
        return run_training(row.pk)
    from .tasks import train_triage_task

    train_triage_task.enqueue(row.pk)
    return [row]
