"""Lay out a notice and write it as PDF (reportlab), with an embedded CJK TrueType font.

reportlab embeds TrueType outlines only: the Noto CJK collections are CFF-based and are refused,
so the font comes from a list of TrueType CJK fonts (Debian fonts-wqy-zenhei first) or from the
XINFANG_PDF_FONT setting / environment variable. The layout follows GB/T 9704 loosely: A4,
centred title, document number, addressee, indented body, issuing body and date, page numbers.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import os
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.template import Context, Engine, Template

FONT_NAME = "XinfangCJK"

# TrueType-outline CJK fonts, most preferred first (Debian/Ubuntu paths, then other systems).
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/arphic/ukai.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc",
    "/usr/share/fonts/wenquanyi/wqy-zenhei/wqy-zenhei.ttc",
    "C:/Windows/Fonts/simsun.ttc",
    "C:/Windows/Fonts/simhei.ttf",
)


class FontNotFound(ImproperlyConfigured):
    pass


def configured_font_paths() -> list[str]:
    """XINFANG_PDF_FONT (setting, else environment): one path, or several separated by os.pathsep."""
    value = getattr(settings, "XINFANG_PDF_FONT", None) or os.environ.get("XINFANG_PDF_FONT", "")
    if isinstance(value, list | tuple):
        return [str(v) for v in value if v]
    return [p for p in str(value).split(os.pathsep) if p]


def find_font() -> Path:
    """The first usable font; a configured font is used or refused, never silently replaced."""
    return Path(load_font().face.filename)


def load_font():
    """The registered reportlab font (found once per process and configuration)."""
    return _load(tuple(configured_font_paths()))


@functools.cache
def _load(configured: tuple[str, ...]):
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    problems = []
    for candidate in configured or FONT_CANDIDATES:
        path = Path(candidate)
        if not path.is_file():
            problems.append(f"{path}: not found")
            continue
        # reportlab never replaces a registered name: one name per file.
        name = f"{FONT_NAME}-{hashlib.sha1(str(path).encode()).hexdigest()[:8]}"
        try:
            font = TTFont(name, str(path), subfontIndex=0)
        except TTFError as exc:
            problems.append(f"{path}: {exc}")
            continue
        pdfmetrics.registerFont(font)
        return font
    where = "XINFANG_PDF_FONT" if configured else "the built-in font list"
    raise FontNotFound(
        f"No usable CJK TrueType font for PDF notices in {where}. Install one "
        "(apt-get install fonts-wqy-zenhei) or set XINFANG_PDF_FONT to a .ttf/.ttc file with "
        "TrueType outlines (Noto CJK .otf/.ttc files are CFF and cannot be embedded). Tried: "
        + "; ".join(problems)
    )


def missing_glyphs(text: str) -> list[str]:
    """Characters the font cannot draw (rare name characters, for instance)."""
    cmap = load_font().face.charToGlyph
    return sorted({ch for ch in text if not ch.isspace() and ord(ch) not in cmap})


# ---------------------------------------------------------------------------------------------
# Text


@functools.cache
def _engine() -> Engine:
    # Plain text out: reportlab's markup is escaped per paragraph, not HTML.
    return Engine(autoescape=False)


def compile_body(text: str) -> Template:
    return _engine().from_string(text)


def render_paragraphs(text: str, context: dict) -> list[str]:
    rendered = compile_body(text).render(Context(context, autoescape=False))
    return [line.strip() for line in rendered.splitlines() if line.strip()]


def cn_date(day: dt.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


_DIGITS = "〇一二三四五六七八九"


def _cn_number(n: int) -> str:
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + ("" if ones == 0 else _DIGITS[ones])


def cn_formal_date(day: dt.date) -> str:
    """The date under the issuing body, e.g. 二〇二六年一月二日."""
    year = "".join(_DIGITS[int(d)] for d in str(day.year))
    return f"{year}年{_cn_number(day.month)}月{_cn_number(day.day)}日"


# ---------------------------------------------------------------------------------------------
# Layout


@dataclass
class Layout:
    title: str
    number: str
    addressee: str
    paragraphs: list[str]
    issuer: str
    issued_on: dt.date
    footer: str = ""


def build_pdf(layout: Layout) -> bytes:
    from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer

    font = load_font().fontName
    base = ParagraphStyle("base", fontName=font, fontSize=16, leading=28, wordWrap="CJK")
    title = ParagraphStyle("title", parent=base, fontSize=22, leading=32, alignment=TA_CENTER)
    number = ParagraphStyle("number", parent=base, fontSize=14, alignment=TA_CENTER)
    address = ParagraphStyle("addressee", parent=base, alignment=TA_LEFT)
    body = ParagraphStyle("body", parent=base, firstLineIndent=32)
    sign = ParagraphStyle("sign", parent=base, alignment=TA_RIGHT, rightIndent=32)

    def p(text: str, style) -> Paragraph:
        return Paragraph(escape(text), style)

    story = [p(layout.title, title), Spacer(1, 4 * mm)]
    if layout.number:
        story += [p(layout.number, number), Spacer(1, 6 * mm)]
    if layout.addressee:
        story.append(p(f"{layout.addressee}：", address))
    paragraphs = [p(text, body) for text in layout.paragraphs]
    # The issuing body and date never stand alone on a page: the last paragraph goes with them.
    closing = paragraphs[-1:] + [
        Spacer(1, 12 * mm),
        p(layout.issuer, sign),
        p(cn_formal_date(layout.issued_on), sign),
    ]
    story += paragraphs[:-1] + [KeepTogether(closing)]

    def decorate(canvas, doc):
        canvas.saveState()
        canvas.setFont(font, 14)
        canvas.drawCentredString(A4[0] / 2, 14 * mm, f"— {doc.page} —")
        if layout.footer:
            canvas.setFont(font, 9)
            canvas.drawString(28 * mm, 8 * mm, layout.footer)
        canvas.restoreState()

    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        topMargin=37 * mm,
        bottomMargin=35 * mm,
        leftMargin=28 * mm,
        rightMargin=26 * mm,
        title=layout.title,
        author=layout.issuer,
        subject=layout.number,
        creator="阳光信访",
        initialFontName=font,  # no stray reference to an unembedded Helvetica
    )
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return out.getvalue()
