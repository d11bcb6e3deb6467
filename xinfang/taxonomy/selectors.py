from __future__ import annotations

from django.db.models import QuerySet

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
    divisions = division.ancestors()
    cats: list[Category | None] = (category_lineage(category) if category else []) + [None]
    rules = {
        (r.division_id, r.category_id): r
        for r in RoutingRule.objects.filter(
            division__in=divisions, category__in=[c for c in cats if c] or [0]
        ).select_related("body")
        | RoutingRule.objects.filter(division__in=divisions, category__isnull=True).select_related(
            "body"
        )
    }
    for d in divisions:
        for c in cats:
            rule = rules.get((d.code, c.pk if c else None))
            if rule and rule.body.is_active:
                return rule.body
    return None
