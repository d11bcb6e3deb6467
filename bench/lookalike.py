"""Benchmark the look-alike index (xinfang/triage/similarity.py and the band table).

Synthetic petitions from templates (topics, sentence variants, random places, estates, roads,
companies, names and numbers). For each size the texts and their signatures are made once, then:
- in memory, the pure LSHIndex: index build time, memory, and lookup latency (signature of the
  query text + LSH lookup + ranking) over 1,000 queries, half near-duplicates of indexed texts
  (a few characters changed, or sentences reordered), half fresh texts;
- in PostgreSQL: cases, signature rows and band rows written with COPY straight into the app's
  tables (the band table's indexes rebuilt afterwards from their own definitions), then the
  latency of selectors.similar_open_cases (what the intake check page calls), without and with
  a clerk's visibility filter, and of its candidate SQL alone; table and index sizes; and the
  app's own write path (services._write) for one case at a time.
Recall@5 of the near-duplicates and the candidates examined per lookup are reported too.
Writes bench/results/lookalike.json and prints it.

Usage:
  .venv/bin/python bench/lookalike.py          # 100,000 and 1,000,000, in memory and PostgreSQL
  options: --sizes 100000,1000000 --db-sizes 100000,1000000 --queries 1000 --no-db --out FILE
  DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/xinfang_bench_lsh (dropped and
  migrated afresh for each size)
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import random
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/xinfang_bench_lsh")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinfang.config.settings")
OUT = ROOT / "bench" / "results" / "lookalike.json"

import numpy as np  # noqa: E402

from xinfang.triage.similarity import DEFAULT_SCHEME, LSHIndex, MinHasher  # noqa: E402

# Characters for made-up proper names (estates, roads, companies, people).
NAME_CHARS = (
    "安宝北滨城春翠东福富港光广国海和河红华怀嘉建金锦景静康兰蓝丽莲林龙鹿绿梅美明南宁平清"
    "庆瑞润山上盛世顺松泰桃天田万文西祥新兴星秀阳怡银永玉裕园悦云长正中竹紫泽鑫凤凰仁义德"
)
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
COUNTIES = ["海阳市", "莱阳市", "栖霞市", "蓬莱区", "福山区", "牟平区", "龙口市", "招远市"]
TOWNS = ["凤城街道", "东村街道", "留格庄镇", "发城镇", "盘石店镇", "郭城镇", "徐家店镇", "行村镇"]
ESTATE_SUFFIX = ["小区", "花园", "家园", "苑", "新城", "公馆", "社区", "雅居"]
ROAD_SUFFIX = ["路", "大街", "街", "巷"]
COMPANY_SUFFIX = ["物业服务有限公司", "建筑工程有限公司", "房地产开发有限公司", "商贸有限公司"]

# (title template, sentence variants): {e} estate, {r} road, {c} company, {p} person, {n} number.
TOPICS = [
    (
        "{e}楼顶漏水无人维修",
        [
            "我家住在{e}{n}号楼顶层，每逢下雨屋顶就漏水",
            "墙面大面积发霉，家具和电器都被泡坏了",
            "多次找{c}反映，对方说维修基金动用需要业主大会同意",
            "开发商说已过保修期，互相推诿",
            "漏水已经持续了{n}个月，老人孩子住着很不安全",
            "社区也来看过，但一直没有结果",
            "楼上平台防水层老化开裂，雨水顺着楼板往下渗",
        ],
    ),
    (
        "{c}拖欠农民工工资",
        [
            "我们{n}名工人在{r}的工地干了{n}个月",
            "包工头{p}拖欠工资共计{n}万元至今未付",
            "找建设单位，对方说工程款已经付给总包",
            "春节前答应结清，到现在分文未给",
            "家里老人看病孩子上学都等着这笔钱",
            "劳动监察大队受理后一直没有进展",
            "我们有考勤记录和工友证言可以作证",
        ],
    ),
    (
        "{r}夜间施工噪音扰民",
        [
            "{r}附近的工地每天晚上施工到凌晨{n}点",
            "渣土车来回运输，噪音和扬尘非常大",
            "{e}的居民长期无法正常休息",
            "打过多次热线，白天来查晚上照样施工",
            "施工单位是{c}，没有公示夜间施工许可",
            "孩子马上中考，严重影响学习",
        ],
    ),
    (
        "{e}拆迁补偿不到位",
        [
            "我家房屋位于{e}，去年被列入征收范围",
            "评估价格明显低于周边同类房屋市场价",
            "补偿协议签订后安置房迟迟不能交付",
            "过渡费从{n}月开始就停发了",
            "征收办工作人员{p}说要等上级拨款",
            "同一片区的邻居补偿标准不一致，请求公开",
        ],
    ),
    (
        "{e}物业乱收费",
        [
            "{c}擅自上调物业费，每平方米涨了{n}元",
            "停车费没有经过业主大会就开始收取",
            "公共收益从来不公示，业主多次要求查账被拒绝",
            "小区电梯经常故障，物业不及时维修",
            "业主委员会成立至今无法备案",
            "请求住建部门依法查处",
        ],
    ),
    (
        "{r}道路破损严重",
        [
            "{r}从{e}门口到学校一段路面坑洼不平",
            "雨天积水很深，已经发生过多起摔伤事故",
            "路灯也坏了{n}盏，晚上出行很危险",
            "向街道反映过，说不归他们管",
            "这条路是附近居民和学生每天的必经之路",
            "希望尽快安排维修并增设警示标志",
        ],
    ),
    (
        "{e}违章建筑长期未拆除",
        [
            "{e}{n}号楼一楼业主{p}私自扩建院落",
            "占用了公共绿地和消防通道",
            "城管部门下过整改通知书但一直没有拆除",
            "违建已经影响到楼上住户采光",
            "其他业主也开始效仿私搭乱建",
            "请求有关部门依法强制拆除",
        ],
    ),
    (
        "{p}养老保险待遇核定有误",
        [
            "我于{n}年退休，社保部门核定的养老金明显偏低",
            "视同缴费年限没有按政策计算",
            "原单位已经改制，档案材料不全",
            "多次到社保窗口咨询没有明确答复",
            "同批退休的同事待遇比我高出{n}元",
            "请求重新核定并补发差额",
        ],
    ),
    (
        "{e}学校周边交通拥堵",
        [
            "{r}小学门口上下学时段车辆乱停乱放",
            "接送孩子的家长把路口堵得水泄不通",
            "没有设置减速带和人行横道",
            "孩子过马路很危险，已经发生过剐蹭",
            "建议交警部门在高峰时段安排执勤",
            "希望规划建设临时停车区",
        ],
    ),
    (
        "{r}商户占道经营油烟扰民",
        [
            "{r}两侧烧烤摊占用人行道经营到深夜",
            "油烟直接排到{e}居民楼里",
            "垃圾和污水随意倾倒，气味难闻",
            "市场监管和城管互相推诿",
            "晚上喝酒喧哗还多次引发纠纷",
            "请求规范管理，安装油烟净化设备",
        ],
    ),
    (
        "{p}宅基地边界纠纷",
        [
            "邻居{p}翻建房屋时占用我家宅基地约{n}平方米",
            "村委会调解过{n}次没有结果",
            "镇国土所测量后也没有给出书面意见",
            "双方的土地使用证四至记载不一致",
            "对方已经开始打地基，请求立即制止",
            "希望依法确权，维护我家合法权益",
        ],
    ),
    (
        "{c}售房合同纠纷",
        [
            "我在{c}开发的{e}购买了一套商品房",
            "合同约定{n}年交房，至今已经逾期",
            "交房时发现实际面积与合同不符",
            "开发商拒绝按合同支付违约金",
            "房产证迟迟办不下来，孩子上学受影响",
            "请求住建部门督促开发商履行合同",
        ],
    ),
]
# Each case words the same matter its own way: one alternative per word, chosen per case.
SYNONYMS = {
    "反映": ["反映", "投诉", "反应", "举报", "提出"],
    "多次": ["多次", "反复", "几次", "屡次", "好几回"],
    "一直": ["一直", "始终", "至今", "总是", "长期"],
    "请求": ["请求", "恳请", "希望", "要求", "强烈要求"],
    "严重": ["严重", "非常", "特别", "十分", "极其"],
    "部门": ["部门", "单位", "机关", "政府", "领导"],
    "没有": ["没有", "未", "并未", "从未", "始终没有"],
    "居民": ["居民", "住户", "群众", "业主", "老百姓"],
    "工地": ["工地", "项目", "工程", "施工现场", "楼盘"],
    "维修": ["维修", "修理", "整修", "处理", "修缮"],
    "尽快": ["尽快", "早日", "及时", "马上", "抓紧"],
    "影响": ["影响", "干扰", "妨碍", "耽误", "损害"],
    "小区": ["小区", "社区", "院子", "楼盘", "片区"],
    "问题": ["问题", "情况", "事情", "困难", "矛盾"],
}
DETAILS = [
    "联系人{p}，住{t}{r}{n}号",
    "{p}的电话打不通，{e}门卫也不让进",
    "{t}{e}东门对面就是{c}",
    "去年{n}月{p}已经向{t}书面报告过",
    "附近{e}、{r}一带的{p}等人都知道这件事",
    "{c}负责人{p}当面承诺过，但是没有兑现",
]
OPENINGS = ["尊敬的领导：您好！", "我是{t}居民{p}，", "反映一个问题。", "", "", ""]
CLOSINGS = ["恳请领导重视，尽快解决！", "希望有关部门调查处理。", "盼复。", "谢谢！", ""]


def _name(rng: random.Random, k: int) -> str:
    return "".join(rng.choice(NAME_CHARS) for _ in range(k))


def make_case(rng: random.Random) -> tuple[str, str]:
    topic, sentences = TOPICS[rng.randrange(len(TOPICS))]
    slots = {
        "e": _name(rng, 2) + rng.choice(ESTATE_SUFFIX),
        "r": _name(rng, 2) + rng.choice(ROAD_SUFFIX),
        "c": rng.choice(COUNTIES)[:2] + _name(rng, 2) + rng.choice(COMPANY_SUFFIX),
        "p": rng.choice(SURNAMES) + _name(rng, rng.choice((1, 2))),
        "t": rng.choice(COUNTIES) + rng.choice(TOWNS),
    }

    def fill(s: str) -> str:
        return re.sub(
            r"\{n\}", lambda _m: str(rng.randrange(2, 99)), s.format_map({**slots, "n": "{n}"})
        )

    body = [fill(rng.choice(OPENINGS))]
    parts = rng.sample(sentences, rng.randint(2, 4)) + rng.sample(DETAILS, rng.randint(1, 2))
    rng.shuffle(parts)
    body += [fill(s) + rng.choice("，。") for s in parts]
    body.append(rng.choice(CLOSINGS))
    words = {w: rng.choice(alts) for w, alts in SYNONYMS.items()}
    pattern = re.compile("|".join(SYNONYMS))
    text = pattern.sub(lambda m: words[m.group(0)], "".join(body))
    return fill(topic), text


def near_duplicate(title: str, body: str, rng: random.Random) -> tuple[str, str]:
    """The same petition submitted again: a few characters changed, or sentences reordered."""
    if rng.random() < 0.5:
        parts = [p for p in re.split(r"(?<=[，。！：])", body) if p]
        rng.shuffle(parts)
        return title, "".join(parts)
    chars = list(body)
    for _ in range(rng.randint(2, 6)):
        i = rng.randrange(len(chars))
        chars[i] = rng.choice(NAME_CHARS)
    return title, "".join(chars)


def pct(values: list[float], p: float) -> float:
    return round(float(np.percentile(values, p)), 3)


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def generate(n: int, seed: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    return [make_case(rng) for _ in range(n)]


def queries(cases, n: int, seed: int):
    """(title, body, index of the indexed original or None) for n lookups."""
    rng = random.Random(seed)
    fresh = generate(n // 2, seed + 1)
    out = []
    for i in range(n):
        if i % 2 == 0:
            j = rng.randrange(len(cases))
            out.append((*near_duplicate(*cases[j], rng), j))
        else:
            out.append((*fresh[i // 2], None))
    return out


def bench_memory(cases, sigs, t_sig: float, n_queries: int) -> dict:
    hasher = MinHasher(DEFAULT_SCHEME)
    gc.collect()
    before = rss_mb()
    index = LSHIndex(DEFAULT_SCHEME)
    t1 = time.perf_counter()
    index.add_many(list(range(len(cases))), sigs)
    index._merge()  # build the sorted arrays now, so lookups run on the steady state
    t_index = time.perf_counter() - t1
    gc.collect()
    arrays = sum(
        a.nbytes for a in (index._sigs, index._bands, index._sorted_keys, index._sorted_rows)
    )
    times, examined, hits, dups = [], [], 0, 0
    sig_times = []
    for title, body, original in queries(cases, n_queries, seed=len(cases)):
        t = time.perf_counter()
        sig = hasher.signature(f"{title}\n{body}")
        t_s = time.perf_counter()
        found = index.query(sig, 5, min_score=0.2)
        times.append((time.perf_counter() - t) * 1000)
        sig_times.append((t_s - t) * 1000)
        examined.append(index.last_examined)
        if original is not None:
            dups += 1
            hits += any(k == original for k, _s in found)
    return {
        "cases": len(cases),
        "build_seconds": {"signatures": round(t_sig, 2), "index": round(t_index, 2)},
        "memory_mb": {
            "index_arrays": round(arrays / 2**20, 1),
            "process_rss_growth": round(rss_mb() - before, 1),
        },
        "lookup_ms": latency(times),
        "signature_ms_p50": pct(sig_times, 50),
        "candidates_examined": {
            "mean": round(statistics.mean(examined), 1),
            "p95": pct(examined, 95),
            "max": max(examined),
        },
        "near_duplicate_recall_at_5": round(hits / dups, 4),
        "queries": len(times),
    }


def latency(times: list[float]) -> dict:
    return {
        "p50": pct(times, 50),
        "p95": pct(times, 95),
        "p99": pct(times, 99),
        "max": round(max(times), 3),
    }


# ---------------------------------------------------------------------------------------------
# PostgreSQL: rows written with COPY straight into the app's tables (not the app's write path,
# which is measured separately per case), then looked up through the app's selector.

OPEN_SHARE = 0.8
ID_BASE = 1000  # case ids are ID_BASE + position in the generated list


def ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_db() -> None:
    import django

    ensure_database(os.environ["DATABASE_URL"])
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0)


def _raw(cur):
    """The psycopg cursor under Django's wrapper."""
    return getattr(cur, "cursor", cur)


def copy_cases(cases, open_mask: np.ndarray):
    """Cases through a staging table: COPY (id, title, body, state), then one INSERT ... SELECT
    that takes every other column from a template case made by the ORM."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from xinfang.cases.models import Case
    from xinfang.orgs.models import Body, BodyKind, Division, Level, Membership

    division = Division.objects.create(code="370687", name="海阳市", level=Level.COUNTY)
    office = Body.objects.create(
        name="海阳市信访局", kind=BodyKind.PETITION_OFFICE, division=division
    )
    clerk = get_user_model().objects.create_user("bench-clerk", password="x")
    Membership.objects.create(user=clerk, body=office, role="intake_clerk")
    now = dt.datetime(2026, 5, 1, 9, tzinfo=dt.UTC)
    template = Case.objects.create(
        number="XF-BENCH-TEMPLATE",
        tracking_code="BTEMPLATE",
        query_password_hash="x",
        registered_at=now,
        registering_body=office,
        holder_body=office,
        channel="letter",
        content_type="appeal",
        place=division,
        title="-",
        body="-",
    )
    own = {
        "id": "s.id",
        "number": "'XF-BENCH-' || lpad(s.id::text, 8, '0')",
        "tracking_code": "'B' || lpad(s.id::text, 9, '0')",
        "title": "s.title",
        "body": "s.body",
        "state": "s.state",
    }
    columns = [f.column for f in Case._meta.concrete_fields]
    select = ", ".join(own.get(c, f"t.{c}") for c in columns)
    with connection.cursor() as cur:
        cur.execute("CREATE TEMP TABLE bench_case (id bigint, title text, body text, state text)")
        with _raw(cur).copy("COPY bench_case FROM STDIN") as copy:
            for i, (t, b) in enumerate(cases):
                state = "registered" if open_mask[i] else "closed"
                copy.write_row((ID_BASE + i, t[:200], b, state))
        cur.execute(
            f"INSERT INTO cases_case ({', '.join(columns)}) SELECT {select}"
            " FROM bench_case s CROSS JOIN cases_case t WHERE t.id = %s",
            [template.pk],
        )
        cur.execute("DELETE FROM cases_case WHERE id = %s", [template.pk])
        cur.execute("DROP TABLE bench_case")
        cur.execute(
            "SELECT setval(pg_get_serial_sequence('cases_case', 'id'), max(id)) FROM cases_case"
        )
    return clerk


def _binary_rows(ids: np.ndarray, keys: np.ndarray, is_open: np.ndarray) -> np.ndarray:
    """COPY BINARY tuples of (bigint case_id, bigint key, boolean is_open), built in numpy."""
    dtype = np.dtype(
        [
            ("n", ">i2"),
            ("l1", ">i4"),
            ("case", ">i8"),
            ("l2", ">i4"),
            ("key", ">i8"),
            ("l3", ">i4"),
            ("open", "u1"),
        ]
    )
    rows = np.empty(len(keys), dtype=dtype)
    rows["n"], rows["l1"], rows["l2"], rows["l3"] = 3, 8, 8, 1
    rows["case"], rows["key"], rows["open"] = ids, keys, is_open
    return rows


def copy_index(sigs: np.ndarray, open_mask: np.ndarray) -> dict:
    """Signature rows and band rows by COPY, the band table's indexes and constraints dropped
    first and recreated from their own definitions afterwards (one sort each, not 32M inserts)."""
    from django.db import connection

    from xinfang.triage.models import LSHBand, SimilarityEntry

    band, entry = LSHBand._meta.db_table, SimilarityEntry._meta.db_table
    hasher = MinHasher(DEFAULT_SCHEME)
    n = len(sigs)
    ids = np.arange(ID_BASE, ID_BASE + n, dtype=np.int64)
    seconds = {}
    with connection.cursor() as cur:
        cur.execute("SET maintenance_work_mem = '1GB'")
        t = time.perf_counter()
        tag, now = DEFAULT_SCHEME.tag, dt.datetime.now(dt.UTC)
        with _raw(cur).copy(
            f"COPY {entry} (case_id, signature, scheme, is_open, indexed_at) FROM STDIN"
        ) as copy:
            le = sigs.astype("<u4")
            for i in range(n):
                copy.write_row((int(ids[i]), le[i].tobytes(), tag, bool(open_mask[i]), now))
        seconds["copy_signatures"] = time.perf_counter() - t

        cur.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = %s::regclass",
            [band],
        )
        constraints = cur.fetchall()
        cur.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s"
            " AND indexname NOT IN (SELECT conname FROM pg_constraint)",
            [band],
        )
        indexes = cur.fetchall()
        for name, _def in constraints:
            cur.execute(f'ALTER TABLE {band} DROP CONSTRAINT "{name}"')
        for name, _def in indexes:
            cur.execute(f'DROP INDEX "{name}"')

        t = time.perf_counter()
        sql = f"COPY {band} (case_id, key, is_open) FROM STDIN (FORMAT BINARY)"
        with _raw(cur).copy(sql) as copy:
            copy.write(b"PGCOPY\n\xff\r\n\x00" + b"\x00" * 8)
            for lo in range(0, n, 50_000):
                keys = hasher.band_keys(sigs[lo : lo + 50_000])
                b = keys.shape[1]
                rows = _binary_rows(
                    np.repeat(ids[lo : lo + 50_000], b),
                    keys.ravel(),
                    np.repeat(open_mask[lo : lo + 50_000], b),
                )
                copy.write(rows.tobytes())
            copy.write(b"\xff\xff")
        seconds["copy_bands"] = time.perf_counter() - t

        t = time.perf_counter()
        # Primary key first (the lookup index), then the case_id index and the foreign key.
        for name, definition in sorted(constraints, key=lambda c: "PRIMARY" not in c[1]):
            cur.execute(f'ALTER TABLE {band} ADD CONSTRAINT "{name}" {definition}')
        for _name, definition in indexes:
            cur.execute(definition)
        seconds["build_band_indexes"] = time.perf_counter() - t
        t = time.perf_counter()
        for table in (band, entry, "cases_case"):
            cur.execute(f"VACUUM ANALYZE {table}")
        seconds["vacuum_analyze"] = time.perf_counter() - t
    return {k: round(v, 1) for k, v in seconds.items()}


def table_sizes() -> dict:
    from django.db import connection

    out = {}
    with connection.cursor() as cur:
        for table in ("triage_lshband", "triage_similarityentry"):
            cur.execute(
                "SELECT pg_relation_size(%s), pg_indexes_size(%s), count(*) FROM pg_indexes"
                " WHERE tablename = %s",
                [table, table, table],
            )
            heap, idx, _n = cur.fetchone()
            cur.execute(
                "SELECT indexname, pg_relation_size(indexname::regclass) FROM pg_indexes"
                " WHERE tablename = %s",
                [table],
            )
            out[table] = {
                "table_mb": round(heap / 2**20, 1),
                "indexes_mb": round(idx / 2**20, 1),
                "per_index_mb": {name: round(b / 2**20, 1) for name, b in cur.fetchall()},
            }
        cur.execute("SELECT count(*) FROM triage_lshband")
        out["triage_lshband"]["rows"] = cur.fetchone()[0]
    return out


def bench_write_path(n_cases: int, k: int = 200) -> dict:
    """The app's own write path (services._write, as index_case runs it on registration) for k
    cases one at a time, after removing their entries."""
    from xinfang.cases.models import Case
    from xinfang.triage import services
    from xinfang.triage.models import SimilarityEntry

    rng = random.Random(11)
    pks = [ID_BASE + rng.randrange(n_cases) for _ in range(k)]
    rows = {
        r[0]: r for r in Case.objects.filter(pk__in=pks).values_list("id", "title", "body", "state")
    }
    SimilarityEntry.objects.filter(case_id__in=pks).delete()
    times = []
    for pk in rows:
        t = time.perf_counter()
        services._write([rows[pk]])
        times.append((time.perf_counter() - t) * 1000)
    return latency(times)


def bench_db(cases, sigs, t_sig: float, n_queries: int) -> dict:
    from django.db import connection, reset_queries

    from xinfang.triage import selectors, services

    n = len(cases)
    open_mask = np.random.default_rng(5).random(n) < OPEN_SHARE
    t0 = time.perf_counter()
    clerk = copy_cases(cases, open_mask)
    t_cases = time.perf_counter() - t0
    build = copy_index(sigs, open_mask)
    sizes = table_sizes()
    qs = queries(cases, n_queries, seed=n + 7)
    qsigs = [services.hasher().signature(services.case_text(t, b)) for t, b, _o in qs]

    # The SQL core alone: one statement, candidates with their signatures.
    core = []
    with connection.cursor() as cur:
        for sig in qsigs:
            keys = services.hasher().band_keys(sig).tolist()
            sql = selectors._candidate_sql(len(keys))
            t = time.perf_counter()
            cur.execute(sql, [*keys, selectors.CANDIDATE_LIMIT])
            rows = cur.fetchall()
            core.append((time.perf_counter() - t) * 1000)
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, [*keys, selectors.CANDIDATE_LIMIT])
        plan = [r[0] for r in cur.fetchall()]
    del rows

    from django.conf import settings

    def run(user) -> tuple[list[float], int, float]:
        times, nq, hits, dups = [], [], 0, 0
        settings.DEBUG = True  # count the queries of one lookup
        for title, body, original in qs:
            reset_queries()
            t = time.perf_counter()
            found = selectors.similar_open_cases(title, body, user=user, limit=5)
            times.append((time.perf_counter() - t) * 1000)
            nq.append(len(connection.queries))
            if original is not None and open_mask[original]:
                dups += 1
                hits += any(c.pk == ID_BASE + original for c, _s in found)
        settings.DEBUG = False
        return times, max(nq), round(hits / dups, 4)

    anon, anon_q, anon_recall = run(None)
    seen, seen_q, seen_recall = run(clerk)
    write = bench_write_path(n)
    return {
        "cases": n,
        "open_share": OPEN_SHARE,
        "build_seconds": {
            "copy_cases": round(t_cases, 1),
            "signatures_numpy": round(t_sig, 1),
            **build,
        },
        "sizes": sizes,
        "lookup_ms": {
            "similar_open_cases": {
                **latency(anon),
                "queries_per_lookup": anon_q,
                "near_duplicate_recall_at_5": anon_recall,
            },
            "similar_open_cases_as_clerk": {
                **latency(seen),
                "queries_per_lookup": seen_q,
                "near_duplicate_recall_at_5": seen_recall,
            },
            "candidate_sql_only": latency(core),
        },
        "index_one_case_ms": write,
        "queries": len(qs),
        "candidate_plan": plan,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--db-sizes", default="100000,1000000")
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--no-db", action="store_true")
    parser.add_argument("--out", default=str(OUT))
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    db_sizes = [] if args.no_db else [int(s) for s in args.db_sizes.split(",") if s]
    result = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "numpy": np.__version__,
        },
        "scheme": {**DEFAULT_SCHEME.__dict__, "threshold": round(DEFAULT_SCHEME.threshold, 3)},
        "in_memory": [],
        "postgresql": [],
    }
    hasher = MinHasher(DEFAULT_SCHEME)
    for n in sorted(set(sizes) | set(db_sizes)):
        print(f"{n} cases: generating", flush=True)
        cases = generate(n, seed=n)
        t = time.perf_counter()
        sigs = hasher.signatures([f"{t}\n{b}" for t, b in cases], batch=512)
        t_sig = time.perf_counter() - t
        if n in sizes:
            print(f"{n} cases: in memory", flush=True)
            result["in_memory"].append(bench_memory(cases, sigs, t_sig, args.queries))
            gc.collect()
        if n in db_sizes:
            print(f"{n} cases: postgresql", flush=True)
            setup_db()
            result["postgresql"].append(bench_db(cases, sigs, t_sig, args.queries))
            print(json.dumps(result["postgresql"][-1]["lookup_ms"], indent=2), flush=True)
        del cases, sigs
        gc.collect()
    out = Path(args.out)
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
