from django.core.management.base import BaseCommand, CommandError

from xinfang.core.errors import ApplicationError
from xinfang.taxonomy.services import load_taxonomy


class Command(BaseCommand):
    help = "Load a 3-level content taxonomy CSV (level1,level2,level3) as a versioned taxonomy."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--label", default=None)

    def handle(self, *args, path, label, **options):
        try:
            version, created = load_taxonomy(path=path, label=label)
        except (ApplicationError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        leaves = version.categories.filter(level=3).count()
        verb = "loaded" if created else "already loaded"
        self.stdout.write(f"{verb}: {version.label} ({leaves} leaf categories), active")
