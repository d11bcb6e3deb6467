"""The taxonomy the demo files its cases under, and the county's routing rules (plans.toml)."""

from __future__ import annotations

from pathlib import Path

from xinfang.orgs.models import Division
from xinfang.taxonomy.models import Category, RoutingRule
from xinfang.taxonomy.selectors import active_version
from xinfang.taxonomy.services import load_taxonomy

from . import data
from .county import STAFFED_TOWNSHIP, DemoCounty


def taxonomy_csv() -> Path | None:
    """The taxonomy bundled with the package (a fresh clone has nothing else)."""
    import xinfang.taxonomy

    path = Path(xinfang.taxonomy.__file__).resolve().parent / "data" / "content-taxonomy.csv"
    return path if path.is_file() else None


def ensure_taxonomy(path: Path | None = None) -> bool:
    """Load the taxonomy (by default the bundled one) unless one is active. True when a
    taxonomy is available."""
    if active_version() is not None:
        return True
    path = path or taxonomy_csv()
    if path is None:
        return False
    load_taxonomy(path=path)
    return True


def category_index() -> dict[tuple[str, ...], Category]:
    version = active_version()
    if version is None:
        return {}
    cats = list(Category.objects.filter(version=version))
    by_id = {c.pk: c for c in cats}
    index = {}
    for c in cats:
        names, node = [], c
        while node is not None:
            names.append(node.name)
            node = by_id.get(node.parent_id)
        index[tuple(reversed(names))] = c
    return index


def rules() -> list[tuple[tuple[str, ...], str, str | None]]:
    """(category path, body key, division code or None for the county)."""
    plans = data.plans()
    out: list[tuple[tuple[str, ...], str, str | None]] = [
        (tuple(path.split("/")), key, None) for path, key in plans["routing"].items()
    ]
    out += [
        (tuple(path.split("/")), key, STAFFED_TOWNSHIP)
        for path, key in plans["township_routing"].items()
    ]
    return out


def ensure_routing(county: DemoCounty, categories: dict[tuple[str, ...], Category]) -> int:
    created = 0
    town = Division.objects.get(code=STAFFED_TOWNSHIP)
    for path, key, division_code in rules():
        category = categories.get(path)
        if category is None:
            continue
        _, new = RoutingRule.objects.get_or_create(
            category=category,
            division=town if division_code else county.county,
            defaults={"body": county.body(key), "note": "演示数据"},
        )
        created += new
    return created
