"""W30, W46: a report (检举控告) never reaches the body it accuses, and the reporter's identity is
shown only to the discipline inspection body handling it (W22, W28)."""

from __future__ import annotations

import pytest

from tests.conftest import register_appeal, report_against
from xinfang.cases import selectors, services
from xinfang.cases.models import Case, CaseEvent
from xinfang.core.errors import InvalidInput, MoveNotAllowed, NotFound


@pytest.fixture
def report(county) -> Case:
    """A report against the county housing bureau, registered by the petition office."""
    return report_against(
        county,
        county.housing,
        routed=False,
        title="住建局工作人员索要好处费",
        text="办理房产证时被要求缴纳额外费用。",
        public_consent=True,
        parties=[
            services.PartyInput(name="张三", phone="13800138000", id_number="370687199001011234")
        ],
    )


def test_report_is_confidential_and_never_public(report):
    assert report.confidential is True
    assert report.public_consent is False


def test_w30_transfer_to_the_accused_body_is_refused(county, report):
    with pytest.raises(InvalidInput) as exc:
        services.transfer(case=report, actor=county.users["clerk"], body=county.housing)
    assert exc.value.code == "protected_target"
    assert exc.value.fields == {"body": ["检举控告事项不得转交被反映单位"]}
    assert Case.objects.get(pk=report.pk).holder_body == county.office


def test_w22_w28_report_goes_to_discipline_inspection_only(county, report):
    with pytest.raises(InvalidInput) as exc:
        services.transfer(case=report, actor=county.users["clerk"], body=county.land)
    assert exc.value.fields == {"body": ["检举控告类事项应转送纪检监察机关"]}

    case = services.transfer(case=report, actor=county.users["clerk"], body=county.discipline)
    assert (case.state, case.holder_body) == ("transferred", county.discipline)
    case = services.accept(case=case, actor=county.users["discipline_handler"])
    assert case.state == "accepted"


def test_w28_only_a_discipline_body_accepts_a_report(county, report):
    from django.contrib.auth import get_user_model

    from xinfang.orgs.models import Membership

    office_handler = get_user_model().objects.create_user("office_handler", password="x")
    Membership.objects.create(user=office_handler, body=county.office, role="handler")
    with pytest.raises(MoveNotAllowed) as exc:
        services.accept(case=report, actor=office_handler)
    assert str(exc.value) == "检举控告类事项由纪检监察机关受理"


@pytest.mark.parametrize("who", ["handler", "head"])
def test_w46_accused_body_staff_do_not_see_it(county, report, who):
    user = county.users[who]
    assert not selectors.cases_visible_to(user).filter(pk=report.pk).exists()
    with pytest.raises(NotFound) as hidden:
        selectors.case_get_for_user(user, report.number)
    with pytest.raises(NotFound) as missing:
        selectors.case_get_for_user(user, "XF-370687-20000101-000001")
    # The same answer as for a case that does not exist: nothing to tell them apart.
    assert str(hidden.value) == str(missing.value) == "未找到该信访事项"


def test_w46_accused_body_staff_get_not_found_from_every_move(county, report):
    handler = county.users["handler"]
    attempts = [
        lambda: services.accept(case=report, actor=handler),
        lambda: services.decline(case=report, actor=handler, reason="不属实"),
        lambda: services.object_remit(case=report, actor=handler, reason="不属于本单位"),
        lambda: services.close(case=report.number, actor=handler),
        lambda: services.merge_repeat(case=report, actor=handler, into="XF-1"),
    ]
    for attempt in attempts:
        with pytest.raises(NotFound) as exc:
            attempt()
        assert str(exc.value) == "未找到该信访事项"

    # Still hidden once it is at the discipline body.
    services.transfer(case=report, actor=county.users["clerk"], body=county.discipline)
    with pytest.raises(NotFound):
        services.accept(case=report, actor=county.users["head"])
    assert CaseEvent.objects.filter(case=report).count() == 2


def test_w46_accused_body_cannot_reach_the_report_through_a_merge(county, report):
    """Merging its own case into the report's number must neither succeed nor confirm it exists."""
    own = register_appeal(county, actor=county.users["handler"], body=county.housing).case
    with pytest.raises(InvalidInput) as exc:
        services.merge_repeat(case=own, actor=county.users["handler"], into=report.number)
    assert exc.value.fields == {"into": ["请填写被重复的事项编号"]}
    assert CaseEvent.objects.filter(case=report).count() == 1


def test_supervisors_above_still_see_the_report(county, report):
    assert selectors.case_get_for_user(county.users["supervisor"], report.number) == report
    assert selectors.case_get_for_user(county.users["clerk"], report.number) == report


def test_w30_reporter_identity_only_for_the_discipline_body_holding_it(county, report):
    clerk = county.users["clerk"]
    discipline = county.users["discipline_handler"]
    assert selectors.may_see_identity(clerk, report) is False
    assert selectors.may_see_identity(discipline, report) is False  # not holding it yet
    assert selectors.may_see_identity(county.users["handler"], report) is False

    case = services.transfer(case=report, actor=clerk, body=county.discipline)
    assert selectors.may_see_identity(discipline, case) is True
    assert selectors.may_see_identity(clerk, case) is False
    assert selectors.case_get_for_user(discipline, case.number) == case


def test_an_appeal_shows_identity_to_its_handlers(county, registered):
    assert selectors.may_see_identity(county.users["clerk"], registered.case) is True


def test_a_body_cannot_register_a_report_against_itself(county):
    with pytest.raises(InvalidInput) as exc:
        register_appeal(
            county,
            actor=county.users["handler"],
            body=county.housing,
            content_type="report",
            accused_body=county.housing,
        )
    assert exc.value.fields == {"accused_body": ["被反映单位不能是登记单位"]}
