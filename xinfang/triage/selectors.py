"""Reads of the look-alike index: repeats of a petitioner and open cases that look alike."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
from django.core.cache import cache
from django.db import connection
from django.db.models import Max

from xinfang.cases.models import Case, Party
from xinfang.cases.selectors import cases_visible_to, open_cases_of_petitioner
from xinfang.cases.workflow import OPEN

from . import bandkeys, similarity
from .models import SimilarityEntry
from .services import case_text, hasher
from .similarity import DEFAULT_SCHEME, HOT_ISSUE_SCORE

# Below this estimated Jaccard similarity two texts have little more in common than the words
# every petition uses; unrelated real messages score about 0.01-0.06.
MIN_SCORE = 0.2
# Candidates scored per lookup, those sharing most bands first: bounds the work when a
# template-like text shares bands with very many cases.
CANDIDATE_LIMIT = 200


_EMPTY = np.uint32(0xFFFFFFFF)


def _scored_candidates(sig: np.ndarray) -> list[tuple[int, float]]:
    """(case id, estimated Jaccard) of the open indexed cases sharing a band with `sig`, best
    first; at most CANDIDATE_LIMIT of them, those sharing most bands."""
    if (sig == _EMPTY).all():
        return []
    keys = hasher().band_keys(sig).tolist()
    sql, params = bandkeys.candidates_query(keys, CANDIDATE_LIMIT)
    with connection.cursor() as cur:
        cur.execute(sql, params)
        rows = cur.fetchall()
    if not rows:
        return []
    ids = np.array([pk for pk, _raw in rows], dtype=np.int64)
    sigs = np.frombuffer(b"".join(bytes(raw) for _pk, raw in rows), dtype="<u4")
    sigs = sigs.reshape(len(rows), -1)
    if sigs.shape[1] != sig.size:  # made with another scheme: not comparable
        return []
    scores = (sigs == sig[None, :]).mean(axis=1)
    scores[(sigs == _EMPTY).all(axis=1)] = 0.0
    order = np.lexsort((ids, -scores))
    return [(int(ids[i]), float(scores[i])) for i in order]


def similar_open_cases(
    title: str,
    body: str,
    *,
    user=None,
    limit: int = 5,
    exclude: Iterable[int] | None = None,
) -> list[tuple[Case, float]]:
    """Open cases whose text looks like this one, best first, as (case, score) pairs.

    Score: estimated Jaccard similarity of character bigrams (triage/similarity.py), found
    through the LSH band keys (triage/bandkeys.py), so the cost follows the number of look-alikes, not of cases.
    With `user`, only cases that user may see (cases_visible_to: never a report to the body it
    accuses). `exclude`: case ids left out (the case itself, cases already shown).
    """
    sig = hasher().signature(case_text(title, body))
    skip = set(exclude or ())
    scored = [(pk, s) for pk, s in _scored_candidates(sig) if s >= MIN_SCORE and pk not in skip]
    if not scored:
        return []
    qs = cases_visible_to(user) if user is not None else Case.objects.all()
    qs = qs.filter(state__in=OPEN).select_related("holder_body")
    out: list[tuple[Case, float]] = []
    # A few rows at a time, best first: most lookups need one round; hidden ones are skipped.
    step = max(limit * 2, 10)
    for start in range(0, len(scored), step):
        chunk = scored[start : start + step]
        by_id = qs.in_bulk([pk for pk, _s in chunk])
        out += [(by_id[pk], round(s, 3)) for pk, s in chunk if pk in by_id]
        if len(out) >= limit:
            break
    return out[:limit]


@dataclass
class RepeatCandidates:
    own: list[tuple[Case, float]] = field(default_factory=list)  # this petitioner's open cases
    similar: list[tuple[Case, float]] = field(default_factory=list)  # anyone's, look-alike


def _as_list(value: str | Sequence[str]) -> list[str]:
    values = [value] if isinstance(value, str) else list(value)
    return [v for v in values if v and v.strip()]


def repeat_candidates(
    title: str,
    body: str,
    phone: str | Sequence[str] = "",
    id_number: str | Sequence[str] = "",
    *,
    user,
    limit: int = 5,
) -> RepeatCandidates:
    """Before a case is saved: this petitioner's open cases (by normalised phone or ID number,
    through the blind indexes) that `user` may list, most similar text first, and the most
    similar open cases of anyone else that `user` may see. A report is listed under a person only
    where its reporter may be known, and never to the body it accuses (W30, W46)."""
    found: dict[int, Case] = {}
    for p in _as_list(phone):
        found.update((c.pk, c) for c in open_cases_of_petitioner(user=user, phone=p))
    for i in _as_list(id_number):
        found.update((c.pk, c) for c in open_cases_of_petitioner(user=user, id_number=i))
    text = case_text(title, body)
    own = [
        (c, round(similarity.jaccard(text, case_text(c.title, c.body)), 3)) for c in found.values()
    ]
    own.sort(key=lambda pair: (pair[1], pair[0].registered_at), reverse=True)
    similar = similar_open_cases(title, body, user=user, limit=limit, exclude=found)
    return RepeatCandidates(own=own, similar=similar)


@dataclass
class HotIssue:
    """A group of petitions on one matter, registered in the window asked for."""

    case_ids: list[int]  # the most linked (most typical) first
    petitioners: int  # distinct people: ID number, else phone, else the case itself
    first_at: datetime
    last_at: datetime
    example: Case  # the most typical case, to name the issue

    @property
    def cases(self) -> int:
        return len(self.case_ids)


def _petitioner_keys(case_ids: list[int]) -> dict[int, set[str]]:
    keys: dict[int, set[str]] = {pk: set() for pk in case_ids}
    rows = Party.objects.filter(case_id__in=case_ids, kind=Party.PETITIONER).values_list(
        "pk", "case_id", "id_index", "phone_index"
    )
    for pk, case_id, id_index, phone_index in rows:
        keys[case_id].add(
            f"id:{id_index}"
            if id_index
            else f"phone:{phone_index}"
            if phone_index
            else f"party:{pk}"
        )
    for pk, found in keys.items():
        found = found or {f"case:{pk}"}  # no petitioner on record (an anonymous report)
        keys[pk] = found
    return keys


# The newest petitions of a window that are grouped: 1-4 s on a 2-core server, once an hour
# (hot_issues_cached). A window with more says so on the page.
HOT_ISSUE_MAX_CASES = 20_000


class HotIssueList(list):
    """Hot issues, most people first; `capped` when the window held more petitions than were
    grouped (the newest HOT_ISSUE_MAX_CASES)."""

    capped = False


def hot_issues(
    *,
    since: datetime,
    until: datetime | None = None,
    user=None,
    min_cases: int = 3,
    limit: int = 20,
    max_cases: int = HOT_ISSUE_MAX_CASES,
) -> HotIssueList:
    """Matters that several petitions raised in [since, until), most petitioners first.

    Built on the look-alike index: the stored MinHash signatures of the cases registered in the
    window (open or closed) are grouped through LSH banding (similarity.clusters), so the cost
    follows the cases in the window and their look-alikes. With `user`, only cases that user
    may see. Repeats by one person count once in `petitioners`. At most the newest
    `max_cases` petitions of the window are grouped.
    """
    found = HotIssueList()
    cases = cases_visible_to(user) if user is not None else Case.objects.all()
    cases = cases.filter(registered_at__gte=since)
    if until is not None:
        cases = cases.filter(registered_at__lt=until)
    rows = list(
        SimilarityEntry.objects.filter(case__in=cases, scheme=DEFAULT_SCHEME.tag)
        .order_by("-case_id")
        .values_list("case_id", "signature")[: max_cases + 1]
    )
    found.capped = len(rows) > max_cases
    rows = rows[:max_cases][::-1]  # oldest first: ties in grouping go to the earlier petition
    if len(rows) < max(min_cases, 2):
        return found
    ids = [pk for pk, _sig in rows]
    sigs = np.frombuffer(b"".join(bytes(sig) for _pk, sig in rows), dtype="<u4")
    groups = similarity.clusters(
        ids, sigs.reshape(len(rows), -1), min_score=HOT_ISSUE_SCORE, scheme=DEFAULT_SCHEME
    )
    groups = [[pk for pk, _links in g] for g in groups if len(g) >= min_cases]
    if not groups:
        return found
    members = [pk for g in groups for pk in g]
    # Only the registration times of every member; whole cases only for the issues shown.
    registered = dict(Case.objects.filter(pk__in=members).values_list("pk", "registered_at"))
    people = _petitioner_keys(members)
    issues = []
    for g in groups:
        at = [registered[pk] for pk in g]
        issues.append(
            HotIssue(
                case_ids=g,
                petitioners=len(set().union(*(people[pk] for pk in g))),
                first_at=min(at),
                last_at=max(at),
                example=None,
            )
        )
    issues.sort(key=lambda h: (-h.petitioners, -h.cases, -h.last_at.timestamp()))
    issues = issues[:limit]
    examples = Case.objects.in_bulk([h.case_ids[0] for h in issues])
    for h in issues:
        h.example = examples[h.case_ids[0]]
    found.extend(issues)
    return found


# A supervision page shows the same window again and again; grouping is redone only when a
# case was registered in it, or once an hour as the window slides.
HOT_ISSUES_CACHE_SECONDS = 3600


def hot_issues_cached(*, days: int, user, now: datetime, limit: int = 20) -> HotIssueList:
    """hot_issues over the last `days` days up to the hour, kept in the cache until a case is
    registered in the window or the hour turns."""
    since = now.replace(minute=0, second=0, microsecond=0) - timedelta(days=days)
    # The newest case of the window tells whether one was registered since (numbers only grow);
    # PostgreSQL reads it from the top of the key index instead of counting the window.
    top = Case.objects.filter(registered_at__gte=since).aggregate(top=Max("pk"))["top"]
    key = f"hot-issues:{getattr(user, 'pk', '-')}:{since.isoformat()}:{top}:{limit}"
    return cache.get_or_set(
        key, lambda: hot_issues(since=since, user=user, limit=limit), HOT_ISSUES_CACHE_SECONDS
    )
