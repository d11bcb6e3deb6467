import pytest
from django.core.exceptions import ValidationError

from tests.conftest import register_appeal
from xinfang.cases import selectors
from xinfang.orgs.models import Division, Level
from xinfang.orgs.selectors import bodies_in_scope, body_in_scope_of, petition_office_for


def test_division_tree_paths_give_ancestors_and_full_name(county):
    assert county.village.path == "370000/370600/370687/370687101/370687101201/"
    assert [d.code for d in county.village.ancestors()] == [
        "370687101201",
        "370687101",
        "370687",
        "370600",
        "370000",
    ]
    assert county.village.full_name() == "山东省烟台市海阳市留格庄镇东村"
    assert county.village.county_code == "370687"


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("37068", Level.COUNTY),
        ("3706871", Level.COUNTY),
        ("37A687", Level.COUNTY),
        ("370687", Level.TOWNSHIP),
        ("370687101", Level.VILLAGE),
    ],
)
def test_division_code_must_have_the_digits_of_its_level(code, level):
    with pytest.raises(ValidationError):
        Division(code=code, name="x", level=level).clean()


def test_division_parent_must_be_higher(county):
    d = Division(code="370687102", name="y", level=Level.TOWNSHIP, parent=county.town)
    with pytest.raises(ValidationError):
        d.clean()


def test_handler_sees_only_own_body_cases(county):
    reg = register_appeal(county)
    handler = county.users["handler"]
    assert not selectors.cases_visible_to(handler).filter(pk=reg.case.pk).exists()
    from xinfang.cases import services

    services.transfer(case=reg.case, actor=county.users["clerk"], body=county.housing)
    assert selectors.cases_visible_to(handler).filter(pk=reg.case.pk).exists()
    assert (
        not selectors.cases_visible_to(county.users["land_handler"]).filter(pk=reg.case.pk).exists()
    )


def test_supervisor_scope_covers_the_division_subtree_but_not_above(county):
    supervisor = county.users["supervisor"]
    in_scope = set(bodies_in_scope(supervisor).values_list("name", flat=True))
    assert {"海阳市住房和城乡建设局", "东村村民委员会", "留格庄镇人民政府"} <= in_scope
    assert "烟台市住房和城乡建设局" not in in_scope
    assert body_in_scope_of(supervisor, county.housing, {"supervisor"}) == {"supervisor"}
    assert body_in_scope_of(supervisor, county.city_housing, {"supervisor"}) == set()
    # A handler's role never widens beyond its own body.
    assert body_in_scope_of(county.users["handler"], county.land, {"handler"}) == set()


def test_clerk_follows_cases_the_office_registered(county):
    reg = register_appeal(county)
    from xinfang.cases import services

    services.transfer(case=reg.case, actor=county.users["clerk"], body=county.housing)
    assert selectors.cases_visible_to(county.users["clerk"]).filter(pk=reg.case.pk).exists()


def test_petition_office_is_found_upwards(county):
    assert petition_office_for(county.village) == county.office
    assert petition_office_for(county.city) == county.city_office
