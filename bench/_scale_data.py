"""Synthetic cases at scale, written with COPY straight into the app's tables.

Each case gets its parties (encrypted under the data key, with blind indexes), its hash-chained
events (keyed under the audit key, so the chain verifies), its clocks, its search text and its
look-alike signature with its band keys. Texts are assembled per case from sentence pools (topics,
sentence variants, made-up estates, roads, companies and people), so no two cases share their
whole wording and the words a search hits follow the topics' shares: 公积金 (housing fund) in
about 1.46% of cases, 拆迁 in about 8%.

jieba costs about a millisecond per petition, too slow for ten million: each pooled sentence is
cut once, and a case's search text is the union of its sentences' words (what search.words
would give for the whole text up to the joins between sentences).

Generation runs in worker processes (chunks of cases as COPY text); the parent writes each chunk
in one transaction, so a stopped build resumes from the last whole chunk.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from _lookalike_corpus import (  # noqa: E402
    CLOSINGS,
    COMPANY_SUFFIX,
    COUNTIES,
    DETAILS,
    ESTATE_SUFFIX,
    NAME_CHARS,
    OPENINGS,
    ROAD_SUFFIX,
    SURNAMES,
    TOPICS,
    TOWNS,
)

PREFIX = "XF-S-"  # case numbers of generated cases: XF-S-<position, 9 digits>
CHUNK = 10_000
POOL_VARIANTS = 60  # filled variants per template sentence

# Rare topics, with their share of cases; the rest is spread evenly over lookalike.TOPICS.
RARE_TOPICS = [
    (
        0.01456,
        (
            "{p}住房公积金提取被拒",
            [
                "我在{c}工作了{n}年，一直按月缴存住房公积金",
                "今年买房申请提取公积金，中心说材料不齐不予办理",
                "单位已经注销，公积金账户无法转移",
                "咨询热线说要原单位出具证明，可单位早就不存在了",
                "首付款还差{n}万元，急需这笔公积金",
                "请求公积金管理中心依规办理提取",
            ],
        ),
    ),
    (
        0.002,
        (
            "{e}燃气管道老化存在隐患",
            [
                "{e}{n}号楼的燃气管道锈蚀严重",
                "楼道里经常能闻到燃气味",
                "燃气公司上门检查后说要业主自费更换",
                "小区老人多，一旦泄漏后果不堪设想",
                "请求燃气主管部门督促整改",
            ],
        ),
    ),
]
OPEN_STATES = ["registered", "transferred", "accepted", "decided", "replied"]
CLOSED_STATES = ["closed", "not_accepted"]
# The moves that lead to each state, in order (event kinds are move names).
PATHS = {
    "registered": [],
    "transferred": ["transfer"],
    "accepted": ["transfer", "accept"],
    "decided": ["transfer", "accept", "decide"],
    "replied": ["transfer", "accept", "decide", "reply"],
    "closed": ["transfer", "accept", "decide", "reply", "close"],
    "not_accepted": ["transfer", "decline"],
}
STEP_STATE = {
    "transfer": "transferred",
    "accept": "accepted",
    "decide": "decided",
    "reply": "replied",
    "close": "closed",
    "decline": "not_accepted",
}
CLOCK_OF = {
    "registered": ("route", 15),
    "transferred": ("accept_notice", 15),
    "accepted": ("handle", 60),
    "decided": ("handle", 60),
    "replied": ("rating", 30),
}
CHANNELS = ["web", "mobile", "letter", "visit", "phone"]


# ---------------------------------------------------------------------------------------------
# Text: sentence pools, each sentence cut by jieba once


def _name(rng: random.Random, k: int) -> str:
    return "".join(rng.choice(NAME_CHARS) for _ in range(k))


def _slots(rng: random.Random) -> dict[str, str]:
    return {
        "e": _name(rng, 2) + rng.choice(ESTATE_SUFFIX),
        "r": _name(rng, 2) + rng.choice(ROAD_SUFFIX),
        "c": rng.choice(COUNTIES)[:2] + _name(rng, 2) + rng.choice(COMPANY_SUFFIX),
        "p": rng.choice(SURNAMES) + _name(rng, rng.choice((1, 2))),
        "t": rng.choice(COUNTIES) + rng.choice(TOWNS),
    }


def _fill(template: str, rng: random.Random) -> str:
    s = template.format_map({**_slots(rng), "n": "{n}"})
    return re.sub(r"\{n\}", lambda _m: str(rng.randrange(2, 99)), s)


@dataclass
class Pool:
    """Per topic: filled titles and sentences, each with its jieba words."""

    topics: list[tuple[list, list[list]]]  # (titles, [variants of each sentence])
    shares: np.ndarray  # cumulative share of each topic
    details: list
    openings: list
    closings: list


def build_pool(seed: int = 7, variants: int = POOL_VARIANTS) -> Pool:
    from xinfang.cases.search import words

    rng = random.Random(seed)

    def cut(text: str) -> tuple[str, tuple[str, ...]]:
        return text, tuple(words(text))

    rare = sum(share for share, _t in RARE_TOPICS)
    plain = (1 - rare) / len(TOPICS)
    topics, shares = [], []
    for share, (title, sentences) in [(plain, t) for t in TOPICS] + RARE_TOPICS:
        titles = [cut(_fill(title, rng)) for _ in range(variants)]
        pools = [[cut(_fill(s, rng)) for _ in range(variants)] for s in sentences]
        topics.append((titles, pools))
        shares.append(share)
    return Pool(
        topics=topics,
        shares=np.cumsum(shares),
        details=[cut(_fill(d, rng)) for d in DETAILS for _ in range(variants)],
        openings=[cut(_fill(o, rng)) for o in OPENINGS if o for _ in range(variants // 4)] + [],
        closings=[cut(c) for c in CLOSINGS if c],
    )


def make_text(pool: Pool, rng: random.Random) -> tuple[str, str, str]:
    """(title, body, search text) of one case."""
    k = min(int(np.searchsorted(pool.shares, rng.random() * pool.shares[-1])), len(pool.topics) - 1)
    titles, sentences = pool.topics[k]
    title = rng.choice(titles)
    parts = [rng.choice(v) for v in rng.sample(sentences, rng.randint(2, min(4, len(sentences))))]
    parts += rng.sample(pool.details, rng.randint(1, 2))
    rng.shuffle(parts)
    if rng.random() < 0.5:
        parts.insert(0, rng.choice(pool.openings))
    if rng.random() < 0.7:
        parts.append(rng.choice(pool.closings))
    body = "".join(t + rng.choice("，。") for t, _w in parts)
    seen: dict[str, None] = dict.fromkeys(title[1])
    for _t, ws in parts:
        seen.update(dict.fromkeys(ws))
    search_text = f" {' '.join(seen)} " if seen else ""
    return title[0], body, search_text


# ---------------------------------------------------------------------------------------------
# COPY text rows


def _esc(v) -> str:
    if v is None:
        return r"\N"
    if v is True:
        return "t"
    if v is False:
        return "f"
    if isinstance(v, (dt.datetime, dt.date)):
        return v.isoformat()
    if isinstance(v, bytes):
        return "\\\\x" + v.hex()
    if isinstance(v, (dict, list)):
        v = json.dumps(v, ensure_ascii=False)
    s = str(v)
    if "\\" in s or "\t" in s or "\n" in s or "\r" in s:
        s = s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return s


def _line(values) -> str:
    return "\t".join(_esc(v) for v in values) + "\n"


@dataclass
class Setting:
    """What rows refer to, read once from the database (plain values: sent to workers)."""

    today: dt.date
    holders: list[tuple[int, str]]  # (body id, name)
    office: tuple[int, str]
    places: list[str]
    categories: list[int]
    clerk: tuple[int, str]  # (user id, label) who registers
    case_columns: list[str]
    case_defaults: dict
    party_columns: list[str]
    event_columns: list[str]
    clock_columns: list[str]


def _columns(model, skip=("id",)) -> tuple[list[str], dict]:
    from django.db.models import NOT_PROVIDED

    cols, defaults = [], {}
    for f in model._meta.concrete_fields:
        if f.column in skip:
            continue
        cols.append(f.column)
        if f.default is not NOT_PROVIDED:
            defaults[f.column] = f.get_default()
        elif f.null:
            defaults[f.column] = None
        else:
            defaults[f.column] = ""
    return cols, defaults


def read_setting(today: dt.date) -> Setting:
    from django.contrib.auth import get_user_model

    from xinfang.cases.models import Case, CaseEvent, Clock, Party
    from xinfang.orgs.models import Body, BodyKind, Division, Level
    from xinfang.taxonomy.models import Category

    county = Division.objects.filter(level=Level.COUNTY).order_by("code").first()
    office = Body.objects.get(division=county, kind=BodyKind.PETITION_OFFICE)
    holders = list(
        Body.objects.filter(division__path__startswith=county.path)
        .exclude(kind=BodyKind.PETITION_OFFICE)
        .values_list("pk", "name")
    ) + [(office.pk, office.name)]
    places = list(
        Division.objects.filter(path__startswith=county.path).values_list("code", flat=True)
    )
    clerk = (
        get_user_model()
        .objects.filter(memberships__body=office, memberships__role="intake_clerk")
        .first()
    )
    case_columns, case_defaults = _columns(Case, skip=())
    return Setting(
        today=today,
        holders=holders,
        office=(office.pk, office.name),
        places=places,
        categories=list(Category.objects.filter(level=3).values_list("pk", flat=True)),
        clerk=(clerk.pk, clerk.get_full_name() or clerk.get_username()),
        case_columns=case_columns,
        case_defaults=case_defaults,
        party_columns=_columns(Party)[0],
        event_columns=_columns(CaseEvent)[0],
        clock_columns=_columns(Clock)[0],
    )


@dataclass
class Chunk:
    lo: int
    hi: int
    cases: str
    parties: str
    events: str
    clocks: str
    entries: str  # with each case's band keys (triage/bandkeys.py)


def _person(rng: random.Random) -> tuple[str, str, str, str]:
    name = rng.choice(SURNAMES) + _name(rng, rng.choice((1, 2)))
    phone = "1" + rng.choice("3578") + "".join(rng.choice("0123456789") for _ in range(9))
    born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(20000))
    body = "3706" + "".join(rng.choice("0123456789") for _ in range(2)) + born.strftime("%Y%m%d")
    body += "".join(rng.choice("0123456789") for _ in range(3))
    id_number = body + rng.choice("0123456789X")
    address = (
        rng.choice(COUNTIES)
        + rng.choice(TOWNS)
        + _name(rng, 2)
        + "路"
        + str(rng.randrange(1, 300))
        + "号"
    )
    return name, phone, id_number, address


def _people(rng: random.Random, n: int) -> list[str]:
    """n petitioners as COPY text after the case id: encrypted fields and blind indexes."""
    from xinfang.core import crypto

    out = []
    for _ in range(n):
        name, phone, id_number, address = _person(rng)
        out.append(
            "\t".join(
                [
                    "petitioner",
                    crypto.encrypt(name),
                    crypto.encrypt(id_number),
                    crypto.encrypt(phone),
                    crypto.encrypt(address),
                    "",
                    crypto.blind_index(phone),
                    crypto.blind_index(id_number),
                ]
            )
        )
    return out


def make_chunk(s: Setting, pool: Pool, lo: int, hi: int, seed: int) -> Chunk:
    """Rows of cases lo..hi-1 (positions; case id = position + 1) as COPY text."""
    from xinfang.cases.deadlines import NOT_STAFF_DEADLINES
    from xinfang.core import audit
    from xinfang.triage.similarity import DEFAULT_SCHEME, MinHasher

    rng = random.Random(seed * 1_000_003 + lo)
    hasher = MinHasher(DEFAULT_SCHEME)
    # A chunk's petitioners: about five cases each (people do write again), encrypted once.
    people = _people(rng, max(1, (hi - lo) // 5))
    case_rows, party_rows, event_rows, clock_rows, texts, opened = [], [], [], [], [], []
    col_index = {c: i for i, c in enumerate(s.case_columns)}
    template = [_esc(s.case_defaults[c]) for c in s.case_columns]
    assert s.party_columns[0] == "case_id" and s.clock_columns[0] == "case_id"
    event_cols = s.event_columns
    for pos in range(lo, hi):
        pk = pos + 1
        age = int(rng.random() ** 2 * 730)  # more recent cases than old ones
        registered = dt.datetime.combine(
            s.today - dt.timedelta(days=age),
            dt.time(8 + rng.randrange(10), rng.randrange(60), rng.randrange(60)),
            dt.UTC,
        )
        is_open = age < 75 or rng.random() < 0.03
        state = rng.choice(OPEN_STATES) if is_open else rng.choice(CLOSED_STATES)
        title, body, search_text = make_text(pool, rng)
        holder = s.office if state == "registered" else rng.choice(s.holders)
        channel = rng.choice(CHANNELS)
        supervised = is_open and rng.random() < 0.03
        # Events: register, then the moves that led to the state, chained under the audit key.
        head = audit.GENESIS
        at = registered
        steps = [("register", "", "registered")]
        prev = "registered"
        for move in PATHS[state]:
            steps.append((move, prev, STEP_STATE[move]))
            prev = STEP_STATE[move]
        for seq, (kind, frm, to) in enumerate(steps, start=1):
            if seq > 1:
                at = at + dt.timedelta(days=rng.randrange(1, 8), minutes=rng.randrange(600))
            first = seq == 1
            payload = {  # as CaseEvent.hash_payload
                "case": pk,
                "seq": seq,
                "kind": kind,
                "actor": s.clerk[0] if first else None,
                "actor_label": s.clerk[1] if first else holder[1],
                "at": at.isoformat(),
                "from": frm,
                "to": to,
                "old": {},
                "new": {"channel": channel, "holder": s.office[1]} if first else {},
                "extra": {"article": "W17/W21"} if first else {},
                "notice": "",
                "citizen_visible": True,
            }
            link = audit.link_hash(head, payload)
            values = {
                "case_id": pk,
                "seq": seq,
                "kind": kind,
                "actor_id": payload["actor"],
                "actor_label": payload["actor_label"],
                "at": at,
                "from_state": frm,
                "to_state": to,
                "old": {},
                "new": payload["new"],
                "extra": payload["extra"],
                "notice": "",
                "citizen_visible": True,
                "prev_hash": head,
                "hash": link,
            }
            event_rows.append(_line([values[c] for c in event_cols]))
            head = link
        # Clocks: the one running (or stopped) for the state.
        started = registered.date()
        period, days = CLOCK_OF.get(state, ("handle", 60))
        due = started + dt.timedelta(days=days)
        row = list(template)
        for c, v in (
            ("id", pk),
            ("number", f"{PREFIX}{pos:09d}"),
            ("tracking_code", f"S{pos:09d}"),
            ("query_password_hash", "-"),
            ("registered_at", registered),
            ("registering_body_id", s.office[0]),
            ("channel", channel),
            ("content_type", "appeal" if rng.random() < 0.8 else "suggestion"),
            ("category_id", rng.choice(s.categories) if s.categories else None),
            ("place_id", rng.choice(s.places)),
            ("title", title),
            ("body", body),
            ("search_text", search_text),
            ("state", state),
            ("holder_body_id", holder[0]),
            ("sender_body_id", s.office[0] if state != "registered" else None),
            ("extension_requested", state == "accepted" and rng.random() < 0.05),
            ("supervised", supervised),
            ("listed_supervision", supervised and rng.random() < 0.2),
            ("updated_at", at),
            ("closed_at", at if not is_open else None),
            ("event_count", len(steps)),
            ("audit_head", head),
            # As the clock service keeps it: the running staff deadline (a rating window is not).
            ("next_due_on", due if is_open and period not in NOT_STAFF_DEADLINES else None),
        ):
            row[col_index[c]] = _esc(v)
        case_rows.append("\t".join(row) + "\n")
        # Parties: one petitioner, sometimes a second one.
        for _p in range(1 if rng.random() < 0.9 else 2):
            party_rows.append(f"{pk}\t{rng.choice(people)}\n")
        end = "running\t\\N\t\\N" if is_open else f"stopped\t{min(due, s.today)}\tt"
        clock_rows.append(
            f"{pk}\t{period}\tcalendar\t{days}\t{started}\t{due}\tf\t0\t0\t\\N\t{end}\n"
        )
        texts.append(f"{title}\n{body}")
        opened.append(is_open)
    sigs = hasher.signatures(texts)
    now = dt.datetime.combine(s.today, dt.time(0), dt.UTC).isoformat()
    tag = DEFAULT_SCHEME.tag
    le = sigs.astype("<u4")
    keys = hasher.band_keys(sigs).tolist()
    # Band keys of open cases only (triage/bandkeys.py); NULL for a closed one.
    bands = [
        "{" + ",".join(map(str, k)) + "}" if o else r"\N" for k, o in zip(keys, opened, strict=True)
    ]
    entry_rows = [
        f"{lo + 1 + i}\t\\\\x{le[i].tobytes().hex()}\t{tag}\t{'t' if opened[i] else 'f'}\t{now}"
        f"\t{bands[i]}\n"
        for i in range(len(le))
    ]
    return Chunk(
        lo,
        hi,
        "".join(case_rows),
        "".join(party_rows),
        "".join(event_rows),
        "".join(clock_rows),
        "".join(entry_rows),
    )
