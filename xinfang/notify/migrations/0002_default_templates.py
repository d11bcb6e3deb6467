"""Seed the editable message templates with the shipped Chinese texts (existing rows are kept)."""

from django.db import migrations

# A new installation starts from the texts the code ships when it migrates.
from xinfang.notify.defaults import CHANNELS, KEYS, default


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("notify", "MessageTemplate")
    for key in KEYS:
        for channel in CHANNELS:
            subject, body = default(key, channel)
            MessageTemplate.objects.get_or_create(
                key=key, channel=channel, defaults={"subject": subject, "body": body}
            )


class Migration(migrations.Migration):
    dependencies = [("notify", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
