"""Warm-up for the demo server. Cold, the first submission and the first suggestion each load a
jieba dictionary (search words and triage keep one each: a second or two apiece, several on a
busy machine) while a person waits."""

from __future__ import annotations

import logging

from django.db import connection

logger = logging.getLogger(__name__)


def load_dictionaries() -> None:
    """Before the server listens (no database here: app loading must not query)."""
    from xinfang.cases.search import words
    from xinfang.triage.textmodel import segment

    words("小区楼顶漏水")
    segment("小区楼顶漏水，物业一直推诿")


def warm_suggestions() -> None:
    """In a thread once serving: the suggestion rules and models read from the database."""
    from xinfang.triage.suggest import suggest

    try:
        suggest("小区楼顶漏水物业不修", "每逢下雨屋顶就漏水，物业一直推诿。", "海阳市")
    except Exception:  # a cold start is slower, never broken
        logger.exception("warm-up failed")
    finally:
        connection.close()
