"""Train the triage models from closed cases and clerks' corrections, or switch versions."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from xinfang.core.errors import ApplicationError
from xinfang.triage import training
from xinfang.triage.models import TriageModel


class Command(BaseCommand):
    help = (
        "Queue a training run of the triage models (level-1 category, and leaf and content type "
        "when there are enough labels); --now trains here. --activate VERSION and --rollback "
        "switch the active version."
    )

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="train here instead of queueing")
        parser.add_argument("--activate", type=int, metavar="VERSION")
        parser.add_argument("--rollback", action="store_true", help="back to the previous version")
        parser.add_argument(
            "--kind",
            default=TriageModel.CATEGORY,
            choices=[k for k, _label in TriageModel.KINDS],
            help="which model --activate and --rollback switch (default: category)",
        )

    def handle(self, *args, **options):
        kind = options["kind"]
        try:
            if options["activate"] is not None:
                row = training.activate(kind, options["activate"])
                self.stdout.write(f"active {kind} model: version {row.version}")
                return
            if options["rollback"]:
                row = training.rollback(kind)
                self.stdout.write(f"rolled back; active {kind} model: version {row.version}")
                return
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc

        rows = training.start_training(now=options["now"])
        if not options["now"]:
            self.stdout.write(
                f"queued {rows[0]} (id {rows[0].pk}); a task worker trains it, progress on the "
                "admin page"
            )
            return
        for row in rows:
            self.stdout.write(f"{row}: {row.status}. {row.message}")
            if row.status == TriageModel.READY:
                m = row.metrics
                self.stdout.write(
                    f"  accuracy={m['accuracy']:.4f} macro_f1={m['macro_f1']:.4f} "
                    f"held-out n={m['test_size']}, active={row.is_active}"
                )
        if rows[0].status != TriageModel.READY:
            raise CommandError(rows[0].message)
