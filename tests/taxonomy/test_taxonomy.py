import io

import pytest
from django.core.management import CommandError, call_command

from tests.conftest import TAXONOMY_CSV
from xinfang.taxonomy.models import Category, RoutingRule, TaxonomyVersion
from xinfang.taxonomy.selectors import leaf_by_code, leaves, responsible_body


@pytest.fixture
def taxonomy(db):
    call_command("load_taxonomy", str(TAXONOMY_CSV))
    return TaxonomyVersion.objects.get(is_active=True)


def test_load_taxonomy_gives_three_levels_and_517_leaves(db):
    out = io.StringIO()
    call_command("load_taxonomy", str(TAXONOMY_CSV), stdout=out)
    assert leaves().count() == 517
    leaf = leaves().first()
    assert leaf.level == 3 and leaf.parent.level == 2 and leaf.parent.parent.level == 1
    assert leaf.full_name.count("/") == 2
    assert len(leaf.code) == 6 and leaf.code.startswith(leaf.parent.code)
    assert "517 leaf categories" in out.getvalue()


def test_load_taxonomy_twice_creates_nothing(taxonomy):
    before = Category.objects.count()
    out = io.StringIO()
    call_command("load_taxonomy", str(TAXONOMY_CSV), stdout=out)
    assert Category.objects.count() == before
    assert TaxonomyVersion.objects.count() == 1
    assert "already loaded" in out.getvalue()


def test_a_changed_file_becomes_a_new_active_version(taxonomy, tmp_path):
    changed = tmp_path / "t.csv"
    changed.write_text(
        TAXONOMY_CSV.read_text(encoding="utf-8") + "城乡建设,安全生产,新增叶子\n", encoding="utf-8"
    )
    call_command("load_taxonomy", str(changed))
    active = TaxonomyVersion.objects.get(is_active=True)
    assert active != taxonomy
    assert leaves().count() == 518
    assert leaves(taxonomy).count() == 517  # the old version stays for the cases that use it


def test_bad_file_is_refused_with_a_clear_error(db, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(CommandError, match="level1, level2, level3"):
        call_command("load_taxonomy", str(bad))
    with pytest.raises(CommandError):
        call_command("load_taxonomy", str(tmp_path / "missing.csv"))


def test_routing_picks_the_most_specific_rule(taxonomy, county):
    leaf = leaves().filter(full_name__startswith="城乡建设/").first()
    level1 = leaf.parent.parent
    RoutingRule.objects.create(category=None, division=county.county, body=county.office)
    RoutingRule.objects.create(category=level1, division=county.county, body=county.housing)
    assert responsible_body(leaf, county.village) == county.housing
    other = leaves().exclude(full_name__startswith="城乡建设/").first()
    assert responsible_body(other, county.village) == county.office
    RoutingRule.objects.create(category=leaf, division=county.town, body=county.town_gov)
    assert responsible_body(leaf, county.village) == county.town_gov
    assert responsible_body(leaf, county.county) == county.housing
    assert leaf_by_code(leaf.code) == leaf
    # A body no longer active is passed over for the next rule up; the one found is a whole row.
    county.town_gov.is_active = False
    county.town_gov.save()
    found = responsible_body(leaf, county.village)
    assert found == county.housing and found.is_active is True and found.name == county.housing.name
    # A rule of another taxonomy version with the same codes does not apply.
    other_version = TaxonomyVersion.objects.create(
        label="另一版本", source_sha256="0" * 64, is_active=False
    )
    twin = Category.objects.create(
        version=other_version, code=leaf.code, name=leaf.name, level=3, full_name=leaf.full_name
    )
    RoutingRule.objects.create(category=twin, division=county.village, body=county.office)
    assert responsible_body(leaf, county.village) == county.housing


def test_no_rule_means_no_suggestion(taxonomy, county):
    assert responsible_body(leaves().first(), county.village) is None
