"""{% load oversight %}{% listed_banner %} on an inbox, {% listed_banner case %} on a case page."""

from django import template

from xinfang.cases.selectors import listed_for_user

register = template.Library()


@register.inclusion_tag("desk/oversight/_listed_banner.html", takes_context=True)
def listed_banner(context, case=None):
    if case is not None:
        return {"case": case}
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"listed_cases": list(listed_for_user(user)[:20]) if user else []}
