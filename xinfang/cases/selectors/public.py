"""What may be published of a case, decided once: the portal's public board and the Open311
requests list read it. Only cases whose petitioner consented, never a confidential one, never a
report (检举控告), whatever the consent: the reporter is protected (W30, W46) and the accused is
not yet judged. Names become 某某; ID numbers, phone numbers and e-mail addresses are starred."""

from __future__ import annotations

import re

from django.db.models import QuerySet

from ..models import Case

MASK_NAME = "某某"

_ID = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_LONG_DIGITS = re.compile(r"\d{7,}")
_PHONE_PARTS = re.compile(r"(?<!\d)0\d{2,3}[-－ ]\d{7,8}(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


def published_cases() -> QuerySet[Case]:
    """Consented, not confidential, not a report: every case that may be shown anonymised."""
    return Case.objects.filter(public_consent=True, confidential=False).exclude(
        content_type="report"
    )


def mask_text(text: str, names: list[str]) -> str:
    """Party names become 某某; ID numbers, phone numbers and e-mail addresses are starred."""
    out = text or ""
    for name in sorted({n for n in names if n}, key=len, reverse=True):
        out = out.replace(name, MASK_NAME)
    out = _EMAIL.sub(lambda m: "*" * 6, out)
    out = _ID.sub(lambda m: "*" * len(m.group()), out)
    out = _PHONE_PARTS.sub(lambda m: "*" * len(m.group()), out)
    return _LONG_DIGITS.sub(lambda m: "*" * len(m.group()), out)
