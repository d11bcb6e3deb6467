"""The page of a notice as GB/T 9704-2012 lays out a letter (信函格式, 10.1): A4, 天头 37 mm, 订口 28 mm,
版心 156 x 225 mm of 22 lines x 28 characters, the issuing body's red mark 30 mm from the top over a
red double line, the number at the right, the signature centred over the date 4 characters from
the right, a seal over both; no line begins with closing punctuation; numbers stay whole."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import pytest

from xinfang.documents import fonts, render

from .conftest import pdf_lines, poppler

MM = 72 / 25.4  # PDF points per millimetre
PAGE_W, PAGE_H = 210 * MM, 297 * MM
LINE = 225 / 22 * MM  # line pitch
CHAR = 156 / 28 * MM  # character pitch
CASE = "XF-370687-20261122-000123"
# What may not begin a line (GB/T 15834 punctuation; 行首禁则).
CLOSING = "）〕」』》〉】”’。，、；：！？…"


def _layout(paragraphs, **overrides) -> render.Layout:
    fields = dict(
        title="信访处理意见书",
        number="海住建信答〔2026〕12号",
        addressee="张三",
        paragraphs=paragraphs,
        issuer="海阳市住房和城乡建设局",
        issued_on=dt.date(2026, 1, 5),
        header="海阳市住房和城乡建设局",
    )
    fields.update(overrides)
    return render.Layout(**fields)


def _pdf(layout: render.Layout, tmp_path: Path) -> Path:
    path = tmp_path / "notice.pdf"
    path.write_bytes(render.build_pdf(layout))
    return path


def _raster(pdf: Path, tmp_path: Path, page: int = 1, dpi: int = 100):
    """(width, height, rgb bytes) of one page."""
    out = tmp_path / f"page{page}"
    subprocess.run(
        [
            poppler("pdftoppm"),
            "-r",
            str(dpi),
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(pdf),
            str(out),
        ],
        check=True,
    )
    data = (tmp_path / f"page{page}.ppm").read_bytes()
    header = re.match(rb"P6\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    return int(header.group(1)), int(header.group(2)), data[header.end() :]


def _mm(px: float, dpi: int = 100) -> float:
    return px / dpi * 25.4


def test_no_line_begins_with_closing_punctuation_and_numbers_stay_whole(tmp_path):
    """Whatever the length of the text before them, a closing bracket, quote or punctuation mark
    never begins a line, and a case number or document number is never split."""
    paragraphs = [
        "信" * n + f"（事项编号：{CASE}）。“小区”，《条例》、‘物业’；海信访转〔2026〕12号！"
        for n in range(0, 29)
    ]
    lines = pdf_lines(_pdf(_layout(paragraphs), tmp_path))
    starts = [ln.text for ln in lines if ln.text and ln.text[0] in CLOSING]
    assert starts == []
    body = "\n".join(ln.text for ln in lines)
    assert body.count(CASE) == len(paragraphs)
    assert body.count("海信访转〔2026〕12号") == len(paragraphs)


def test_type_area_has_22_lines_of_28_characters(tmp_path):
    """A4; text from 28 mm (订口) to 26 mm from the right; 28 characters a line, 22 lines a page
    (the second page, without the letterhead, is all text)."""
    pdf = _pdf(_layout(["国" * 1500]), tmp_path)
    info = subprocess.run(
        [poppler("pdfinfo"), str(pdf)], check=True, capture_output=True
    ).stdout.decode()
    assert "Page size:       595.276 x 841.89 pts (A4)" in info
    lines = [ln for ln in pdf_lines(pdf) if set(ln.text) == {"国"}]
    assert len(lines[0].text) == 26  # the first line is indented two characters
    assert {len(ln.text) for ln in lines[1:-1]} == {28}
    assert all(abs(ln.x0 - 28 * MM) < 0.5 for ln in lines[1:])
    assert all(abs(ln.x1 - (PAGE_W - 26 * MM)) < 1 for ln in lines[1:-1])
    second = [ln for ln in lines if ln.page == 2]
    assert len(second) == 22
    # 天头: the first line box starts 37 mm down; its glyphs sit half the leading lower.
    assert abs(second[0].y0 - (LINE - 16) / 2 - 37 * MM) < 1
    pitch = [b.y0 - a.y0 for a, b in zip(second, second[1:], strict=False)]
    assert all(abs(p - LINE) < 0.1 for p in pitch)


def test_letterhead_number_and_title_in_place(tmp_path):
    """The issuing body's mark in red, its top 30 mm from the top of the page; 4 mm under it a
    red double line 170 mm long; the number at the right edge; the title centred below."""
    pdf = _pdf(_layout(["经查，情况属实。"]), tmp_path)
    lines = pdf_lines(pdf)
    texts = [ln.text for ln in lines]
    assert texts[:4] == [
        "海阳市住房和城乡建设局",
        "海住建信答〔2026〕12号",
        "信访处理意见书",
        "张三：",
    ]
    number, title = lines[1], lines[2]
    assert abs(number.x1 - (PAGE_W - 26 * MM)) < 1
    assert abs((title.x0 + title.x1) / 2 - (28 * MM + 78 * MM)) < 1

    width, height, rgb = _raster(pdf, tmp_path, dpi=100)

    def red(x, y):
        r, g, b = rgb[(y * width + x) * 3 : (y * width + x) * 3 + 3]
        return r > 180 and g < 90 and b < 90

    red_rows = [y for y in range(height // 3) if any(red(x, y) for x in range(0, width, 2))]
    assert abs(_mm(red_rows[0]) - 30) < 1, _mm(red_rows[0])
    mark_bottom = max(y for y in red_rows if _mm(y) < 40)
    rule = [y for y in red_rows if _mm(y) > 40]
    assert 3 <= _mm(rule[0] - mark_bottom) <= 5
    columns = [x for x in range(width) if red(x, rule[0])]
    assert abs(_mm(columns[-1] - columns[0]) - 170) < 1.5


def test_signature_centred_over_the_date_with_room_for_the_seal(tmp_path):
    """The date (Arabic numerals, no leading zero) ends 4 characters from the right edge, the
    issuing body's name is centred over it, and the seal (a 42 mm circle) is centred over both
    with its top within one line of the text above."""
    pdf = _pdf(_layout(["经查，情况属实。", "特此告知。"]), tmp_path)
    lines = pdf_lines(pdf)
    date = next(ln for ln in lines if ln.text == "2026年1月5日")
    issuer = lines[lines.index(date) - 1]
    last_text = lines[lines.index(issuer) - 1]
    assert issuer.text == "海阳市住房和城乡建设局" and last_text.text == "特此告知。"
    assert abs(date.x1 - (PAGE_W - 26 * MM - 4 * CHAR)) < 1.5
    centre = (date.x0 + date.x1) / 2
    assert abs((issuer.x0 + issuer.x1) / 2 - centre) < 0.5

    width, height, rgb = _raster(pdf, tmp_path, dpi=100)
    top = int(last_text.y1 / MM / 25.4 * 100)
    bottom = int(date.y1 / MM / 25.4 * 100)

    def seal_ink(x, y):
        r, g, b = rgb[(y * width + x) * 3 : (y * width + x) * 3 + 3]
        return r > 200 and r - g > 12 and r - b > 12

    ring = [(x, y) for y in range(top, bottom + 40) for x in range(width) if seal_ink(x, y)]
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    assert abs(_mm(max(xs) - min(xs)) - 42) < 2 and abs(_mm(max(ys) - min(ys)) - 42) < 2
    assert abs(_mm((min(xs) + max(xs)) / 2) - centre / MM) < 1
    gap = _mm(min(ys)) - last_text.y1 / MM
    assert 0 <= gap <= LINE / MM
    # Issuer and date sit below the seal's centre (居印章中心偏下).
    assert issuer.y0 / MM > _mm((min(ys) + max(ys)) / 2)


@pytest.mark.parametrize(
    ("day", "printed"),
    [(dt.date(2026, 1, 5), "2026年1月5日"), (dt.date(2027, 12, 31), "2027年12月31日")],
)
def test_date_in_arabic_numerals_without_leading_zeros(day, printed):
    """GB/T 9704-2012 7.3.5.1: 成文日期 in Arabic numerals, the year in full, no leading zero."""
    assert render.cn_date(day) == printed


def test_first_level_headings_are_set_apart():
    html_text = render.paragraph_html("一、信访请求：要求维修。")
    assert html_text.startswith('<span class="heading">一、信访请求：</span>要求维修。')
    assert render.paragraph_html(f"编号{CASE}。") == f'编号<span class="nobr">{CASE}</span>。'
    assert "&lt;b&gt;" in render.paragraph_html("<b>不是标记</b>")


def test_name_characters_the_text_font_lacks_are_drawn_by_the_fallback(tmp_path):
    """FandolFang covers GB 2312; 堃, 喆, 玥 (common in names) come from Noto Serif CJK SC, and
    only what no font has is reported (it would print as a blank box)."""
    pdf = _pdf(_layout(["王堃、张喆、李玥：经查，情况属实。"], addressee="王堃"), tmp_path)
    assert "王堃、张喆、李玥" in "".join(ln.text for ln in pdf_lines(pdf))
    fonts_used = subprocess.run(
        [poppler("pdffonts"), str(pdf)], check=True, capture_output=True
    ).stdout.decode()
    if not fonts.covers("fangsong", "堃喆玥"):  # FandolFang; a licensed 仿宋 may have them
        assert re.search(r"\+Noto-Serif-CJK-SC\s", fonts_used), fonts_used
    assert render.missing_glyphs("王堃喆玥") == []
    assert render.missing_glyphs("王\ue000") == ["\ue000"]
