"""Tokens of a citizen message: jieba segmentation and one token filter for raw and
pre-segmented text, so a model trained on one form can score the other."""

from __future__ import annotations

import functools
import logging
import re
import threading
from collections.abc import Iterable
from typing import Any

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# A token is kept only if it has at least one letter, digit or CJK character.
_CONTENT = re.compile(rf"[0-9A-Za-z{_CJK}]")
# Anonymised place codes (one letter, maybe digits: "A3", "K", "E8") and bare numbers carry no
# topic signal and differ between the raw and the pre-segmented exports. Short terms of two or
# more letters, or digits with letters, are topics ("QQ", "ID", "PC", "5G") and are kept.
_CODE = re.compile(r"^(?:[A-Za-z]\d{0,3}|\d+(?:\.\d+)?)$")
_SPACE_BETWEEN_CJK = re.compile(rf"[{_CJK}] +[{_CJK}]")
_CJK_CHAR = re.compile(rf"[{_CJK}]")
# Raw messages reach their 300th kept token after 2.3-3 characters a token (median 2.8).
_RAW_CHARS_PER_TOKEN = 3
_SPACE_RUN_CJK = re.compile(rf"(?<=[{_CJK}]) +(?=[{_CJK}])")

# Generic Chinese function words; the pre-segmented export has them removed already,
# so dropping them from raw text keeps both forms alike.
STOPWORDS = frozenset(
    """
    的 了 是 在 有 和 与 及 或 等 也 都 就 而 且 但 又 还 并 被 把 对 从 到 向 为 以 于
    之 其 该 此 这 那 这个 那个 这些 那些 这样 那样 这里 那里 个 些 着 过 吗 呢 吧 啊 呀
    哦 嘛 么 我 我们 你 你们 您 他 他们 她 她们 它 它们 自己 大家 什么 怎么 如何 为什么
    因为 所以 如果 但是 而且 并且 或者 以及 还是 只是 不是 没有 就是 可以 已经 一个 一些
    非常 很 太 更 最 极 不 没 让 给 用 由 将 要 会 能 可 却 才 再 所 得 地 至 非 无
    """.split()
)

_jieba_lock = threading.Lock()


@functools.cache
def _jieba() -> Any:
    # Loading the dictionary takes about a second; do it once per process.
    import jieba

    jieba.setLogLevel(logging.WARNING)
    with _jieba_lock:
        jieba.initialize()
    return jieba


@functools.lru_cache(maxsize=1 << 16)  # tokens repeat: two regexes once per distinct token
def _keep(token: str) -> bool:
    return bool(_CONTENT.search(token)) and not _CODE.match(token) and token not in STOPWORDS


def _filter(tokens: Iterable[str]) -> str:
    return " ".join(t for t in (tok.strip() for tok in tokens) if t and _keep(t))


# Cached because cross-validation normalises the same texts once per fold.
@functools.lru_cache(maxsize=8192)
def segment(text: str) -> str:
    """Segment raw Chinese text with jieba and return space separated content words."""
    return _filter(_jieba().lcut(text or ""))


def search_words(text: str) -> list[str]:
    """Every word jieba's search mode finds, long words and the shorter words inside them
    ("职工工伤保险": 职工, 工伤, 保险, 工伤保险), through the same token filter."""
    return _filter(_jieba().lcut_for_search(text or "")).split()


def is_segmented(text: str) -> bool:
    """True when the text already looks like space separated words.

    Raw messages rarely put spaces between two Chinese characters, segmented ones do
    so between almost every pair of words.
    """
    cjk = len(_CJK_CHAR.findall(text))
    if cjk == 0:
        return False
    return len(_SPACE_BETWEEN_CJK.findall(text)) * 6 >= cjk


def normalise(text: str, *, resegment: bool = False, max_tokens: int | None = None) -> str:
    """Canonical token string for a message, raw or already segmented.

    With ``resegment`` pre-segmented text is joined and cut again by jieba instead of
    keeping its tokens; keeping them scored slightly higher in cross-validation (see
    bench/triage_eval.py), so it is off by default.

    ``max_tokens`` keeps only the start of long messages: the title and opening lines
    carry the topic, and it bounds prediction latency on very long bodies.
    """
    text = text or ""
    if is_segmented(text):
        if resegment:
            tokens = segment(_SPACE_RUN_CJK.sub("", text))
        else:
            tokens = _filter(text.split())
    else:
        if max_tokens:
            # Only the start can reach the token cap; segmenting the rest is wasted work.
            text = text[: max_tokens * _RAW_CHARS_PER_TOKEN]
        tokens = segment(text)
    if max_tokens:
        tokens = " ".join(tokens.split()[:max_tokens])
    return tokens
