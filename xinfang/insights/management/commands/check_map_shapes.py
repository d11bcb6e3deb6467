"""Check the map's GeoJSON folder against the division table (docs/map.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from xinfang.insights import shapes


class Command(BaseCommand):
    help = "Check the map shapes: each file and feature names a division, once, as a polygon."

    def add_arguments(self, parser):
        parser.add_argument("--folder", help="instead of XINFANG_MAP_SHAPES_DIR")

    def handle(self, *args, folder=None, **options):
        found = shapes.problems(Path(folder) if folder else None)
        for line in found:
            self.stderr.write(line)
        if found:
            raise CommandError(f"{len(found)} problem(s) in the map shapes")
        self.stdout.write("map shapes: every file and feature names a division")
