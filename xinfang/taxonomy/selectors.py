from __future__ import annotations

from django.db.models import QuerySet

from xinfang.core import tablecache
from xinfang.orgs.models import Body, Division

from .models import Category, RoutingRule, TaxonomyVersion


@tablecache.cached("taxonomy.version", TaxonomyVersion)
def active_version() -> TaxonomyVersion | None:
    return TaxonomyVersion.objects.filter(is_active=True).first()


def leaves(version: TaxonomyVersion | None = None) -> QuerySet[Category]:
    version = version or active_version()
    return Category.objects.filter(version=version, level=3).order_by("code")


@tablecache.cached("taxonomy.leaf", TaxonomyVersion, Category)
def leaf_by_code(code: str) -> Category | None:
    version = active_version()
    if version is None:
        return None
    return Category.objects.filter(version=version, level=3, code=code).first()


def category_lineage(category: Category) -> list[Category]:
    chain = []
    node: Category | None = category
    while node is not None:
        chain.append(node)
        node = node.parent
    return chain


def responsible_body(category: Category | None, division: Division) -> Body | None:
    """The body a routing rule names for this category and place; None when no rule matches."""
    lineage = category_lineage(category) if category else []
    return responsible_body_for(
        category.version_id if category else None,
        [c.code for c in lineage],
        [d.code for d in division.ancestors()],
    )


def responsible_body_for(
    version_id: int | None, category_codes: list[str], division_codes: list[str]
) -> Body | None:
    """responsible_body from codes, in one statement: `category_codes` from the category up to
    level 1, `division_codes` from the place up to the root. The deepest division wins, then
    the deepest category, then a rule for any category.

    Plain SQL: triage suggests a body on every keystroke pause, and building this query through
    the ORM cost more than running it."""
    if not division_codes:
        return None
    codes = list(category_codes) if version_id is not None else []
    rule, category, body = RoutingRule._meta, Category._meta, Body._meta
    marks = ", ".join(["%s"] * len(division_codes))
    sql = (
        f"SELECT b.*, r.division_id AS rule_division, c.code AS rule_category"
        f" FROM {rule.db_table} r JOIN {body.db_table} b ON b.id = r.body_id"
        f" LEFT JOIN {category.db_table} c ON c.id = r.category_id"
        f" WHERE r.division_id IN ({marks}) AND (r.category_id IS NULL"
    )
    params: list = list(division_codes)
    if codes:
        sql += f" OR (c.version_id = %s AND c.code IN ({', '.join(['%s'] * len(codes))}))"
        params += [version_id, *codes]
    rules = {(b.rule_division, b.rule_category): b for b in Body.objects.raw(sql + ")", params)}
    for d in division_codes:
        for c in [*codes, None]:
            found = rules.get((d, c))
            if found is not None and found.is_active:
                return found
    return None
