"""Time to print the minutes of a joint meeting (会议纪要, W39) with 20 decisions to PDF: the first
of a process (it loads the fonts) and the following ones.

No database: the minutes are built here and laid out with the built-in template. Writes
bench/results/minutes_pdf.json.

Usage: .venv/bin/python bench/minutes_pdf.py [--n 20] [--decisions 20]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "results" / "minutes_pdf.json"
BODIES = [
    "海阳市住房和城乡建设局",
    "海阳市自然资源局",
    "海阳市人力资源和社会保障局",
    "海阳市市场监督管理局",
    "留格庄镇人民政府",
]
MEASURES = ["", "约谈", "通报", "挂牌督办", "限期整改"]


def minutes(decisions: int):
    from xinfang.documents.minutes import Minutes, MinutesDecision

    held = dt.date(2026, 12, 3)
    return Minutes(
        convenor="海阳市信访局",
        held_on=held,
        place="市政府第一会议室",
        summary="会议听取了各责任单位关于积案化解和群众反映集中问题的汇报，研究了职责争议事项的处理。",
        attending=tuple(BODIES),
        agenda=tuple(
            f"XF-370687-202611{10 + i % 9}-{i:06d} 小区楼顶漏水无人维修（第{i}号积案）"
            for i in range(1, decisions + 1)
        ),
        decisions=tuple(
            MinutesDecision(
                text=f"由责任单位牵头查明第{i}号事项的事实，依法依规提出化解方案并答复信访人",
                body=BODIES[i % len(BODIES)],
                due_on=held + dt.timedelta(days=14 + i),
                measure=MEASURES[i % len(MEASURES)],
                case_number=f"XF-370687-202611{10 + i % 9}-{i:06d}",
            )
            for i in range(1, decisions + 1)
        ),
    )


def _pages(pdf: bytes) -> int | None:
    """The page count as poppler's pdfinfo reads it (None without poppler-utils)."""
    import shutil
    import subprocess

    tool = shutil.which("pdfinfo")
    if tool is None:
        return None
    out = subprocess.run([tool, "-"], input=pdf, capture_output=True).stdout.decode()
    return next(
        (int(line.split()[-1]) for line in out.splitlines() if line.startswith("Pages:")), None
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20)
    parser.add_argument("--decisions", type=int, default=20)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinfang.config.settings")
    import django

    django.setup()
    from xinfang.documents import fonts
    from xinfang.documents.kinds import KINDS
    from xinfang.documents.minutes import minutes_pdf

    kind = KINDS["meeting_minutes"]
    template = (kind.title, kind.body)
    m = minutes(args.decisions)
    start = time.perf_counter()
    pdf = minutes_pdf(m, template=template)
    cold = (time.perf_counter() - start) * 1000
    times = []
    for _ in range(args.n):
        start = time.perf_counter()
        minutes_pdf(m, template=template)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    results = {
        "fonts": fonts.describe(),
        "decisions": args.decisions,
        "runs": args.n,
        "bytes": len(pdf),
        "pages": _pages(pdf),
        "cold_ms": round(cold, 1),
        "warm_median_ms": round(statistics.median(times), 1),
        "warm_p90_ms": round(times[max(0, int(len(times) * 0.9) - 1)], 1),
        "warm_min_ms": round(times[0], 1),
        "load": os.getloadavg()[0],
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
