"""The look-alike index on its own (triage/similarity.py): no database."""

from __future__ import annotations

import random
import subprocess
import sys

import numpy as np
import pytest

from xinfang.triage.similarity import (
    DEFAULT_SCHEME,
    LSHIndex,
    MinHasher,
    Scheme,
    clusters,
    estimate,
    jaccard,
    normalise,
)

LEAK = (
    "我家住在幸福家园小区3号楼顶层，自从去年夏天开始，每逢下雨屋顶就严重漏水，"
    "墙面发霉，家具损坏。多次找物业公司反映，物业说维修基金需要业主大会同意，一直推诿不修。"
    "请求有关部门督促物业和开发商尽快维修屋顶防水，赔偿损失。"
)
WAGES = (
    "我们二十多名农民工在城南工业园的厂房工地干了八个月，包工头拖欠工资共计三十六万元，"
    "春节前答应结清，至今分文未付，找建设单位也说已经把钱付给了总包。请求劳动监察部门帮助追讨。"
)
NOISE = "夜间施工噪音扰民，渣土车凌晨还在运输，附近居民无法休息，希望城管部门依法查处。"


def random_text(rng: random.Random, n: int = 80) -> str:
    return "".join(chr(rng.randrange(0x4E00, 0x4E00 + 3000)) for _ in range(n))


def edit(text: str, k: int, rng: random.Random) -> str:
    chars = list(text)
    for _ in range(k):
        i = rng.randrange(len(chars))
        chars[i] = chr(rng.randrange(0x4E00, 0x9FA5))
    return "".join(chars)


@pytest.fixture
def index():
    idx = LSHIndex()
    h = idx.hasher
    rng = random.Random(1)
    idx.add_many(
        ["leak", "wages", "noise"] + [f"r{i}" for i in range(300)],
        h.signatures([LEAK, WAGES, NOISE] + [random_text(rng) for _ in range(300)]),
    )
    return idx


def test_normalise_drops_punctuation_digits_and_spaces():
    assert normalise("３号楼，  Room 12！漏水。") == "号楼room漏水"


def test_signature_is_the_same_in_another_process():
    """Signatures are stored in the database and compared across workers: no per-process salt."""
    here = MinHasher().signature(LEAK)
    code = (
        "import sys; from xinfang.triage.similarity import MinHasher;"
        "print(','.join(map(str, MinHasher().signature(sys.argv[1]).tolist())))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, LEAK],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONHASHSEED": "12345", "PATH": ""},
    ).stdout
    assert [int(x) for x in out.split(",")] == here.tolist()
    assert here.dtype == np.uint32 and here.shape == (DEFAULT_SCHEME.num_perm,)


def test_batched_signatures_equal_single_ones():
    h = MinHasher()
    texts = [LEAK, "", "漏", WAGES, "！！！"]
    batch = h.signatures(texts, batch=2)
    for text, sig in zip(texts, batch, strict=True):
        assert (sig == h.signature(text)).all()


def test_estimate_follows_the_exact_jaccard():
    h = MinHasher()
    near = edit(LEAK, 12, random.Random(3))
    exact = jaccard(LEAK, near)
    assert 0.5 < exact < 0.95
    assert abs(estimate(h.signature(LEAK), h.signature(near)) - exact) < 0.12


def test_identical_text_is_found_first_with_score_one(index):
    assert index.query_text(LEAK, 3)[0] == ("leak", 1.0)


@pytest.mark.parametrize("seed", range(5))
def test_a_copy_with_a_few_characters_changed_is_found(index, seed):
    found = index.query_text(edit(LEAK, 6, random.Random(seed)), 3)
    assert found[0][0] == "leak" and found[0][1] > 0.6


def test_a_copy_with_sentences_reordered_is_found(index):
    sentences = [s + "。" for s in WAGES.split("。") if s]
    found = index.query_text("".join(reversed(sentences)), 3)
    assert found[0][0] == "wages" and found[0][1] > 0.7


def test_an_unrelated_text_finds_nothing(index):
    unrelated = "建议在老城区增设公共厕所和垃圾分类投放点，方便老年人出行，提升市容环境卫生水平。"
    assert index.query_text(unrelated, 3, min_score=0.2) == []
    assert index.last_examined <= 1


def test_removed_and_replaced_keys(index):
    assert index.remove("leak") and not index.remove("leak")
    assert [k for k, _ in index.query_text(LEAK, 3)] == []
    index.add("leak", index.hasher.signature(NOISE))  # same key, new text
    assert index.query_text(NOISE, 2)[0][1] == 1.0 and len(index) == 303


def test_round_trip_through_bytes(index):
    copy = LSHIndex.from_bytes(index.to_bytes())
    assert len(copy) == len(index) and copy.scheme == index.scheme
    assert copy.query_text(WAGES, 1) == index.query_text(WAGES, 1) == [("wages", 1.0)]


def test_scheme_must_be_consistent():
    with pytest.raises(ValueError):
        Scheme(num_perm=128, bands=30, rows=4)
    assert 0.4 < DEFAULT_SCHEME.threshold < 0.5


def test_query_cost_follows_the_look_alikes_not_the_size():
    """Growing the index tenfold with unrelated texts barely changes what a lookup examines."""
    rng = random.Random(9)
    h = MinHasher()
    examined = {}
    for size in (500, 5000):
        idx = LSHIndex()
        idx.add_many(list(range(size)), h.signatures([random_text(rng, 60) for _ in range(size)]))
        # Ten near-copies of one text: these are the look-alikes a lookup should touch.
        for j in range(10):
            idx.add(f"dup{j}", h.signature(edit(LEAK, 4, random.Random(j))))
        found = idx.query_text(LEAK, 20, min_score=0.3)
        assert {k for k, _ in found} == {f"dup{j}" for j in range(10)}
        examined[size] = idx.last_examined
    assert examined[5000] <= examined[500] + 5 and examined[5000] < 50


def test_clusters_group_retold_copies_and_leave_the_rest_alone():
    rng = random.Random(7)
    texts = {f"leak{i}": edit(LEAK, 6, rng) for i in range(5)}
    texts |= {f"wages{i}": edit(WAGES, 6, rng) for i in range(3)}
    texts |= {"noise": NOISE} | {f"r{i}": random_text(rng) for i in range(200)}
    keys = list(texts)
    sigs = MinHasher().signatures(list(texts.values()))
    groups = clusters(keys, sigs, min_score=0.3)
    assert [sorted(k for k, _links in g) for g in groups] == [
        [f"leak{i}" for i in range(5)],
        [f"wages{i}" for i in range(3)],
    ]
    # Every copy is like every other: each member links to all the rest.
    assert all(links == len(g) - 1 for g in groups for _k, links in g)


def test_a_chain_of_look_alikes_is_one_cluster_and_the_middle_leads_it():
    # a ~ b and b ~ c, a and c share nothing: b has most look-alikes, so it leads all three.
    a, b, c = LEAK, LEAK + WAGES, WAGES
    sigs = MinHasher().signatures([a, b, c])
    assert estimate(sigs[0], sigs[2]) < 0.1
    groups = clusters(["a", "b", "c"], sigs, min_score=0.3)
    assert len(groups) == 1 and groups[0][0] == ("b", 2)
    assert sorted(groups[0]) == [("a", 1), ("b", 2), ("c", 1)]


def test_clusters_need_one_signature_per_key():
    with pytest.raises(ValueError, match="one signature per key"):
        clusters(["a", "b"], MinHasher().signatures([LEAK]), min_score=0.3)


@pytest.mark.parametrize("cap", [2000, 3])
def test_every_row_at_once_ranks_as_one_query_per_row(cap):
    """ranked_all (the hot issues' grouping) gives each row what a query of its own would:
    the same look-alikes in the same order, with the candidate cap, removed rows and an empty
    text among them."""
    rng = random.Random(11)
    texts = [edit(LEAK, rng.randrange(1, 12), rng) for _ in range(40)]
    texts += [edit(WAGES, rng.randrange(1, 12), rng) for _ in range(25)]
    texts += [random_text(rng) for _ in range(120)] + ["", NOISE, NOISE]
    idx = LSHIndex(max_candidates=cap)
    idx.add_many(list(range(len(texts))), idx.hasher.signatures(texts))
    idx.remove(5)
    everything = idx.ranked_all(7, min_score=0.3, chunk=16)
    looked = 0
    for row in range(len(texts)):
        if row == 5:
            continue
        rows, _scores = idx.ranked(idx.signature_of(row), 7, min_score=0.3)
        assert everything.get(row, np.zeros(0)).tolist() == rows.tolist(), row
        looked += len(rows) > 1
    assert looked > 60  # most texts have look-alikes: not a comparison of empty lists
