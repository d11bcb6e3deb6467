"""The staff due-soon reminder: a new message key, with its shipped texts seeded."""

from django.db import migrations, models

from xinfang.notify.defaults import CHANNELS, STAFF_DUE_SOON, default


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("notify", "MessageTemplate")
    for channel in CHANNELS:
        subject, body = default(STAFF_DUE_SOON, channel)
        MessageTemplate.objects.get_or_create(
            key=STAFF_DUE_SOON, channel=channel, defaults={"subject": subject, "body": body}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("notify", "0002_default_templates"),
    ]

    operations = [
        migrations.AlterField(
            model_name="messagetemplate",
            name="key",
            field=models.CharField(
                choices=[
                    ("registered", "已登记"),
                    ("routed", "已转送交办"),
                    ("accepted", "已受理"),
                    ("declined", "不予受理"),
                    ("not_reaccepted", "不再受理"),
                    ("redirected", "导入法定途径"),
                    ("extended", "办理期限延长"),
                    ("replied", "已答复"),
                    ("mediated", "已调解"),
                    ("review_decided", "复查意见"),
                    ("rereview_decided", "复核意见"),
                    ("rating_reminder", "评价提醒"),
                    ("staff_due_soon", "办理期限临近提醒（工作人员）"),
                ],
                max_length=30,
                verbose_name="消息",
            ),
        ),
        migrations.AlterField(
            model_name="outbox",
            name="template_key",
            field=models.CharField(
                choices=[
                    ("registered", "已登记"),
                    ("routed", "已转送交办"),
                    ("accepted", "已受理"),
                    ("declined", "不予受理"),
                    ("not_reaccepted", "不再受理"),
                    ("redirected", "导入法定途径"),
                    ("extended", "办理期限延长"),
                    ("replied", "已答复"),
                    ("mediated", "已调解"),
                    ("review_decided", "复查意见"),
                    ("rereview_decided", "复核意见"),
                    ("rating_reminder", "评价提醒"),
                    ("staff_due_soon", "办理期限临近提醒（工作人员）"),
                ],
                max_length=30,
                verbose_name="消息",
            ),
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
