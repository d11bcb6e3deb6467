"""Reads of cases, one module per area; every list and fetch authorises in the same call
(DESIGN.md, Access: see cases/access.py). Callers import from this package.
"""

from ..access import case_get_for_citizen, case_get_for_user, cases_visible_to, may_see_identity
from ..deadlines import CITIZEN_WINDOWS, NOT_STAFF_DEADLINES, OPTION_WINDOWS
from .cursors import decode_cursor, encode_cursor
from .decisions import DecisionRecord, decision_record
from .inbox import (
    COUNT_CAP,
    INBOX_MAX_LIMIT,
    QUEUES,
    SORTS,
    STAFF_DEADLINE,
    InboxFilters,
    InboxPage,
    count_label,
    inbox,
    inbox_page_ids,
    inbox_queryset,
    inbox_queues,
    queue_counts,
    staff_clock_due,
    staff_clocks,
)
from .listing import (
    case_export_rows,
    category_filter_choices,
    export_headers,
    export_rows,
    place_filter_choices,
)
from .oversight import (
    SUPERVISION_LIST_LIMIT,
    due_soon_for_user,
    escalations_of,
    grid_items_visible_to,
    leader_assignments_visible_to,
    leader_cases,
    listed_for_user,
    notices_to_answer,
    overdue_for_user,
    supervision_notices_visible_to,
)
from .papers import registration_event
from .parties import data_key_matches, open_cases_of_petitioner
from .periods import periods
from .ratings import RATING_STATUS_LABELS, rating_status, with_rating_status
from .timeline import (
    citizen_clock_entries,
    citizen_note,
    clock_entries,
    due_soon_clocks,
    note_text,
    overdue_clocks,
    running_clocks,
    timeline,
    timeline_entries,
)

__all__ = [
    "RATING_STATUS_LABELS",
    "rating_status",
    "with_rating_status",
    "CITIZEN_WINDOWS",
    "DecisionRecord",
    "INBOX_MAX_LIMIT",
    "InboxFilters",
    "InboxPage",
    "NOT_STAFF_DEADLINES",
    "OPTION_WINDOWS",
    "QUEUES",
    "SORTS",
    "SUPERVISION_LIST_LIMIT",
    "case_get_for_citizen",
    "category_filter_choices",
    "case_export_rows",
    "export_headers",
    "export_rows",
    "place_filter_choices",
    "COUNT_CAP",
    "count_label",
    "queue_counts",
    "registration_event",
    "case_get_for_user",
    "cases_visible_to",
    "citizen_clock_entries",
    "citizen_note",
    "clock_entries",
    "data_key_matches",
    "decision_record",
    "decode_cursor",
    "due_soon_clocks",
    "due_soon_for_user",
    "encode_cursor",
    "escalations_of",
    "grid_items_visible_to",
    "inbox",
    "inbox_page_ids",
    "inbox_queryset",
    "inbox_queues",
    "leader_assignments_visible_to",
    "leader_cases",
    "listed_for_user",
    "may_see_identity",
    "note_text",
    "notices_to_answer",
    "open_cases_of_petitioner",
    "overdue_clocks",
    "overdue_for_user",
    "periods",
    "running_clocks",
    "staff_clock_due",
    "staff_clocks",
    "STAFF_DEADLINE",
    "supervision_notices_visible_to",
    "timeline",
    "timeline_entries",
]
