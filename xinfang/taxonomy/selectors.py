from __future__ import annotations

from django.db.models import Q, QuerySet

from xinfang.orgs.models import Body, Division

from .models import Category, RoutingRule, TaxonomyVersion


def active_version() -> TaxonomyVersion | None:
    return TaxonomyVersion.objects.filter(is_active=True).first()


def leaves(version: TaxonomyVersion | None = None) -> QuerySet[Category]:
    version = version or active_version()
    return Category.objects.filter(version=version, level=3).order_by("code")


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
    """responsible_body from codes, in one query: `category_codes` from the category up to
    level 1, `division_codes` from the place up to the root. The deepest division wins, then
    the deepest category, then a rule for any category."""
    match_category = Q(category__isnull=True)
    if version_id is not None and category_codes:
        match_category |= Q(category__version_id=version_id, category__code__in=category_codes)
    rules = {
        (r.division_id, r.category.code if r.category_id else None): r
        for r in RoutingRule.objects.filter(
            match_category, division_id__in=division_codes
        ).select_related("body", "category")
    }
    for d in division_codes:
        for c in [*category_codes, None]:
            rule = rules.get((d, c))
            if rule and rule.body.is_active:
                return rule.body
    return None
