"""{% load articles %}{{ move.article|article }}: an article code as people read it
(《信访工作条例》第三十六条), through core.articles.cite."""

from __future__ import annotations

from django import template

from xinfang.core.articles import cite

register = template.Library()


@register.filter
def article(code) -> str:
    return cite(str(code or ""))
