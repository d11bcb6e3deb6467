"""Suggestions for a new petition: content type, category, place and responsible body.

Triage only advises. The desk and the API show the advice; a clerk applies it, and the choice is
recorded beside it (record_choice) so corrections become training labels.

With a trained model (TriageModel, active version) the category and content type come with
calibrated probabilities. Without one, keyword rules built from the taxonomy's own leaf names
still suggest a leaf, always flagged as low confidence.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
import time
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from xinfang.orgs.models import Body, Division
from xinfang.taxonomy.models import Category
from xinfang.taxonomy.selectors import active_version, responsible_body_for

from . import textmodel
from .models import Suggestion, TriageModel

CONTENT_TYPES = ("appeal", "suggestion", "report")
DEFAULT_LOW_CONFIDENCE = 0.6
# Bodies are long; the place and topic are nearly always in the opening lines.
TEXT_SCAN_CHARS = 600


def low_confidence_threshold() -> float:
    configured = getattr(settings, "XINFANG", {}).get("TRIAGE_LOW_CONFIDENCE")
    if configured is None:
        configured = os.environ.get("XINFANG_TRIAGE_LOW_CONFIDENCE", DEFAULT_LOW_CONFIDENCE)
    return float(configured)


@dataclass
class Guess:
    value: str  # content type key, level-1 name, or leaf code
    label: str  # what a clerk reads
    confidence: float
    source: str  # "model" or "rules"
    low_confidence: bool
    probabilities: list[tuple[str, float]] = field(default_factory=list)


@dataclass
class PlaceGuess:
    code: str
    name: str
    full_name: str
    level: int
    matched: str  # the text that matched
    how: str  # "address" or "text"


@dataclass
class Advice:
    content_type: Guess | None
    level1: Guess | None
    leaf: Guess | None
    place: PlaceGuess | None
    body_id: int | None
    body_name: str
    model_versions: dict[str, int]
    threshold: float

    @property
    def low_confidence(self) -> bool:
        guesses = (self.content_type, self.level1, self.leaf)
        return any(g is None or g.low_confidence for g in guesses)

    def as_dict(self) -> dict:
        out = asdict(self)
        out["low_confidence"] = self.low_confidence
        for key in ("content_type", "level1", "leaf"):
            if out[key] is not None:
                out[key]["probabilities"] = [
                    {"label": lab, "probability": round(p, 4)}
                    for lab, p in out[key]["probabilities"]
                ]
        return out


def input_hash(title: str, body: str, address: str) -> str:
    raw = "\x1f".join((title or "", body or "", address or "")).encode("utf-8")
    return hashlib.sha256(raw).hexdigest()


def model_text(title: str, body: str) -> str:
    return f"{title or ''}\n{body or ''}"


# ---------------------------------------------------------------------------------------------
# Active models, kept in process memory keyed by row and version; loaded on first use.

_lock = threading.Lock()
_models: dict[tuple[int, int], textmodel.TextModel] = {}


def active_models() -> dict[str, TriageModel]:
    rows = TriageModel.objects.filter(is_active=True, status=TriageModel.READY).only(
        "pk", "kind", "version"
    )
    return {r.kind: r for r in rows}


def _loaded(row: TriageModel) -> textmodel.TextModel:
    key = (row.pk, row.version)
    model = _models.get(key)
    if model is None:
        with _lock:
            model = _models.get(key)
            if model is None:
                blob = TriageModel.objects.filter(pk=row.pk).values_list("blob", flat=True).get()
                model = textmodel.TextModel.from_bytes(bytes(blob))
                # Only the active versions are worth keeping.
                if len(_models) >= 6:
                    _models.clear()
                _models[key] = model
    return model


def _model_guess(model: textmodel.TextModel, text: str, labels: dict[str, str], threshold: float):
    pairs = model.predict_proba(text)
    value, p = pairs[0]
    return Guess(
        value=value,
        label=labels.get(value, value),
        confidence=round(float(p), 4),
        source="model",
        low_confidence=p < threshold,
        probabilities=[(lab, float(q)) for lab, q in pairs],
    )


# ---------------------------------------------------------------------------------------------
# Keyword rules from the taxonomy's leaf names (used until a model is trained)

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


# ---------------------------------------------------------------------------------------------
# Place: the deployment's own division table, matched on full names and short forms

_SUFFIXES = (
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "街道办事处",
    "街道",
    "社区",
    "居委会",
    "村委会",
    "省",
    "市",
    "县",
    "区",
    "镇",
    "乡",
    "村",
)


def short_forms(name: str) -> set[str]:
    forms = {name}
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            forms.add(name[: -len(suffix)])
            break
    return {f for f in forms if len(f) >= 2}


@dataclass
class _Div:
    code: str
    name: str
    level: int
    parent: str | None


class PlaceMatcher:
    """In-memory matcher of division names: every substring of the text up to the longest name
    is looked up in a dict, so a lookup costs the text length, not the number of divisions."""

    def __init__(self, divisions: list[_Div]):
        self.divs = {d.code: d for d in divisions}
        self.names: dict[str, list[str]] = {}
        for d in divisions:
            for form in short_forms(d.name):
                self.names.setdefault(form, []).append(d.code)
        # The longest name under each two-character prefix bounds the lengths worth trying.
        self.longest: dict[str, int] = {}
        for n in self.names:
            self.longest[n[:2]] = max(self.longest.get(n[:2], 0), len(n))

    def chain(self, code: str) -> list[str]:
        out = []
        node = self.divs.get(code)
        while node is not None:
            out.append(node.code)
            node = self.divs.get(node.parent) if node.parent else None
        return out

    def find(self, text: str) -> dict[str, str]:
        """Division code -> longest text that named it."""
        found: dict[str, str] = {}
        n = len(text)
        longest = self.longest.get
        for i in range(n - 1):
            bound = longest(text[i : i + 2])
            if bound is None:
                continue
            for length in range(min(bound, n - i), 1, -1):
                codes = self.names.get(text[i : i + length])
                if codes:
                    for code in codes:
                        if len(found.get(code, "")) < length:
                            found[code] = text[i : i + length]
        return found

    def best(self, parts: list[tuple[str, str]], within: str | None = None) -> PlaceGuess | None:
        """The deepest, then longest, match whose ancestors the text also names; an ambiguous
        name (several divisions) counts only with support from its ancestors or `within`."""
        found: dict[str, tuple[str, str]] = {}
        for how, text in parts:
            for code, matched in self.find(text).items():
                if code not in found or len(found[code][0]) < len(matched):
                    found[code] = (matched, how)
        if not found:
            return None
        scope = set(self.chain(within)) if within else set()  # `within` and its ancestors
        ranked = []
        for code, (matched, how) in found.items():
            chain = self.chain(code)
            support = sum(1 for c in chain[1:] if c in found)
            in_scope = bool(scope) and (within in chain or code in scope)
            ambiguous = len(self.names.get(matched, ())) > 1
            if ambiguous and not support and not in_scope:
                continue
            if scope and not in_scope:
                continue
            ranked.append(((support, self.divs[code].level, len(matched)), code, matched, how))
        if not ranked:
            return None
        ranked.sort(key=lambda r: (r[0], r[1]), reverse=True)
        _key, code, matched, how = ranked[0]
        d = self.divs[code]
        full = "".join(self.divs[c].name for c in reversed(self.chain(code)))
        return PlaceGuess(code, d.name, full, d.level, matched, how)


_places: dict[tuple, PlaceMatcher] = {}
# Counting a province's divisions on every suggestion costs more than the rest of it; the
# table changes rarely, so the count is rechecked at most this often (and at once on a save
# in this process).
STAMP_SECONDS = 30.0
_stamp: list = [0.0, None]


def _division_stamp() -> tuple:
    now = time.monotonic()
    if _stamp[1] is None or now - _stamp[0] > STAMP_SECONDS:
        _stamp[1] = tuple(Division.objects.aggregate(n=Count("code"), top=Max("code")).values())
        _stamp[0] = now
    return _stamp[1]


@receiver([post_save, post_delete], sender=Division, dispatch_uid="triage_division_changed")
def _divisions_changed(**kwargs) -> None:
    _stamp[1] = None


def place_matcher() -> PlaceMatcher:
    stamp = _division_stamp()
    matcher = _places.get(stamp)
    if matcher is None:
        rows = Division.objects.values_list("code", "name", "level", "parent_id")
        matcher = PlaceMatcher([_Div(*r) for r in rows])
        _places.clear()
        _places[stamp] = matcher
    return matcher


def suggest_place(address: str, text: str, within: Division | None = None) -> PlaceGuess | None:
    parts = [("address", address or ""), ("text", (text or "")[:TEXT_SCAN_CHARS])]
    matcher = place_matcher()
    guess = matcher.best(parts, within=within.code if within else None)
    if guess is None and within is not None:
        guess = matcher.best(parts)
    return guess


# ---------------------------------------------------------------------------------------------
# The suggestion


def suggest(title: str, body: str, address: str = "", *, within: Division | None = None) -> Advice:
    """Advice for one petition text. `within`: the office's division, preferred for places."""
    threshold = low_confidence_threshold()
    text = model_text(title, body)
    rows = active_models()
    taxonomy = active_version()
    versions = {kind: row.version for kind, row in rows.items()}

    labels = dict(_content_type_labels())
    if TriageModel.CONTENT_TYPE in rows:
        ctype = _model_guess(_loaded(rows[TriageModel.CONTENT_TYPE]), text, labels, threshold)
    else:
        ctype = content_type_by_rules(text)
        ctype.label = labels.get(ctype.value, ctype.value)

    rules = keyword_rules(taxonomy)
    level1 = leaf = None
    if TriageModel.CATEGORY in rows:
        level1 = _model_guess(_loaded(rows[TriageModel.CATEGORY]), text, {}, threshold)
    if TriageModel.LEAF in rows and rules is not None:
        model_leaf = _model_guess(_loaded(rows[TriageModel.LEAF]), text, {}, threshold)
        known = rules.leaf_by_full_name.get(model_leaf.value)
        if known is not None:
            model_leaf.value, model_leaf.label = known
            leaf = model_leaf
    if leaf is None:
        rule_top, leaf = _rule_guesses(text, level1.value if level1 else None, taxonomy)
        level1 = level1 or rule_top

    place = suggest_place(address, text, within=within)
    body_id, body_name = None, ""
    divisions = _division_chain(place.code if place else None, within)
    if divisions and rules is not None:
        code = leaf.value if leaf else rules.level1_code.get(level1.value) if level1 else None
        found: Body | None = responsible_body_for(taxonomy.pk, rules.lineage(code), divisions)
        if found is not None:
            body_id, body_name = found.pk, found.name
    return Advice(ctype, level1, leaf, place, body_id, body_name, versions, threshold)


def _division_chain(code: str | None, within: Division | None) -> list[str]:
    """Division codes from the suggested place (else the office's division) up to the root."""
    if code is None and within is None:
        return []
    chain = place_matcher().chain(code or within.code)
    if not chain and within is not None:
        chain = [d.code for d in within.ancestors()]
    return chain


def _content_type_labels():
    from xinfang.cases.workflow import CONTENT_TYPES as LABELS

    return [(key, str(label)) for key, label in LABELS.items()]


# ---------------------------------------------------------------------------------------------
# Writes: the advice as shown, and the clerk's choice beside it


def record_suggestion(title: str, body: str, address: str, advice: Advice) -> Suggestion:
    """Store the advice as it was shown, so the choice can be set beside it later."""
    return Suggestion.objects.create(
        input_hash=input_hash(title, body, address),
        content_type=advice.content_type.value if advice.content_type else "",
        content_type_confidence=advice.content_type.confidence if advice.content_type else None,
        level1=advice.level1.value if advice.level1 else "",
        level1_confidence=advice.level1.confidence if advice.level1 else None,
        leaf_code=advice.leaf.value if advice.leaf else "",
        leaf_confidence=advice.leaf.confidence if advice.leaf else None,
        division_code=advice.place.code if advice.place else "",
        division_match=(f"{advice.place.how}:{advice.place.matched}" if advice.place else "")[:80],
        body_id=advice.body_id,
        model_versions=advice.model_versions,
        low_confidence=advice.low_confidence,
    )


def record_choice(
    suggestion_id: int | None,
    case,
    *,
    chosen_by,
    content_type: str | None = None,
    leaf_code: str | None = None,
    division_code: str | None = None,
    body: Body | None = None,
) -> Suggestion | None:
    """Set the clerk's choice beside the suggestion and link it to the case. Fields left None
    keep what was recorded before (registration sets type, category and place; routing sets
    the body). Never changes the case."""
    if not suggestion_id:
        return None
    with transaction.atomic():
        s = Suggestion.objects.select_for_update().filter(pk=suggestion_id).first()
        if s is None or (s.case_id is not None and s.case_id != case.pk):
            return None
        s.case = case
        accepted = dict(s.accepted)
        pairs = [
            ("content_type", "content_type", content_type),
            ("leaf", "leaf_code", leaf_code),
            ("division", "division_code", division_code),
        ]
        for key, attr, chosen in pairs:
            if chosen is None:
                continue
            setattr(s, f"chosen_{attr}", chosen)
            suggested = getattr(s, attr)
            accepted[key] = bool(suggested) and suggested == chosen if suggested else None
        if body is not None:
            s.chosen_body = body
            accepted["body"] = s.body_id == body.pk if s.body_id else None
        s.accepted = accepted
        s.chosen_at = timezone.now()
        s.chosen_by = chosen_by
        s.save()
    return s


def suggestion_for_case(case) -> Suggestion | None:
    return Suggestion.objects.filter(case=case).order_by("-created_at", "-pk").first()
