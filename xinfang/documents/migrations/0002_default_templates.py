"""Seed one editable template per notice kind with the built-in Chinese defaults."""

from django.db import migrations


def seed(apps, schema_editor):
    from xinfang.documents.kinds import KINDS

    NoticeTemplate = apps.get_model("documents", "NoticeTemplate")
    for kind in KINDS.values():
        NoticeTemplate.objects.get_or_create(
            kind=kind.key, defaults={"title": kind.title, "body": kind.body, "is_active": True}
        )


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
