"""Evaluate the triage text classifier on labelled CSV files."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from xinfang.triage import textmodel


class Command(BaseCommand):
    help = (
        "Train the triage classifier on --train and score it on --test, or run "
        "stratified k-fold cross-validation on --train with --cv K."
    )

    def add_arguments(self, parser):
        parser.add_argument("--train", required=True, help="CSV with text or title+body, label")
        parser.add_argument("--test", help="CSV to score the model trained on --train")
        parser.add_argument("--cv", type=int, metavar="K", help="k-fold cross-validation")
        parser.add_argument(
            "--baseline",
            action="store_true",
            help="use the plain TF-IDF + logistic regression baseline",
        )

    def handle(self, *args, **options):
        if not options["test"] and not options["cv"]:
            raise CommandError("give --test, --cv K, or both")
        if options["cv"] is not None and options["cv"] < 2:
            raise CommandError("--cv must be at least 2")
        factory = textmodel.build_baseline if options["baseline"] else textmodel.build_pipeline
        try:
            texts, labels = textmodel.read_labelled_csv(options["train"])
            test = textmodel.read_labelled_csv(options["test"]) if options["test"] else None
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc

        if test is not None:
            self._warn_overlap(texts, test[0])
        reports = []
        try:
            if options["cv"]:
                metrics = textmodel.cross_validate(texts, labels, k=options["cv"], factory=factory)
                reports.append(textmodel.format_report(metrics))
            if test is not None:
                metrics = textmodel.evaluate(factory, texts, labels, *test)
                reports.append(textmodel.format_report(metrics))
        except ValueError as exc:
            # Too few rows per class for the folds, or a single label.
            raise CommandError(str(exc)) from exc
        # The held-out report, when present, comes last so its macro_f1 line ends the output;
        # each report gives the training and prediction CPU time.
        self.stdout.write("\n\n".join(reports))

    def _warn_overlap(self, train_texts, test_texts) -> None:
        """A test message that is also a training message inflates the held-out score."""
        shared = int(textmodel.overlap_mask(test_texts, train_texts).sum())
        if shared:
            self.stderr.write(
                f"warning: {shared} of {len(test_texts)} test texts also appear in the training "
                f"data (character-bigram cosine >= {textmodel.DUPLICATE_SIMILARITY}); the held-out "
                "scores are optimistic. Remove them from --train for an honest figure."
            )
