"""Time to print one notice to PDF (documents/render.py, WeasyPrint): the first notice of a process
(it loads the fonts) and the following ones, for a one-page 受理告知书 and a two-page 信访处理意见书.

No database: the layouts are built here as the notices' templates fill them. Writes
bench/results/notice_render.json.

Usage: .venv/bin/python bench/notice_render.py [--n 30]
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
OUT = ROOT / "bench" / "results" / "notice_render.json"
CASE = "XF-370687-20261122-000123"


def layouts():
    from xinfang.documents.render import Layout

    common = dict(
        addressee="张三",
        issuer="海阳市住房和城乡建设局",
        header="海阳市住房和城乡建设局",
        issued_on=dt.date(2026, 12, 3),
    )
    received = f"你于2026年11月22日提出的“小区楼顶漏水无人维修”信访事项（事项编号：{CASE}）"
    acceptance = Layout(
        title="受理告知书",
        number="海住建信受〔2026〕12号",
        paragraphs=[
            f"{received}，经审查，符合《信访工作条例》第二十三条、第三十一条规定的受理条件，"
            "本机关决定予以受理。",
            "本机关将依照《信访工作条例》第三十四条的规定，自受理之日起六十日内办结（办理期限至"
            "2027年2月1日）；情况复杂的，经本机关负责人批准，可以适当延长办理期限，延长期限不超过"
            "三十日，并告知你延期理由。",
            "你可以通过阳光信访平台凭查询码查询办理进展，并对办理情况进行评价。",
            "特此告知。",
        ],
        **common,
    )
    reply = Layout(
        title="信访处理意见书",
        number="海住建信答〔2026〕7号",
        paragraphs=[
            f"{received}，本机关已于2026年11月25日依法受理，并依照《信访工作条例》第三十一条的"
            "规定进行了调查核实。根据《信访工作条例》第三十二条的规定，现答复如下：",
            "一、信访请求：要求物业公司维修顶楼防水，赔偿墙面损失。",
            "二、查明的事实：经现场查看，该楼顶防水层老化破损，雨水沿女儿墙根部渗入顶层住户；"
            "物业服务企业于2026年7月、9月两次组织检修，但未能根治。" * 3,
            "三、处理理由：维修顶楼防水属于物业服务合同约定的义务。",
            "四、处理意见：对你的信访请求予以支持。",
            "五、法律依据：《物业管理条例》第三十五条。",
            "如对本处理意见不服，可以自收到本意见书之日起三十日内（至2027年1月4日），依照"
            "《信访工作条例》第三十五条的规定，向烟台市住房和城乡建设局请求复查。",
        ],
        **common,
    )
    return {"acceptance_notice (1 page)": acceptance, "reply_opinion (2 pages)": reply}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=30)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinfang.config.settings")
    import django

    django.setup()
    from xinfang.documents import fonts, render

    results: dict = {"fonts": fonts.describe(), "runs": args.n, "notices": {}}
    first = None
    for name, layout in layouts().items():
        start = time.perf_counter()
        pdf = render.build_pdf(layout)
        once = (time.perf_counter() - start) * 1000
        first = first if first is not None else once
        times = []
        for _ in range(args.n):
            start = time.perf_counter()
            render.build_pdf(layout)
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        results["notices"][name] = {
            "bytes": len(pdf),
            "median_ms": round(statistics.median(times), 1),
            "p90_ms": round(times[int(len(times) * 0.9) - 1], 1),
            "min_ms": round(times[0], 1),
        }
    results["first_notice_of_a_process_ms"] = round(first, 1)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
