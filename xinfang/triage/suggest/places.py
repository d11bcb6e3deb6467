"""Place: the deployment's own division table, matched on full names and short forms."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.db.models import Count, Max
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from xinfang.orgs.models import Division

from .advice import TEXT_SCAN_CHARS, PlaceGuess

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
