"""Maps validation errors to one message per field, in the user's language."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

MESSAGES = {
    "missing": gettext_lazy("This field is required"),
    "literal_error": gettext_lazy("Invalid value; choose one of the options"),
    "enum": gettext_lazy("Invalid value; choose one of the options"),
    "string_type": gettext_lazy("Must be text"),
    "bool_type": gettext_lazy("Must be yes or no"),
    "bool_parsing": gettext_lazy("Must be yes or no"),
    "int_type": gettext_lazy("Must be a whole number"),
    "int_parsing": gettext_lazy("Must be a whole number"),
    "date_from_datetime_parsing": gettext_lazy("Dates are written YYYY-MM-DD"),
    "date_parsing": gettext_lazy("Dates are written YYYY-MM-DD"),
    "date_type": gettext_lazy("Dates are written YYYY-MM-DD"),
    "string_too_long": gettext_lazy("Too long"),
    "json_invalid": gettext_lazy("The request is not valid JSON"),
    "model_attributes_type": gettext_lazy("Wrong format"),
    "dict_type": gettext_lazy("Wrong format"),
}


def field_errors(errors: list[dict]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for err in errors:
        loc = [str(p) for p in err.get("loc", ())]
        # ("body", "payload", "title") → "title": drop where the value came from.
        if loc and loc[0] in ("body", "query", "header", "path", "cookie", "form"):
            loc = loc[1:]
        if loc and loc[0] in ("payload", "filters"):
            loc = loc[1:]
        name = ".".join(loc) or "request"
        message = MESSAGES.get(err.get("type", ""), gettext_lazy("Not valid"))
        out.setdefault(name, []).append(str(message))
    return out
