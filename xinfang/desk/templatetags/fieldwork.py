"""Words of the follow-up records on the desk's timeline."""

from django import template

from xinfang.cases.workflow.followups import CONTACT_MEANS, RETURN_VISIT_VIEWS, SOLVED

register = template.Library()


@register.filter
def contact_means(key: str) -> str:
    return str(CONTACT_MEANS.get(key, key))


@register.filter
def return_view(key: str) -> str:
    return str(RETURN_VISIT_VIEWS.get(key, key))


@register.filter
def solved_words(key: str) -> str:
    return str(SOLVED.get(key, key))
