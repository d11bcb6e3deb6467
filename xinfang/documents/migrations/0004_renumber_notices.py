"""Give every existing notice a number unique per issuing body, kind and year (numbers.py).

Earlier numbers were built from the case number and repeated across bodies and cases. Notices are
renumbered in the order they were issued; the counters continue from there. A rendered notice
whose number changes goes back to pending, so `render_pending_notices` (hourly) prints it again
with its new number.
"""

from django.db import migrations


def renumber(apps, schema_editor):
    from xinfang.documents.kinds import KINDS

    Body = apps.get_model("orgs", "Body")
    Notice = apps.get_model("documents", "Notice")
    NoticeCounter = apps.get_model("documents", "NoticeCounter")

    by_name = {}
    for body in Body.objects.order_by("pk"):
        by_name.setdefault(body.name, body)
    bodies = {b.pk: b for b in by_name.values()}
    last: dict[tuple[int, str, int], int] = {}
    notices = Notice.objects.select_related("case").order_by("created_at", "pk")
    for notice in notices.iterator():
        kind = KINDS.get(notice.kind)
        if kind is None:
            continue
        context = dict(notice.context or {})
        issuer = by_name.get(context.get("issuer"))
        if issuer is None:
            issuer = bodies.get(notice.case.holder_body_id) or Body.objects.get(
                pk=notice.case.holder_body_id
            )
        issued = str(context.get("issued_iso") or "")
        year = int(issued[:4]) if issued[:4].isdigit() else notice.created_at.year
        key = (issuer.pk, notice.kind, year)
        last[key] = last.get(key, 0) + 1
        code = issuer.notice_abbreviation.strip() or issuer.name
        number = f"{code}{kind.code}〔{year}〕{last[key]}号"
        if number != notice.number and notice.status == "rendered":
            notice.status = "pending"
        context["doc_number"] = number
        notice.number = number
        notice.context = context
        notice.issuing_body_id = issuer.pk
        notice.year = year
        notice.sequence = last[key]
        notice.save(
            update_fields=["number", "context", "issuing_body", "year", "sequence", "status"]
        )
    for (body_id, kind, year), value in last.items():
        NoticeCounter.objects.update_or_create(
            body_id=body_id, kind=kind, year=year, defaults={"last": value}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0003_notice_numbers"),
        ("orgs", "0003_body_notice_abbreviation"),
    ]

    operations = [migrations.RunPython(renumber, migrations.RunPython.noop)]
