"""One table → .xlsx helper for every statistics page (statistics, the cases behind a figure,
scorecards, the backlog ledger): Chinese headers from the translated column labels, numbers as
numbers, percentages as numbers shown with one decimal, dates as dates, and a title row with
the filters applied. Write-only, so a long list costs the memory of one row."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.http import FileResponse
from django.utils.functional import Promise

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEXT, NUMBER, PERCENT, DATE, DATETIME = "text", "number", "percent", "date", "datetime"
FORMATS = {PERCENT: "0.0", DATE: "yyyy-mm-dd", DATETIME: "yyyy-mm-dd hh:mm"}
WIDTHS = {TEXT: 28, NUMBER: 12, PERCENT: 12, DATE: 12, DATETIME: 17}


@dataclass
class Column:
    label: str
    kind: str = TEXT
    width: int | None = None


@dataclass
class Table:
    """One sheet: a title, the filters as (label, value) pairs, the columns and the rows."""

    title: str
    columns: list[Column]
    rows: Iterable[list]
    filters: list[tuple[str, str]] = field(default_factory=list)
    sheet: str = ""


def _plain(value):
    return str(value) if isinstance(value, Promise) else value


def filter_line(filters: list[tuple[str, str]]) -> str:
    return "；".join(f"{_plain(k)}：{_plain(v)}" for k, v in filters)


def write(tables: list[Table], out) -> list[int]:
    """Write the tables, one sheet each, to `out` (binary); the number of rows of each."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    counts = []
    used: set[str] = set()
    for t in tables:
        name = str(_plain(t.sheet or t.title))[:31]
        for ch in "[]:*?/\\":
            name = name.replace(ch, " ")
        while name in used:
            name = name[:28] + f"_{len(used)}"
        used.add(name)
        ws = wb.create_sheet(title=name)
        for i, col in enumerate(t.columns, start=1):
            ws.column_dimensions[get_column_letter(i)].width = col.width or WIDTHS[col.kind]
        ws.freeze_panes = "A4"
        title = WriteOnlyCell(ws, value=str(_plain(t.title)))
        title.font = Font(bold=True, size=14)
        ws.append([title])
        ws.append([filter_line(t.filters)])
        bold = Font(bold=True)
        heads = []
        for col in t.columns:
            cell = WriteOnlyCell(ws, value=str(_plain(col.label)))
            cell.font = bold
            heads.append(cell)
        ws.append(heads)
        n = 0
        for row in t.rows:
            cells = []
            for col, value in zip(t.columns, row, strict=False):
                value = _plain(value)
                if value is None or value == "":
                    cells.append(None)
                elif col.kind in FORMATS:
                    if col.kind == DATETIME and isinstance(value, dt.datetime) and value.tzinfo:
                        from django.utils import timezone

                        value = timezone.localtime(value).replace(tzinfo=None)
                    cell = WriteOnlyCell(ws, value=value)
                    cell.number_format = FORMATS[col.kind]
                    cells.append(cell)
                else:
                    cells.append(value)
            ws.append(cells)
            n += 1
        counts.append(n)
    wb.save(out)
    return counts


def response(tables: list[Table], filename: str) -> FileResponse:
    out = tempfile.TemporaryFile(suffix=".xlsx")
    write(tables, out)
    out.seek(0)
    r = FileResponse(out, as_attachment=True, filename=filename, content_type=XLSX)
    r["Cache-Control"] = "no-store"
    return r
