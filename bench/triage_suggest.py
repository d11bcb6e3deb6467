"""Benchmark triage suggestions: training time and suggestion latency.

Trains the level-1 category model on ../shared/data/messages-segmented-train.csv with
textmodel.train (the pipeline triage_eval and train_triage use), stores it as the active
TriageModel, then times 1,000 calls of triage.suggest.suggest() on raw messages from
messages-raw-sample.csv: model, content-type rules, keyword leaf rules, place matcher over the
demo county plus synthetic villages (a province-sized division table), and the routing lookup.
The first call (loading the model and building the matchers) is timed apart.

Writes bench/results/triage_suggest.json, one entry per database.

Usage:
  .venv/bin/python bench/triage_suggest.py            (a fresh SQLite file in /tmp)
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/xinfang_bench_triage .venv/bin/python \
      bench/triage_suggest.py
  (options: --n 1000 --villages 60000)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/xinfang-bench-triage.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinfang.config.settings")
DATA = ROOT.parent / "shared" / "data"
OUT = ROOT / "bench" / "results" / "triage_suggest.json"
# Common characters of Chinese place names, for synthetic village names.
PLACE_CHARS = "东西南北上下前后大小新老王李张刘陈杨赵黄周吴徐孙马朱胡林郭何高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤山河湖海泉沟岭庄屯营堡寨坡台店桥"


def setup() -> None:
    import django

    url = os.environ["DATABASE_URL"]
    if url.startswith("sqlite:///"):
        Path(url[len("sqlite:///") :]).unlink(missing_ok=True)
    else:
        from bench.inbox import ensure_database

        ensure_database(url)
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0)


def build_places(villages: int, rng: random.Random) -> int:
    """The demo county, plus synthetic townships and villages across made-up counties."""
    from xinfang.demo.county import build_divisions_and_bodies
    from xinfang.orgs.models import Division, Level

    county = build_divisions_and_bodies()
    rows = []
    per_town = 200
    for t in range(max(1, villages // per_town)):
        county_code = f"3799{t // 20:02d}"
        if t % 20 == 0:
            rows.append(
                Division(
                    code=county_code,
                    name=_name(rng, 2) + "县",
                    level=Level.COUNTY,
                    parent=county.city,
                    path=f"{county.city.path}{county_code}/",
                )
            )
        town_code = f"{county_code}{t % 20 + 100:03d}"
        rows.append(
            Division(
                code=town_code,
                name=_name(rng, 3) + "镇",
                level=Level.TOWNSHIP,
                parent_id=county_code,
                path=f"{county.city.path}{county_code}/{town_code}/",
            )
        )
        for v in range(per_town):
            code = f"{town_code}{v + 200:03d}"
            rows.append(
                Division(
                    code=code,
                    name=_name(rng, rng.choice((2, 3))) + "村",
                    level=Level.VILLAGE,
                    parent_id=town_code,
                    path=f"{county.city.path}{county_code}/{town_code}/{code}/",
                )
            )
    Division.objects.bulk_create(rows, batch_size=5000)
    return Division.objects.count()


def _name(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(PLACE_CHARS) for _ in range(n))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--villages", type=int, default=60000)
    parser.add_argument(
        "--profile", action="store_true", help="also print where the suggestion time goes"
    )
    args = parser.parse_args()
    rng = random.Random(7)
    setup()

    from django.db import connection

    from xinfang.orgs.models import Division
    from xinfang.taxonomy.services import load_taxonomy
    from xinfang.triage import suggest, textmodel
    from xinfang.triage.models import TriageModel

    load_taxonomy(path=ROOT / "xinfang" / "taxonomy" / "data" / "content-taxonomy.csv")
    divisions = build_places(args.villages, rng)

    texts, labels = textmodel.read_labelled_csv(DATA / "messages-segmented-train.csv")
    started = time.perf_counter()
    model = textmodel.train(texts, labels)
    train_seconds = time.perf_counter() - started
    blob = model.to_bytes()
    TriageModel.objects.create(
        kind=TriageModel.CATEGORY,
        version=1,
        status=TriageModel.READY,
        progress=100,
        trained_on=len(texts),
        blob=blob,
        is_active=True,
    )

    raw_titles, raw_labels = textmodel.read_labelled_csv(DATA / "messages-raw-sample.csv")
    places = list(Division.objects.filter(level__gte=4).values_list("name", flat=True))
    county = Division.objects.get(code="370687")
    inputs = []
    for i in range(args.n):
        title, _sep, body = raw_titles[i % len(raw_titles)].partition("\n")
        address = f"{county.name}{rng.choice(places)}{rng.randrange(1, 99)}号"
        inputs.append((title, body, address))

    started = time.perf_counter()
    first = suggest.suggest(*inputs[0], within=county)
    first_ms = (time.perf_counter() - started) * 1000

    timings = []
    cpu = []
    low = 0
    correct = 0
    for i, (title, body, address) in enumerate(inputs):
        t0, c0 = time.perf_counter(), time.process_time()
        advice = suggest.suggest(title, body, address, within=county)
        timings.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        low += advice.low_confidence
        correct += (
            advice.level1 is not None and advice.level1.value == raw_labels[i % len(raw_labels)]
        )

    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        for title, body, address in inputs[:300]:
            suggest.suggest(title, body, address, within=county)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)

    model_only = []
    textmodel.segment.cache_clear()  # as cold as the suggestions above
    for title, body, _address in inputs:
        t0 = time.perf_counter()
        model.predict_proba(f"{title}\n{body}")
        model_only.append((time.perf_counter() - t0) * 1000)

    result = {
        "what": "triage.suggest.suggest() end to end with a loaded model; training time",
        "database": connection.vendor,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "training": {
            "file": "messages-segmented-train.csv",
            "texts": len(texts),
            "classes": len(set(labels)),
            "train_seconds": round(train_seconds, 2),
            "model_bytes": len(blob),
        },
        "suggestions": {
            "n": len(timings),
            "divisions_in_table": divisions,
            "first_call_ms": round(first_ms, 1),
            "p50_ms": round(statistics.median(timings), 2),
            "p95_ms": round(percentile(timings, 0.95), 2),
            "p99_ms": round(percentile(timings, 0.99), 2),
            "max_ms": round(max(timings), 2),
            "cpu_p50_ms": round(statistics.median(cpu), 2),
            "cpu_p95_ms": round(percentile(cpu, 0.95), 2),
            "model_only_p50_ms": round(statistics.median(model_only), 2),
            "model_only_p95_ms": round(percentile(model_only, 0.95), 2),
            "low_confidence_share": round(low / len(timings), 3),
            "level1_accuracy_on_raw_sample": round(correct / len(timings), 3),
            "first_result_level1": first.level1.value if first.level1 else None,
        },
        "load_average_1m_after": round(os.getloadavg()[0], 2),
        "target": "p95 < 10 ms per suggestion; training < 5 minutes on 2 cores",
    }
    # One entry per database, so a run on one keeps the last figures of the other.
    previous = json.loads(OUT.read_text(encoding="utf-8")) if OUT.exists() else {}
    runs = {k: v for k, v in previous.items() if k in ("sqlite", "postgresql")}
    runs[connection.vendor] = result
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(runs, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
