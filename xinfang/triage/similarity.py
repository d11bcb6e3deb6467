"""Near-duplicate search over petition texts: MinHash signatures and LSH banding.

Pure numpy, no Django, so the index can be benchmarked and tested on its own and the same
signatures can be stored in the database (see triage/models.py).

- Text is normalised (NFKC, lower case, only letters kept: punctuation, digits and white space
  go) and cut into overlapping character n-grams (no word segmentation, so it works the same on
  raw and pre-segmented text). Bigrams, not trigrams: on real citizen messages a copy with 15
  characters changed keeps a median Jaccard of 0.78 with bigrams against 0.69 with trigrams,
  a reordered copy 0.87 against 0.77, while unrelated messages stay near 0.01 with either; and
  bigrams still match the two- and three-character words of short titles.
- Each n-gram is mixed to 32 bits with a fixed integer mixer, then ``num_perm`` hash functions
  ``(a * x + b) >> 32`` over 64-bit words (a, b from a fixed seed, derived without a random
  generator so they never change between processes or numpy versions) give the signature: the
  minimum of each function over the n-grams. The share of equal positions in two signatures estimates the
  Jaccard similarity of their n-gram sets.
- The signature is cut into ``bands`` bands of ``rows`` values; texts that agree on a whole band
  become candidates. With 32 bands of 4 rows a pair at Jaccard 0.5 becomes a candidate with
  probability 1 - (1 - 0.5^4)^32 = 0.87, at 0.7 with 0.99, at 0.2 with 0.05.
"""

from __future__ import annotations

import io
import json
import re
import unicodedata
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = [
    "DEFAULT_SCHEME",
    "HOT_ISSUE_SCORE",
    "LSHIndex",
    "MinHasher",
    "Scheme",
    "clusters",
    "estimate",
    "jaccard",
    "normalise",
    "shingles",
]

_MASK32 = np.uint64(0xFFFFFFFF)
_EMPTY = np.uint32(0xFFFFFFFF)
# Everything that is not a letter (any script) goes: punctuation, digits, spaces, symbols.
_NOT_LETTER = re.compile(r"[\W\d_]+")


@dataclass(frozen=True)
class Scheme:
    """Every parameter that changes a signature or a band key; stored with each indexed row."""

    ngram: int = 2
    num_perm: int = 128
    bands: int = 32
    rows: int = 4
    seed: int = 20260501
    version: int = 1

    def __post_init__(self):
        if self.bands * self.rows != self.num_perm:
            raise ValueError("bands * rows must equal num_perm")
        if not 1 <= self.bands <= 64:
            raise ValueError("at most 64 bands (the band number lives in 6 bits of a key)")

    @property
    def threshold(self) -> float:
        """The Jaccard similarity at which a pair becomes a candidate with probability ~1/2."""
        return (1 / self.bands) ** (1 / self.rows)

    @property
    def tag(self) -> str:
        return (
            f"v{self.version}-n{self.ngram}-p{self.num_perm}-b{self.bands}x{self.rows}-s{self.seed}"
        )


DEFAULT_SCHEME = Scheme()


def _mix64(z: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: a fixed, well-spread 64-bit mixer (wrapping arithmetic)."""
    z = z.astype(np.uint64, copy=True)
    z ^= z >> np.uint64(30)
    z *= np.uint64(0xBF58476D1CE4E5B9)
    z ^= z >> np.uint64(27)
    z *= np.uint64(0x94D049BB133111EB)
    z ^= z >> np.uint64(31)
    return z


def normalise(text: str) -> str:
    return _NOT_LETTER.sub("", unicodedata.normalize("NFKC", text or "").lower())


def _gram_hashes(text: str, n: int) -> np.ndarray:
    """The distinct n-grams of the normalised text as 32-bit hashes (uint64 array)."""
    s = normalise(text)
    if not s:
        return np.zeros(0, dtype=np.uint64)
    cp = np.frombuffer(s.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(cp) < n:
        n = len(cp)  # a very short text is one gram of itself
    key = np.zeros(len(cp) - n + 1, dtype=np.uint64)
    for i in range(n):
        # 21 bits hold any code point; three of them fit in 63 bits.
        key = (key << np.uint64(21)) | cp[i : len(cp) - n + 1 + i]
    return np.unique(_mix64(key) & _MASK32)


def shingles(text: str, n: int = DEFAULT_SCHEME.ngram) -> set[int]:
    return set(_gram_hashes(text, n).tolist())


def jaccard(a: str, b: str, n: int = DEFAULT_SCHEME.ngram) -> float:
    """Exact Jaccard similarity of the two texts' n-gram sets."""
    sa, sb = shingles(a, n), shingles(b, n)
    union = len(sa | sb)
    return len(sa & sb) / union if union else 0.0


def estimate(sig_a: np.ndarray, sig_b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures (share of equal positions)."""
    if sig_a.size == 0 or (sig_a == _EMPTY).all() or (sig_b == _EMPTY).all():
        return 0.0
    return float(np.mean(sig_a == sig_b))


class MinHasher:
    def __init__(self, scheme: Scheme = DEFAULT_SCHEME):
        self.scheme = scheme
        i = np.arange(scheme.num_perm, dtype=np.uint64)
        seed = np.uint64(scheme.seed)
        # Multiply-shift hashing (odd 64-bit a, any b, top 32 bits of a * x + b mod 2^64): a
        # universal family that needs no division, several times faster than mod (2^61 - 1).
        self._a = (_mix64(seed + 2 * i) | np.uint64(1))[:, None]
        self._b = _mix64(seed + 2 * i + np.uint64(1))[:, None]

    def _minhash(self, grams: np.ndarray) -> np.ndarray:
        return ((self._a * grams[None, :] + self._b) >> np.uint64(32)).astype(np.uint32)

    def signature(self, text: str) -> np.ndarray:
        """uint32 array of num_perm values; all 0xFFFFFFFF for a text without letters."""
        grams = _gram_hashes(text, self.scheme.ngram)
        if grams.size == 0:
            return np.full(self.scheme.num_perm, _EMPTY, dtype=np.uint32)
        return self._minhash(grams).min(axis=1)

    def signatures(self, texts: Sequence[str], batch: int = 256) -> np.ndarray:
        """Signatures of many texts (len(texts) x num_perm), a batch at a time."""
        out = np.full((len(texts), self.scheme.num_perm), _EMPTY, dtype=np.uint32)
        for start in range(0, len(texts), batch):
            parts = [_gram_hashes(t, self.scheme.ngram) for t in texts[start : start + batch]]
            sizes = np.array([p.size for p in parts])
            nonempty = np.flatnonzero(sizes)
            if nonempty.size == 0:
                continue
            grams = np.concatenate([parts[j] for j in nonempty])
            offsets = np.concatenate(([0], np.cumsum(sizes[nonempty])[:-1]))
            mins = np.minimum.reduceat(self._minhash(grams), offsets, axis=1)
            out[start + nonempty] = mins.T
        return out

    def band_keys(self, sigs: np.ndarray) -> np.ndarray:
        """One 64-bit key per band (..., bands) as int64: the band number sits in the top six
        bits, so keys of different bands never meet and one sorted array holds every band."""
        s = self.scheme
        sigs = np.asarray(sigs, dtype=np.uint32)
        parts = sigs.reshape(*sigs.shape[:-1], s.bands, s.rows).astype(np.uint64)
        h = np.zeros(parts.shape[:-1], dtype=np.uint64)
        for r in range(s.rows):
            h = _mix64(h ^ parts[..., r] ^ np.uint64(r << 40))
        band = np.arange(s.bands, dtype=np.uint64)
        return ((h >> np.uint64(7)) | (band << np.uint64(57))).view(np.int64)


class LSHIndex:
    """In-memory LSH index: key -> signature, looked up through band keys.

    Band keys live in one sorted array (binary search per band) plus a small unsorted buffer of
    recent additions; the buffer is merged into the sorted array when it outgrows a share of
    it, so additions are amortised O(log n) and a lookup touches only the rows that share a
    band with the query. Removal marks a row dead; merges drop dead rows.
    """

    def __init__(self, scheme: Scheme = DEFAULT_SCHEME, *, max_candidates: int = 2000):
        self.scheme = scheme
        self.hasher = MinHasher(scheme)
        self.max_candidates = max_candidates
        self._row_of: dict[Hashable, int] = {}
        self._keys: list[Hashable | None] = []
        self._sigs = np.zeros((0, scheme.num_perm), dtype=np.uint32)
        self._bands = np.zeros((0, scheme.bands), dtype=np.int64)
        self._alive = np.zeros(0, dtype=bool)
        self._sorted_keys = np.zeros(0, dtype=np.int64)
        self._sorted_rows = np.zeros(0, dtype=np.int64)
        self._pending: list[int] = []
        self.last_examined = 0  # distinct candidate rows looked at by the last query

    def __len__(self) -> int:
        return len(self._row_of)

    def __contains__(self, key) -> bool:
        return key in self._row_of

    def _grow(self, extra: int) -> None:
        need = len(self._keys) + extra
        if need <= len(self._alive):
            return
        cap = max(need, 2 * len(self._alive), 1024)
        for name in ("_sigs", "_bands"):
            old = getattr(self, name)
            new = np.zeros((cap, old.shape[1]), dtype=old.dtype)
            new[: len(old)] = old
            setattr(self, name, new)
        alive = np.zeros(cap, dtype=bool)
        alive[: len(self._alive)] = self._alive
        self._alive = alive

    def add(self, key: Hashable, sig: np.ndarray) -> None:
        self.add_many([key], np.asarray(sig, dtype=np.uint32)[None, :])

    def add_many(self, keys: Sequence[Hashable], sigs: np.ndarray) -> None:
        sigs = np.asarray(sigs, dtype=np.uint32)
        if len(keys) != len(sigs):
            raise ValueError("one signature per key")
        for key in keys:
            if key in self._row_of:
                self.remove(key)
        self._grow(len(keys))
        start = len(self._keys)
        rows = np.arange(start, start + len(keys))
        self._keys.extend(keys)
        self._sigs[rows] = sigs
        self._bands[rows] = self.hasher.band_keys(sigs)
        self._alive[rows] = True
        for key, row in zip(keys, rows.tolist(), strict=True):
            self._row_of[key] = row
        self._pending.extend(rows.tolist())
        if len(self._pending) > max(1024, len(self._sorted_rows) // (16 * self.scheme.bands)):
            self._merge()

    def remove(self, key: Hashable) -> bool:
        row = self._row_of.pop(key, None)
        if row is None:
            return False
        self._alive[row] = False
        self._keys[row] = None
        return True

    def _merge(self) -> None:
        b = self.scheme.bands
        live = self._alive[self._sorted_rows]
        keys = [self._sorted_keys[live]]
        rows = [self._sorted_rows[live]]
        if self._pending:
            pend = np.array(self._pending, dtype=np.int64)
            pend = pend[self._alive[pend]]
            keys.append(self._bands[pend].ravel())
            rows.append(np.repeat(pend, b))
        k, r = np.concatenate(keys), np.concatenate(rows)
        order = np.argsort(k, kind="stable")
        self._sorted_keys, self._sorted_rows = k[order], r[order]
        self._pending = []

    def signature_of(self, key: Hashable) -> np.ndarray | None:
        row = self._row_of.get(key)
        return None if row is None else self._sigs[row].copy()

    def candidates(self, sig: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Rows sharing at least one band with `sig`, and how many bands each shares."""
        q = self.hasher.band_keys(np.asarray(sig, dtype=np.uint32))
        lo = np.searchsorted(self._sorted_keys, q, side="left")
        hi = np.searchsorted(self._sorted_keys, q, side="right")
        found = [
            self._sorted_rows[a:z] for a, z in zip(lo.tolist(), hi.tolist(), strict=True) if z > a
        ]
        if self._pending:
            pend = np.array(self._pending, dtype=np.int64)
            hits = self._bands[pend] == q[None, :]
            found.append(np.repeat(pend, hits.sum(axis=1)))
        if not found:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        rows = np.concatenate(found)
        rows = rows[self._alive[rows]]
        return np.unique(rows, return_counts=True)

    def query(
        self, sig: np.ndarray, k: int = 10, *, min_score: float = 0.0
    ) -> list[tuple[Hashable, float]]:
        """Up to k (key, estimated Jaccard) pairs, best first, among the LSH candidates."""
        rows, scores = self.ranked(sig, k, min_score=min_score)
        return [
            (self._keys[r], round(s, 4))
            for r, s in zip(rows.tolist(), scores.tolist(), strict=True)
        ]

    def ranked(
        self, sig: np.ndarray, k: int = 10, *, min_score: float = 0.0
    ) -> tuple[np.ndarray, np.ndarray]:
        """query's answer as arrays: up to k rows of the index and their estimated Jaccard,
        best first (ties by row)."""
        none = np.zeros(0, dtype=np.int64), np.zeros(0)
        sig = np.asarray(sig, dtype=np.uint32)
        if (sig == _EMPTY).all():
            self.last_examined = 0
            return none
        rows, hits = self.candidates(sig)
        if rows.size > self.max_candidates:
            # More band agreements means a higher similarity; keep the most promising.
            keep = np.argsort(-hits, kind="stable")[: self.max_candidates]
            rows = rows[keep]
        self.last_examined = int(rows.size)
        if rows.size == 0:
            return none
        scores = (self._sigs[rows] == sig[None, :]).mean(axis=1)
        order = np.lexsort((rows, -scores))[: max(k, 0)]
        order = order[scores[order] >= min_score]
        return rows[order], scores[order]

    def ranked_all(self, k: int, *, min_score: float = 0.0, chunk: int = 256) -> dict:
        """ranked() of every row's own signature against the index, for all rows at once:
        {row: rows best first}. The same candidates, cap, scores and order as one query per
        row, with the per-query work done on whole arrays a chunk of rows at a time."""
        if self._pending:
            self._merge()
        n = len(self._keys)
        live = np.flatnonzero(self._alive[:n])
        b = self.scheme.bands
        out: dict[int, np.ndarray] = {}
        for start in range(0, len(live), chunk):
            rows = live[start : start + chunk]
            own = self._sigs[rows]
            rows = rows[~(own == _EMPTY).all(axis=1)]  # an empty text matches nothing
            if not len(rows):
                continue
            m = len(rows)
            keys = self._bands[rows].ravel()
            lo = np.searchsorted(self._sorted_keys, keys, side="left")
            hi = np.searchsorted(self._sorted_keys, keys, side="right")
            sizes = hi - lo
            total = int(sizes.sum())
            query = np.repeat(np.repeat(np.arange(m), b), sizes)
            offsets = np.arange(total) - np.repeat(np.cumsum(sizes) - sizes, sizes)
            cand = self._sorted_rows[np.repeat(lo, sizes) + offsets]
            alive = self._alive[cand]
            pair, hits = np.unique(query[alive] * n + cand[alive], return_counts=True)
            q, c = pair // n, pair % n
            # The cap: a query with too many candidates keeps those sharing most bands (ties
            # by row), as query() does.
            per_query = np.bincount(q, minlength=m)
            if (per_query > self.max_candidates).any():
                order = np.lexsort((c, -hits, q))
                rank = np.arange(len(order)) - np.repeat(
                    np.cumsum(per_query) - per_query, per_query
                )
                keep = np.zeros(len(order), dtype=bool)
                keep[order[rank < self.max_candidates]] = True
                q, c = q[keep], c[keep]
            scores = (self._sigs[rows][q] == self._sigs[c]).mean(axis=1)
            order = np.lexsort((c, -scores, q))
            q, c, scores = q[order], c[order], scores[order]
            counts = np.bincount(q, minlength=m)
            rank = np.arange(len(q)) - np.repeat(np.cumsum(counts) - counts, counts)
            keep = (rank < k) & (scores >= min_score)
            q, c = q[keep], c[keep]
            bounds = np.searchsorted(q, np.arange(m + 1))
            for i, row in enumerate(rows.tolist()):
                out[row] = c[bounds[i] : bounds[i + 1]]
        return out

    def query_text(self, text: str, k: int = 10, **kwargs) -> list[tuple[Hashable, float]]:
        return self.query(self.hasher.signature(text), k, **kwargs)

    def keys(self) -> Iterable[Hashable]:
        return iter(self._row_of)

    def to_bytes(self) -> bytes:
        """npz with the scheme, the keys (JSON: int or str keys) and their signatures."""
        keys = list(self._row_of)
        rows = np.array([self._row_of[k] for k in keys], dtype=np.int64)
        buf = io.BytesIO()
        np.savez_compressed(
            buf,
            scheme=np.frombuffer(json.dumps(self.scheme.__dict__).encode(), dtype=np.uint8),
            keys=np.frombuffer(json.dumps(keys).encode(), dtype=np.uint8),
            sigs=self._sigs[rows] if len(rows) else self._sigs[:0],
        )
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes, **kwargs) -> LSHIndex:
        with np.load(io.BytesIO(data)) as z:
            scheme = Scheme(**json.loads(z["scheme"].tobytes()))
            keys = json.loads(z["keys"].tobytes())
            sigs = z["sigs"]
        index = cls(scheme, **kwargs)
        if keys:
            index.add_many(keys, sigs)
            index._merge()
        return index


# Hot issues: two petitions count as the same matter from this estimated Jaccard similarity
# up. Copies of one template, and a message retold with some words changed, score 0.5-0.9;
# unrelated messages 0.01-0.06.
HOT_ISSUE_SCORE = 0.3


def clusters(
    keys: Sequence[Hashable],
    sigs: np.ndarray,
    *,
    min_score: float,
    scheme: Scheme = DEFAULT_SCHEME,
    max_neighbours: int = 200,
) -> list[list[tuple[Hashable, int]]]:
    """Groups of look-alike texts (estimated Jaccard >= min_score), found through the same LSH
    banding as lookups: each text is one query, so the cost follows the number of look-alikes,
    not the square of the texts.

    Star clustering: the text with most look-alikes leads a group of itself and its look-alikes
    not yet grouped, then the next. Unlike single link, a chain of texts each a little like the
    next does not pull unrelated matters into one group.

    Returns the groups of two or more, largest first, each as (key, look-alikes) pairs, the
    leader first, then by look-alikes; ties in input order.
    """
    sigs = np.asarray(sigs, dtype=np.uint32)
    if len(keys) != len(sigs):
        raise ValueError("one signature per key")
    index = LSHIndex(scheme)
    positions = list(range(len(keys)))
    index.add_many(positions, sigs)
    neighbours: list[list[int]] = [[] for _ in positions]
    # The index's rows are the positions themselves (added in order).
    ranked = index.ranked_all(max_neighbours + 1, min_score=min_score)
    for i in positions:
        found = ranked.get(i)
        if found is not None:
            neighbours[i] = [j for j in found.tolist() if j != i]
    degree = [len(n) for n in neighbours]
    group_of = [-1] * len(keys)
    groups: list[list[int]] = []
    for leader in sorted(positions, key=lambda i: (-degree[i], i)):
        if group_of[leader] != -1 or not degree[leader]:
            continue
        members = [leader] + [j for j in neighbours[leader] if group_of[j] == -1]
        if len(members) < 2:
            continue
        for m in members:
            group_of[m] = len(groups)
        groups.append(members)
    groups.sort(key=lambda members: (-len(members), members[0]))
    return [
        [(keys[m], degree[m]) for m in [g[0], *sorted(g[1:], key=lambda m: (-degree[m], m))]]
        for g in groups
    ]
