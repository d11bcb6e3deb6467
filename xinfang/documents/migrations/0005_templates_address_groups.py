"""The default 受理告知书 and 不予受理告知书 (legal channel) address “你（你们）” throughout, so a group
is told 你们 everywhere; templates an administrator has edited are left as they are."""

from django.db import migrations

CHANGES = [
    ("并告知你延期理由", "并告知你（你们）延期理由"),
    ("\n你可以通过阳光信访平台", "\n你（你们）可以通过阳光信访平台"),
    ("请你依照有关法律", "请你（你们）依照有关法律"),
]


def _previous(body: str) -> str:
    for old, new in CHANGES:
        body = body.replace(new, old)
    return body


def update(apps, schema_editor):
    from xinfang.documents.kinds import KINDS

    NoticeTemplate = apps.get_model("documents", "NoticeTemplate")
    for kind in KINDS.values():
        previous = _previous(kind.body)
        if previous == kind.body:
            continue
        NoticeTemplate.objects.filter(kind=kind.key, body=previous).update(body=kind.body)


class Migration(migrations.Migration):
    dependencies = [("documents", "0004_renumber_notices")]

    operations = [migrations.RunPython(update, migrations.RunPython.noop)]
