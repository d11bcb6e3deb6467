"""Lay out a notice as GB/T 9704-2012 asks (letter format, 信函格式) and print it to PDF.

HTML and CSS paged media (templates/documents/notice.html and notice.css) printed by WeasyPrint,
which shapes and breaks lines with Pango: a closing bracket or punctuation mark never begins a
line (Unicode line breaking, UAX #14), and case and document numbers are kept on one line.
The typefaces are chosen in fonts.py.
"""

from __future__ import annotations

import atexit
import datetime as dt
import functools
import re
import threading
from dataclasses import dataclass

from django.template import Context, Engine, Template
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from . import fonts
from .fonts import FontNotFound, missing_glyphs

__all__ = [
    "FontNotFound",
    "Layout",
    "build_pdf",
    "cn_date",
    "compile_body",
    "missing_glyphs",
    "render_paragraphs",
    "resolve_you",
]


# ---------------------------------------------------------------------------------------------
# Text


@functools.cache
def _engine() -> Engine:
    # Plain text out: each paragraph is escaped when it is laid out as HTML.
    return Engine(autoescape=False)


def compile_body(text: str) -> Template:
    return _engine().from_string(text)


def render_paragraphs(text: str, context: dict) -> list[str]:
    rendered = compile_body(text).render(Context(context, autoescape=False))
    return [line.strip() for line in rendered.splitlines() if line.strip()]


def cn_date(day: dt.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


# ---------------------------------------------------------------------------------------------
# Layout


YOU = "你（你们）"


def resolve_you(text: str, you: str) -> str:
    """The templates' “你（你们）” as the addressee is: 你 for one petitioner, 你们 for several."""
    return text.replace(YOU, you)


@dataclass
class Layout:
    title: str
    number: str
    addressee: str
    paragraphs: list[str]
    issuer: str
    issued_on: dt.date
    # 发文机关标志: the issuing body's name in red above the number ("" leaves it out).
    header: str = ""
    # Leave room for the seal over the issuer and date, marked by a faint circle.
    seal: bool = True


# Codes joined by hyphens (case numbers such as XF-370687-20261122-000123) and document numbers
# (〔2026〕12号) are never broken across lines.
_UNBREAKABLE = re.compile(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)+|〔\d{4}〕\d+号")
# A first-level heading (一、二、...) up to its colon is set in 黑体.
_HEADING = re.compile(r"^([一二三四五六七八九十]+、[^：:。]{1,12}[：:])")


def paragraph_html(text: str) -> SafeString:
    """One paragraph, escaped, with its numbers kept whole and its heading marked."""
    out = []
    last = 0
    for m in _UNBREAKABLE.finditer(text):
        out.append(escape(text[last : m.start()]))
        out.append(f'<span class="nobr">{escape(m.group(0))}</span>')
        last = m.end()
    out.append(escape(text[last:]))
    html = "".join(out)
    heading = _HEADING.match(text)
    if heading:
        label = escape(heading.group(1))
        if html.startswith(label):
            html = f'<span class="heading">{label}</span>{html[len(label) :]}'
    return mark_safe(html)


def notice_css() -> str:
    faces = fonts.faces()
    context = {"font_faces": fonts.font_faces_css()}
    for role in faces:
        context[role] = fonts.stack(role)
        context[f"{role}_weight"] = fonts.weight(role)
    return render_to_string("documents/notice.css", context)


def notice_html(layout: Layout) -> str:
    return render_to_string(
        "documents/notice.html",
        {
            "layout": layout,
            "paragraphs": [paragraph_html(p) for p in layout.paragraphs],
            # GB/T 9704-2012 7.3.5.1: Arabic numerals, the year in full, no leading zeros.
            "date": cn_date(layout.issued_on),
        },
    )


_printer = threading.local()


@atexit.register
def _release_printer() -> None:
    # Its font folder is removed while the interpreter can still do it.
    _printer.__dict__.pop("value", None)


def _stylesheet():
    """The stylesheet and its font configuration, built once per thread and font choice (loading
    the CJK fonts takes most of a second; later notices reuse them)."""
    key = tuple(sorted((r, f.family, f.file) for r, f in fonts.faces().items()))
    cached = getattr(_printer, "value", None)
    if cached is None or cached[0] != key:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        font_config = FontConfiguration()
        css = CSS(string=notice_css(), font_config=font_config)
        cached = (key, css, font_config)
        _printer.value = cached
    return cached[1], cached[2]


def build_pdf(layout: Layout) -> bytes:
    from weasyprint import HTML

    css, font_config = _stylesheet()
    return HTML(string=notice_html(layout)).write_pdf(stylesheets=[css], font_config=font_config)


# ---------------------------------------------------------------------------------------------
# Other printed documents (the monthly report): their own HTML and stylesheet, the same fonts.


def font_context() -> dict:
    """The @font-face rules and, per role, its font-family stack and weight, for a stylesheet."""
    context = {"font_faces": fonts.font_faces_css()}
    for role in fonts.faces():
        context[role] = fonts.stack(role)
        context[f"{role}_weight"] = fonts.weight(role)
    return context


_documents = threading.local()


def print_document(html: str, css: str, *, base_url: str | None = None) -> tuple[bytes, int]:
    """Print HTML with its stylesheet to PDF; (the PDF, its number of pages). The stylesheet
    and its fonts are loaded once per thread and stylesheet."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    cached = getattr(_documents, "value", None)
    if cached is None or cached[0] != css:
        font_config = FontConfiguration()
        cached = (css, CSS(string=css, font_config=font_config), font_config)
        _documents.value = cached
    document = HTML(string=html, base_url=base_url).render(
        stylesheets=[cached[1]], font_config=cached[2]
    )
    return document.write_pdf(), len(document.pages)


@atexit.register
def _release_documents() -> None:
    _documents.__dict__.pop("value", None)
