"""Follow-ups: the petitioner adds material to an open case, the holder's staff are told; staff
record contacts and return visits on any case, open or closed."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.cases.steps import on
from tests.conftest import accepted_appeal, register_appeal
from xinfang.cases import citizen, selectors, services
from xinfang.cases.access import CitizenActor
from xinfang.cases.models import Attachment, Case, CaseEvent
from xinfang.core.errors import InvalidInput, MoveNotAllowed, PermissionDenied
from xinfang.notify.models import Outbox

from .helpers import PDF

pytestmark = pytest.mark.django_db


def petitioner(case):
    return CitizenActor(case_id=case.pk)


def test_material_goes_on_the_timeline_with_its_files_and_the_holder_is_told(county):
    handler = county.users["handler"]
    handler.email = "handler@example.org"
    handler.save()
    case = accepted_appeal(county)
    case.handler = handler
    case.save(update_fields=["handler"])
    services.add_material_with_files(
        case=case,
        actor=petitioner(case),
        message="补充：物业维修记录见附件。",
        attachments=[services.AttachmentInput(name="维修记录.pdf", content=PDF)],
    )
    event = CaseEvent.objects.filter(case=case).order_by("-seq").first()
    assert event.kind == "add_material"
    assert event.extra["message"] == "补充：物业维修记录见附件。"
    assert event.extra["files"] == ["维修记录.pdf"]
    att = Attachment.objects.get(case=case)
    assert att.mime_type == "application/pdf" and att.file.read() == PDF
    # The petitioner's timeline shows it; the holder's handler gets a message naming the case.
    words = [e["words"] for e in selectors.timeline_entries(case, for_citizen=True)]
    assert "You added material to your petition." in words
    staff = Outbox.objects.filter(case=case, template_key="staff_followup")
    assert {r.channel for r in staff} == {"email"}
    assert case.number in staff.get().body and "张三" not in staff.get().body


def test_a_closed_case_takes_no_material_and_says_why(county):
    case = register_appeal(county).case
    Case.objects.filter(pk=case.pk).update(state="closed")
    with pytest.raises(MoveNotAllowed) as e:
        services.add_material_with_files(case=case, actor=petitioner(case), message="还有材料")
    assert e.value.code == "case_closed"
    assert not CaseEvent.objects.filter(case=case, kind="add_material").exists()


@pytest.mark.parametrize(
    "name, content, problem",
    [
        ("setup.exe", b"MZ\x90\x00" + b"\x00" * 64, "not an accepted file type"),
        ("report.pdf", b"MZ\x90\x00" + b"\x00" * 64, "not an accepted file type"),
        ("empty.pdf", b"", "is empty"),
    ],
)
def test_files_of_other_types_are_refused(county, name, content, problem):
    case = register_appeal(county).case
    with pytest.raises(InvalidInput) as e:
        services.add_material_with_files(
            case=case,
            actor=petitioner(case),
            message="附件",
            attachments=[services.AttachmentInput(name=name, content=content)],
        )
    assert problem in str(e.value.message)
    assert not Attachment.objects.filter(case=case).exists()


def test_the_count_and_size_limits_hold(county, settings):
    settings.XINFANG = {**settings.XINFANG, "PORTAL_MAX_FILES": 2, "PORTAL_MAX_UPLOAD_MB": 1}
    case = register_appeal(county).case
    three = [services.AttachmentInput(name=f"{i}.pdf", content=PDF) for i in range(3)]
    with pytest.raises(InvalidInput, match="at most 2 files"):
        services.add_material_with_files(
            case=case, actor=petitioner(case), message="x", attachments=three
        )
    big = PDF + b"0" * (1024 * 1024)
    with pytest.raises(InvalidInput, match="larger than 1 MB"):
        services.add_material_with_files(
            case=case,
            actor=petitioner(case),
            message="x",
            attachments=[services.AttachmentInput(name="big.pdf", content=big)],
        )


def test_another_cases_petitioner_cannot_add(county):
    case = register_appeal(county).case
    other = register_appeal(county).case
    with pytest.raises(PermissionDenied):
        services.add_material_with_files(case=case, actor=petitioner(other), message="x")


def test_staff_record_contacts_and_return_visits_even_on_a_closed_case(county, time_machine):
    on(time_machine, "2025-03-05")
    case = accepted_appeal(county)
    services.record_contact(
        case=case,
        actor=county.users["handler"],
        means="phone",
        held_on=dt.date(2025, 3, 4),
        summary="电话告知已安排现场查看。",
    )
    Case.objects.filter(pk=case.pk).update(state="closed")
    services.record_return_visit(
        case=case,
        actor=county.users["clerk"],
        means="visit",
        held_on=dt.date(2025, 3, 5),
        view="satisfied",
        solved="yes",
        summary="上门回访，漏水已修好。",
    )
    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds[-2:] == ["record_contact", "record_return_visit"]
    last = CaseEvent.objects.filter(case=case).order_by("-seq").first()
    assert last.extra["view"] == "satisfied" and last.extra["held_on"] == "2025-03-05"
    assert last.extra["solved"] == "yes"
    # Staff records: the petitioner's timeline does not list them.
    citizen_kinds = [e["kind"] for e in selectors.timeline_entries(case, for_citizen=True)]
    assert "record_contact" not in citizen_kinds


def test_a_contact_is_recorded_once_it_happened(county, time_machine):
    on(time_machine, "2025-03-05")
    case = accepted_appeal(county)
    with pytest.raises(InvalidInput, match="may not be later"):
        services.record_contact(
            case=case,
            actor=county.users["handler"],
            means="phone",
            held_on=dt.date(2025, 3, 6),
            summary="x",
        )


def test_staff_outside_the_case_record_nothing(county):
    case = accepted_appeal(county)
    with pytest.raises(PermissionDenied):
        services.record_contact(
            case=case,
            actor=county.users["land_handler"],
            means="phone",
            held_on=dt.date(2020, 1, 1),
            summary="x",
        )


def test_the_citizen_use_case_opens_the_case_by_its_code_first(county):
    reg = register_appeal(county)
    case = citizen.find(reg.tracking_code, reg.query_password, ip="127.0.0.1")
    citizen.add_material(case, message="补充说明", files=[])
    assert CaseEvent.objects.filter(case=case, kind="add_material").count() == 1
