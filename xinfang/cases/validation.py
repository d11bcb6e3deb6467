"""What a citizen may type, checked once for the portal and the public API alike (and for
anything else that submits through cases/citizen.py): characters, lengths, phone, ID number
(GB 11643 check digit) and e-mail. Each check returns a message in the user's language."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from xinfang.core import crypto

# Longest value of each field of a submission (the portal's form fields say the same).
MAX_LENGTHS = {
    "title": 200,
    "body": 5000,
    "address": 200,
    "category": 20,
    "division_code": 12,
    "petitioner.name": 50,
    "petitioner.phone": 20,
    "petitioner.id_number": 20,
    "petitioner.email": 254,
    "petitioner.address": 200,
}
# Line breaks and tabs belong in text; every other control character does not: Unicode's
# control characters (category Cc: U+0000-U+001F, U+007F-U+009F) but tab, LF and CR, and lone
# surrogates (Cs: U+D800-U+DFFF), as one class: every body the API receives is
# scanned, and one regular expression does it many times faster than a look-up per character.
_REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_PHONE_CHARS = re.compile(r"^[\d\s+\-()]*$")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def character_problem(value: str) -> str | None:
    """A NUL byte, a lone surrogate or another control character: a message, else None."""
    if value and _REFUSED.search(value):
        return _("Contains characters that are not allowed (control characters or broken text)")
    return None


def text_problem(value: str, *, field: str = "", max_length: int | None = None) -> str | None:
    problem = character_problem(value)
    if problem:
        return problem
    limit = max_length or MAX_LENGTHS.get(field)
    if limit and len(value or "") > limit:
        return _("No longer than %(n)d characters") % {"n": limit}
    return None


def phone_problem(raw: str) -> str | None:
    """Digits, with spaces, dashes, brackets or a leading + between them: 7 to 12 digits."""
    raw = raw or ""
    if not raw.strip():
        return None
    digits = crypto.normalise_phone(raw)
    if not _PHONE_CHARS.match(raw) or not 7 <= len(digits) <= 12:
        return _("Enter a phone number of 7 to 12 digits, e.g. 13800138000.")
    return None


def id_check_digit(first17: str) -> str:
    """The 18th character of a GB 11643-1999 citizen ID number."""
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def id_number_problem(raw: str) -> str | None:
    """An 18-character ID number whose last character is its check digit, or an old
    15-digit one."""
    value = crypto.normalise_id(raw)
    if not value:
        return None
    if re.fullmatch(r"\d{15}", value):
        return None
    if not re.fullmatch(r"\d{17}[\dX]", value):
        return _("An ID card number has 18 digits (the last may be X).")
    if id_check_digit(value[:17]) != value[17]:
        return _("This ID card number is not valid: check it digit by digit.")
    return None


def email_problem(raw: str) -> str | None:
    if not (raw or "").strip():
        return None
    try:
        validate_email(raw.strip())
    except ValidationError:
        return _("Enter a valid e-mail address.")
    return None


def submission_problems(values: dict[str, str]) -> dict[str, list[str]]:
    """Every problem of a submission's fields (named as in MAX_LENGTHS), field by field."""
    errors: dict[str, list[str]] = {}
    checks = {
        "petitioner.phone": phone_problem,
        "petitioner.id_number": id_number_problem,
        "petitioner.email": email_problem,
    }
    for name, value in values.items():
        problem = text_problem(value or "", field=name)
        if problem is None and name in checks:
            problem = checks[name](value or "")
        if problem:
            errors[name] = [problem]
    for name in ("title", "body"):
        if name not in errors and not (values.get(name) or "").strip():
            errors[name] = [_("This field is required")]
    return errors
