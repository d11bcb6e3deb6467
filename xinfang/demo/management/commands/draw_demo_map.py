"""Write the demo county's drawn map (xinfang/demo/mapdraw.py) as GeoJSON files."""

from pathlib import Path

from django.core.management.base import BaseCommand

from xinfang.demo import mapdraw


class Command(BaseCommand):
    help = "Draw the demo county's invented map into GeoJSON files, one per region."

    def add_arguments(self, parser):
        parser.add_argument("--folder", default=str(mapdraw.FOLDER))

    def handle(self, *args, folder, **options):
        for path in mapdraw.write(Path(folder)):
            self.stdout.write(str(path))
