from django import template

register = template.Library()


@register.inclusion_tag("desk/triage/_recorded.html")
def triage_recorded(case):
    """The triage suggestion recorded for the case, and whether the clerk followed it."""
    from xinfang.desk.triage_views import recorded_context

    return recorded_context(case)
