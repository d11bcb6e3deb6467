"""Charts of the monthly report drawn as SVG by our own code (no browser, no plotting package):
horizontal bars and a line. WeasyPrint prints the SVG with the report's fonts."""

from __future__ import annotations

from django.utils.html import escape

INK, BAR, GRID, MUTED = "#000000", "#2f5d8a", "#d0d0d0", "#555555"


def _fmt(v: float) -> str:
    return f"{v:.1f}" if isinstance(v, float) and not float(v).is_integer() else f"{int(v)}"


def hbar(rows: list[tuple[str, float]], *, width: int = 560, unit: str = "", limit=None) -> str:
    """One bar per (label, value), longest first as given; `limit` fixes the scale (100 for %)."""
    if not rows:
        return ""
    bar_h, gap, label_w, pad = 18, 8, 180, 46
    height = len(rows) * (bar_h + gap) + gap
    top = limit or max(v for _l, v in rows) or 1
    span = width - label_w - pad
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" class="chart">'
    ]
    for i in range(0, 5):
        x = label_w + span * i / 4
        out.append(f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height}" stroke="{GRID}"/>')
    for i, (label, value) in enumerate(rows):
        y = gap + i * (bar_h + gap)
        w = span * (value / top) if top else 0
        short = label if len(label) <= 13 else label[:12] + "…"
        out.append(
            f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end" font-size="12" '
            f'fill="{INK}">{escape(short)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{BAR}"/>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + 13}" font-size="11" fill="{INK}">'
            f"{_fmt(value)}{escape(unit)}</text>"
        )
    out.append("</svg>")
    return "".join(out)


def line(points: list[tuple[str, int]], *, width: int = 560, height: int = 200) -> str:
    """A line over (label, value) points, each labelled with its value."""
    if not points:
        return ""
    left, right, top, bottom = 36, 12, 16, 34
    span_x, span_y = width - left - right, height - top - bottom
    peak = max(v for _l, v in points)
    peak = max(4, -(-peak // 4) * 4)  # whole numbers on the four grid lines
    step = span_x / max(len(points) - 1, 1)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" class="chart">'
    ]
    for i in range(0, 5):
        y = top + span_y * i / 4
        value = peak * (4 - i) / 4
        out.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="{GRID}"/>'
            f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" font-size="10" '
            f'fill="{MUTED}">{_fmt(round(value, 1))}</text>'
        )
    xy = [(left + i * step, top + span_y * (1 - v / peak)) for i, (_l, v) in enumerate(points)]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
    out.append(f'<polyline points="{path}" fill="none" stroke="{BAR}" stroke-width="2"/>')
    for (label, value), (x, y) in zip(points, xy, strict=True):
        out.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{BAR}"/>'
            f'<text x="{x:.1f}" y="{y - 6:.1f}" text-anchor="middle" font-size="10" '
            f'fill="{INK}">{value}</text>'
            f'<text x="{x:.1f}" y="{height - bottom + 16}" text-anchor="middle" font-size="10" '
            f'fill="{MUTED}">{escape(label)}</text>'
        )
    out.append("</svg>")
    return "".join(out)
