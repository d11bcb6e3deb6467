"""Day-one rules: content type from keywords, category from the taxonomy's own leaf names.
Used until a model is trained."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from xinfang.taxonomy.models import Category
from xinfang.taxonomy.selectors import active_version
from xinfang.triage import textmodel

from .advice import TEXT_SCAN_CHARS, Guess

_REPORT_WORDS = ("举报", "检举", "控告", "贪污", "受贿", "违纪", "行贿", "腐败")
_SUGGESTION_WORDS = ("建议", "提议", "意见建议", "献策")
# "希望" closes most complaints ("希望尽快处理"); only in a title that asks for something new
# does it read as a suggestion.
_WISH_WORDS = ("希望", "能否", "可否")
_NEW_THINGS = ("增加", "增设", "开通", "设置", "规划", "修建", "建设", "安装", "延长", "优化")
_APPEAL_WORDS = ("投诉", "反映", "请求", "要求", "解决", "维权", "拖欠", "咨询", "求助", "诉求")
# A word in the title counts this many times one in the body.
_TITLE_WEIGHT = 3


def content_type_by_rules(text: str) -> Guess:
    """Content type from keywords, title first; always shown as low confidence.

    Measured on 8,453 real messages, the earlier rules (any "希望" or "建议" in the text made a
    suggestion) called 32% of them suggestions, most of them complaints."""
    title, _sep, body = text.partition("\n")
    body = body[:TEXT_SCAN_CHARS]

    def score(words) -> int:
        return sum(_TITLE_WEIGHT * title.count(w) + body.count(w) for w in words)

    report = score(_REPORT_WORDS)
    suggestion = score(_SUGGESTION_WORDS)
    if any(w in title for w in _WISH_WORDS) and any(w in title for w in _NEW_THINGS):
        suggestion += _TITLE_WEIGHT
    appeal = score(_APPEAL_WORDS)
    scores = {"report": report, "suggestion": suggestion, "appeal": appeal}
    # Ties go to the appeal: a request for a solution is the common case.
    value = max(("appeal", "suggestion", "report"), key=lambda k: scores[k])
    best = scores[value]
    others = sum(scores.values()) - best
    confidence = round((best + 1) / (best + others + 3), 4)
    return Guess(value, value, confidence, "rules", True)


# Words in many leaf names that say nothing of the topic; the weights below discount words
# shared by several leaves, these never count at all.
_GENERIC_WORDS = frozenset(
    """
    其他 问题 管理 工作 相关 服务 方面 事项 综合 一般 情况 建设 政策 业务 处理 决定 执行
    申请 结果 部门 单位 人员 要求 有关 行为 活动 机构 违规 违法 其它
    """.split()
)
# A word of the leaf's own name counts fully, one of its level-2 name half, one of its level-1
# name a quarter; a word in the title counts more than the same word in the body.
OWN, PARENT, TOP = 1.0, 0.5, 0.25
TITLE_BONUS = 0.5
# The whole leaf name in the text ("职工工伤保险") beats any of its words alone.
FULL_NAME_BONUS = 1.0
LEVEL1_LEAVES = 3


@dataclass
class _Leaf:
    code: str
    full_name: str
    level1: str
    words: tuple[str, ...]  # from the leaf's own name
    parent_words: tuple[str, ...]  # from its level-2 name
    top_words: tuple[str, ...] = ()  # from its level-1 name


class KeywordRules:
    """Day-one rules: scores every leaf by the words of its own name (and, less, of its level-2
    and level-1 names) found in the text. A word shared by many leaves weighs less (1/sqrt of
    how many), so the taxonomy's specific words ("工伤") outrank generic ones ("申请").
    Built once per taxonomy version."""

    def __init__(self, leaves: list[_Leaf], categories: list[Category] = ()):
        self.leaves = leaves
        # The taxonomy's shape, so a suggestion names and routes a category without a query.
        self.parent_code: dict[str, str | None] = {}
        self.leaf_by_full_name: dict[str, tuple[str, str]] = {}
        self.level1_code: dict[str, str] = {}
        by_pk = {c.pk: c for c in categories}
        for c in categories:
            parent = by_pk.get(c.parent_id)
            self.parent_code[c.code] = parent.code if parent else None
            if c.level == 3:
                self.leaf_by_full_name[c.full_name] = (c.code, c.full_name)
            elif c.level == 1:
                self.level1_code[c.name] = c.code
        # How many leaves (level-2, level-1 categories) name each word.
        spread: dict[tuple[str, str], set[str]] = {}
        for leaf in leaves:
            groups = (
                ("own", leaf.words, leaf.code),
                ("parent", leaf.parent_words, leaf.full_name.rsplit("/", 1)[0]),
                ("top", leaf.top_words, leaf.level1),
            )
            for kind, words, owner in groups:
                for w in words:
                    spread.setdefault((kind, w), set()).add(owner)
        base = {"own": OWN, "parent": PARENT, "top": TOP}
        # word -> [(leaf index, weight)]; words found by their first two characters, so a text
        # costs one set lookup per character, not one scan per word.
        self.index: dict[str, list[tuple[int, float]]] = {}
        for i, leaf in enumerate(leaves):
            weights: dict[str, float] = {}
            for kind, words in (
                ("own", leaf.words),
                ("parent", leaf.parent_words),
                ("top", leaf.top_words),
            ):
                for w in words:
                    weight = base[kind] / math.sqrt(len(spread[(kind, w)]))
                    weights[w] = max(weights.get(w, 0.0), weight)
            for w, weight in weights.items():
                self.index.setdefault(w, []).append((i, weight))
        self.full_names: dict[str, list[int]] = {}
        for i, leaf in enumerate(leaves):
            name = leaf.full_name.rsplit("/", 1)[-1]
            if len(name) >= 3:
                self.full_names.setdefault(name, []).append(i)
        self.by_prefix: dict[str, tuple[str, ...]] = {}
        for w in {*self.index, *self.full_names}:
            self.by_prefix[w[:2]] = (*self.by_prefix.get(w[:2], ()), w)

    @classmethod
    def build(cls, categories: list[Category]) -> KeywordRules:
        by_pk = {c.pk: c for c in categories}
        leaves = []
        for c in categories:
            if c.level != 3:
                continue
            parent = by_pk.get(c.parent_id)
            top = by_pk.get(parent.parent_id) if parent else None
            leaves.append(
                _Leaf(
                    code=c.code,
                    full_name=c.full_name,
                    level1=top.name if top else c.full_name.split("/")[0],
                    words=_name_words(c.name),
                    parent_words=_name_words(parent.name) if parent else (),
                    top_words=_name_words(top.name) if top else (),
                )
            )
        return cls(leaves, categories)

    def lineage(self, code: str | None) -> list[str]:
        """The category code and its ancestors' codes, nearest first."""
        out: list[str] = []
        while code is not None and code in self.parent_code and code not in out:
            out.append(code)
            code = self.parent_code[code]
        return out

    def _found(self, text: str) -> dict[str, int]:
        """Each rule word in the text, with how often it occurs."""
        present: dict[str, int] = {}
        for i in range(len(text) - 1):
            for w in self.by_prefix.get(text[i : i + 2], ()):
                if text.startswith(w, i):
                    present[w] = present.get(w, 0) + 1
        return present

    def scores(self, text: str) -> list[tuple[_Leaf, float]]:
        text = text[:TEXT_SCAN_CHARS]
        title = text.partition("\n")[0]
        in_title = self._found(title) if "\n" in text else {}
        found = self._found(text)
        per_leaf: dict[int, dict[str, float]] = {}
        for w in found:
            for i, weight in self.index.get(w, ()):
                per_leaf.setdefault(i, {})[w] = weight
            for i in self.full_names.get(w, ()):
                words = per_leaf.setdefault(i, {})
                words[w] = words.get(w, 0.0) + FULL_NAME_BONUS
        totals: dict[int, float] = {}
        for i, words in per_leaf.items():
            total = 0.0
            for w, weight in words.items():
                # Repeats count, less and less; a word in the title counts more.
                factor = (1.0 + math.log(found[w])) * (1.0 + TITLE_BONUS * (w in in_title))
                total += weight * factor
            totals[i] = total
        out = [(self.leaves[i], s) for i, s in totals.items()]
        out.sort(key=lambda pair: (-pair[1], pair[0].code))
        return out

    def level1_ranking(
        self, scored: list[tuple[_Leaf, float]] | None = None, text: str = ""
    ) -> list[tuple[str, float]]:
        """Level-1 names by the sum of their best LEVEL1_LEAVES leaf scores, best first: a
        topic that several of its leaves name beats one leaf named by chance (measured on the
        labelled messages, bench/triage_rules.py)."""
        per_top: dict[str, list[float]] = {}
        for leaf, s in scored if scored is not None else self.scores(text):
            per_top.setdefault(leaf.level1, []).append(s)  # already best first
        totals = {top: sum(s[:LEVEL1_LEAVES]) for top, s in per_top.items()}
        return sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))


def _name_words(name: str) -> tuple[str, ...]:
    words = {name} if 2 <= len(name) <= 8 else set()
    for part in re.split(r"[、和与及/（）()]", name):
        part = part.strip()
        if len(part) >= 2:
            words.add(part)
            words.update(w for w in textmodel.search_words(part) if len(w) >= 2)
    return tuple(sorted(w for w in words if w not in _GENERIC_WORDS))


def _margin_confidence(best: float, second: float) -> float:
    # A clear winner approaches 1, a tie gives a third; rules are shown as low confidence anyway.
    return round(best / (best + second + 1.0), 4)


_rules_cache: dict[str, KeywordRules] = {}


def keyword_rules(version=None) -> KeywordRules | None:
    version = version or active_version()
    if version is None:
        return None
    rules = _rules_cache.get(version.source_sha256)
    if rules is None:
        categories = list(Category.objects.filter(version=version))
        rules = KeywordRules.build(categories)
        _rules_cache.clear()
        _rules_cache[version.source_sha256] = rules
    return rules


def _rule_guesses(text: str, level1: str | None, version=None) -> tuple[Guess | None, Guess | None]:
    """(level-1, leaf) from the keyword rules. The leaf is the best one under the level-1 guess
    (or under `level1` when given), so the two never disagree."""
    rules = keyword_rules(version)
    if rules is None:
        return None, None
    scored = rules.scores(text)
    if not scored:
        return None, None
    top_guess = None
    if level1 is None:
        tops = rules.level1_ranking(scored)
        top_second = tops[1][1] if len(tops) > 1 else 0.0
        level1 = tops[0][0]
        top_guess = Guess(level1, level1, _margin_confidence(tops[0][1], top_second), "rules", True)
    scored = [(leaf, s) for leaf, s in scored if leaf.level1 == level1]
    if not scored:
        return top_guess, None
    leaf, best = scored[0]
    second = scored[1][1] if len(scored) > 1 else 0.0
    leaf_guess = Guess(leaf.code, leaf.full_name, _margin_confidence(best, second), "rules", True)
    return top_guess, leaf_guess
