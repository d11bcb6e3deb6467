"""Day-one rules: content type from keywords, category from the taxonomy's own leaf names.
Used until a model is trained."""

from __future__ import annotations

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


_GENERIC_WORDS = frozenset(
    "其他 问题 管理 工作 相关 服务 方面 事项 综合 一般 情况 建设 政策 业务".split()
)


@dataclass
class _Leaf:
    code: str
    full_name: str
    level1: str
    words: tuple[str, ...]  # from the leaf's own name
    parent_words: tuple[str, ...]  # from its level-2 name, weighed less


class KeywordRules:
    """Scores every leaf by how many words of its name (and, less, of its level-2 name) occur
    in the text. Built once per taxonomy version."""

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
        # word -> [(leaf index, weight)]; words found by their first two characters, so a text
        # costs one set lookup per character, not one scan per word.
        self.index: dict[str, list[tuple[int, float]]] = {}
        for i, leaf in enumerate(leaves):
            for w in leaf.words:
                self.index.setdefault(w, []).append((i, 1.0))
            for w in leaf.parent_words:
                self.index.setdefault(w, []).append((i, 0.5))
        self.by_prefix: dict[str, tuple[str, ...]] = {}
        for w in self.index:
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

    def scores(self, text: str) -> list[tuple[_Leaf, float]]:
        text = text[:TEXT_SCAN_CHARS]
        present = set()
        for i in range(len(text) - 1):
            for w in self.by_prefix.get(text[i : i + 2], ()):
                if text.startswith(w, i):
                    present.add(w)
        totals: dict[int, float] = {}
        for w in present:
            for i, weight in self.index[w]:
                totals[i] = totals.get(i, 0.0) + weight
        out = [(self.leaves[i], s) for i, s in totals.items()]
        out.sort(key=lambda pair: (-pair[1], pair[0].code))
        return out


def _name_words(name: str) -> tuple[str, ...]:
    words = {name} if 2 <= len(name) <= 8 else set()
    for part in re.split(r"[、和与及/（）()]", name):
        part = part.strip()
        if len(part) >= 2:
            words.add(part)
            words.update(w for w in textmodel.segment(part).split() if len(w) >= 2)
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
    """(level-1, leaf) from the keyword rules; with `level1` given, the leaf stays under it."""
    rules = keyword_rules(version)
    if rules is None:
        return None, None
    scored = rules.scores(text)
    if level1 is not None:
        scored = [(leaf, s) for leaf, s in scored if leaf.level1 == level1]
    if not scored:
        return None, None
    leaf, best = scored[0]
    second = scored[1][1] if len(scored) > 1 else 0.0
    leaf_guess = Guess(leaf.code, leaf.full_name, _margin_confidence(best, second), "rules", True)
    per_top: dict[str, float] = {}
    for lf, s in scored:
        per_top[lf.level1] = max(per_top.get(lf.level1, 0.0), s)
    tops = sorted(per_top.items(), key=lambda kv: -kv[1])
    top_second = tops[1][1] if len(tops) > 1 else 0.0
    top_guess = Guess(
        tops[0][0], tops[0][0], _margin_confidence(tops[0][1], top_second), "rules", True
    )
    return top_guess, leaf_guess
