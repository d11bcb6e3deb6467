"""Chinese word segmentation for full-text search (jieba, search mode).

Stored text and queries are cut the same way, so a query word matches a stored word exactly:
"拆迁" finds "小区拆迁补偿不到位" (jieba cuts out 拆迁), a lone "拆" does not (no such word).

Engines: on PostgreSQL a GIN index on the stored column search_vector (to_tsvector('simple',
search_text), migration 0009) answers to_tsquery('simple', 'w1 & w2'); on SQLite every query word
must occur as a whole space-delimited token of search_text (a LIKE scan, fine at a single-office
size).
"""

from __future__ import annotations

import logging
import threading

_lock = threading.Lock()
_tokenizer = None


def _jieba():
    """The tokenizer, loaded once on first use (the dictionary takes about a second)."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                tok = jieba.Tokenizer()
                tok.initialize()
                _tokenizer = tok
    return _tokenizer


def words(text: str) -> list[str]:
    """Distinct search-mode words of `text`, lower-cased, punctuation and spaces dropped."""
    out: list[str] = []
    seen = set()
    for raw in _jieba().cut_for_search(text or ""):
        word = "".join(ch for ch in raw.lower() if ch.isalnum())
        if word and word not in seen:
            seen.add(word)
            out.append(word)
    return out


def search_text(*parts: str) -> str:
    """The value of Case.search_text: words separated, and framed, by single spaces."""
    found = words(" ".join(p for p in parts if p))
    return f" {' '.join(found)} " if found else ""


def required_words(query: str) -> list[str]:
    """The query's words less those another query word implies: search mode cuts the two- and
    three-character dictionary words out of every longer word, in stored text as in the query,
    so a case with 公积金 always has 公积 and 积金 too. Asking for 公积金 alone finds the same
    cases, and lets the planner estimate one word instead of multiplying three."""
    found = words(query)
    freq = _jieba().FREQ
    return [
        w
        for w in found
        if not (
            len(w) in (2, 3)
            and _han(w)
            and freq.get(w)
            and any(len(other) > len(w) and w in other and _han(other) for other in found)
        )
    ]


def _han(word: str) -> bool:
    return all("\u4e00" <= ch <= "\u9fff" for ch in word)


def tsquery(query: str) -> str:
    """A to_tsquery('simple', ...) string requiring every query word; "" when there is none."""
    return " & ".join(f"'{w}'" for w in required_words(query))
