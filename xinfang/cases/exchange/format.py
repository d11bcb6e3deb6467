"""The exchange format's rules, kept once: the portable event payload, its chain, the digests.

An event's local link (CaseEvent.hash) is keyed with the sender's audit key and covers the
sender's database ids, so a receiver can check neither. The file therefore carries, beside it,
an exchange link per event: SHA-256 over the previous exchange link and the event's portable
payload (what it says, not where it was stored). A receiver recomputes the chain; a changed,
dropped or reordered event shows. Each case line carries a digest of everything else on it, and
the last line a digest of every line before it, signed with the exchange key the two levels
share (XINFANG_EXCHANGE_KEY) when one is configured, so a recomputed chain shows too.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from django.conf import settings

from xinfang.core.errors import InvalidInput

FORMAT = "xinfang-exchange"
VERSION = 1
GENESIS = "0" * 64

# What an event says, independent of any database: its exchange link covers exactly these.
EVENT_FIELDS = (
    "seq",
    "kind",
    "actor_label",
    "at",
    "from",
    "to",
    "old",
    "new",
    "extra",
    "notice",
    "citizen_visible",
)


class ExchangeError(InvalidInput):
    """The file cannot be accepted as it stands; the message says where and why."""

    code = "exchange_refused"


def canonical(value: Any) -> bytes:
    return json.dumps(
        value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    ).encode()


def portable(event: dict) -> dict:
    return {k: event.get(k) for k in EVENT_FIELDS}


def event_link(prev: str, event: dict) -> str:
    return hashlib.sha256(prev.encode() + b"\n" + canonical(portable(event))).hexdigest()


def chain(events: list[dict]) -> list[str]:
    """The exchange links of these events, in order."""
    links, prev = [], GENESIS
    for event in events:
        prev = event_link(prev, event)
        links.append(prev)
    return links


def record_digest(record: dict) -> str:
    """A case line's digest: everything on the line but the digest itself."""
    return hashlib.sha256(canonical({k: v for k, v in record.items() if k != "digest"})).hexdigest()


def exchange_key() -> str:
    return settings.XINFANG.get("EXCHANGE_KEY", "") or ""


def sign(digest: str, key: str | None = None) -> str:
    key = exchange_key() if key is None else key
    if not key:
        return ""
    return hmac.new(key.encode(), b"xinfang-exchange\n" + digest.encode(), "sha256").hexdigest()


def line(obj: dict) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
