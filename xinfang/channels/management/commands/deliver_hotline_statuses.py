from django.core.management.base import BaseCommand

from xinfang.channels import push


class Command(BaseCommand):
    help = "Send the statuses due to hotline platforms (run every few minutes)."

    def handle(self, *args, **options):
        report = push.deliver(limit=10_000)
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in report.items()))
