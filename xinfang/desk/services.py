"""Writes of the desk itself (not of cases): housekeeping of what clerks leave half done."""

from __future__ import annotations

import datetime as dt
import logging
import os
from importlib import import_module

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.files.storage import default_storage
from django.utils import timezone

logger = logging.getLogger("xinfang.desk")

DRAFT_ROOT = "intake-drafts"
SESSION_DRAFTS = "intake_drafts"  # the session key the intake pages keep drafts under
# A scan is saved before the session that lists it; younger files are never touched.
GRACE = dt.timedelta(hours=1)


def _paths_in_live_sessions(now: dt.datetime) -> set[str] | None:
    """Scan paths that a live session's intake draft still lists; None when sessions are not
    stored in the database (they cannot be read here)."""
    from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

    engine = import_module(settings.SESSION_ENGINE)
    if not issubclass(engine.SessionStore, DatabaseSessionStore):
        return None
    store = engine.SessionStore()
    paths: set[str] = set()
    for data in Session.objects.filter(expire_date__gt=now).values_list("session_data", flat=True):
        drafts = store.decode(data).get(SESSION_DRAFTS) or {}
        for draft in drafts.values():
            paths.update(item.get("path", "") for item in draft.get("files", []))
    return paths


def _remove_if_empty(folder: str) -> None:
    try:
        os.rmdir(default_storage.path(folder))  # only an empty folder goes
    except (NotImplementedError, OSError):
        pass  # storage without local folders, or files still in it


def purge_intake_drafts(*, now: dt.datetime | None = None) -> int:
    """Delete the scans of intake drafts nobody can come back to: not listed by any live
    session (or, where sessions cannot be read, older than a session lives). Returns how many
    files went. A saved case keeps its own copies; these are only the drafts' uploads."""
    now = now or timezone.now()
    live = _paths_in_live_sessions(now)
    max_age = GRACE if live is not None else dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    removed = 0
    try:
        folders, _files = default_storage.listdir(DRAFT_ROOT)
    except FileNotFoundError:
        return 0
    for folder in folders:
        base = f"{DRAFT_ROOT}/{folder}"
        _sub, names = default_storage.listdir(base)
        for name in names:
            path = f"{base}/{name}"
            if live is not None and path in live:
                continue
            if now - default_storage.get_modified_time(path) < max_age:
                continue
            default_storage.delete(path)
            removed += 1
        _remove_if_empty(base)
    if removed:
        logger.info("purged %s intake draft scan(s)", removed)
    return removed
