from django.core.management.base import BaseCommand

from xinfang.insights import fold


class Command(BaseCommand):
    help = "Fold the cases whose statistics facts are missing or behind their timeline."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="fold every case again")

    def handle(self, *args, all=False, **options):
        n = fold.rebuild(everything=all)
        self.stdout.write(f"folded {n} case(s)")
