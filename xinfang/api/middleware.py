"""Hostile input stopped at the API's door, before anything reads it: a body over the size
limit (413), a body that is not one JSON object, and NUL bytes, lone surrogates or other control
characters anywhere (path, query string, the headers the API reads, the JSON body), and a query
parameter given twice answer 422 with a message in the user's language, never a 500 from deeper
down."""

from __future__ import annotations

import json
from urllib.parse import unquote

from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext as _

from xinfang.cases.validation import character_problem

API_PREFIX = "/api/"
READ_HEADERS = ("HTTP_AUTHORIZATION", "HTTP_X_QUERY_PASSWORD", "HTTP_IDEMPOTENCY_KEY")


def max_body_bytes() -> int:
    return int(settings.XINFANG.get("API_MAX_BODY_BYTES", 256 * 1024))


def _refuse(status: int, message: str, fields: dict | None = None) -> JsonResponse:
    code = "too_large" if status == 413 else "invalid"
    body = {"code": code, "message": message, "fields": fields}
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def _strings(value, where: str):
    """(location, string) of every key and string value in parsed JSON."""
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield f"{where}.{k}" if where else str(k), k
            yield from _strings(v, f"{where}.{k}" if where else str(k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _strings(v, f"{where}.{i}" if where else str(i))


class HostileInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(API_PREFIX):
            refused = self.check(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    def check(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = max_body_bytes()
        if length > limit:
            return _refuse(
                413, _("The request is too large (at most %(kb)d KB)") % {"kb": limit // 1024}
            )
        found = self._characters(request) or self._repeated(request)
        if found:
            problem, where = found
            return _refuse(422, problem, {where: [problem]})
        if request.method in ("POST", "PUT", "PATCH") and length:
            return self._body(request)
        return None

    def _characters(self, request):
        raw_path = unquote(request.META.get("PATH_INFO", ""), errors="surrogateescape")
        candidates = [("path", request.path_info), ("path", raw_path)]
        candidates += [(k, k) for k in request.GET] + [
            (k, v) for k, values in request.GET.lists() for v in values
        ]
        candidates += [
            (h[5:].lower().replace("_", "-"), request.META[h])
            for h in READ_HEADERS
            if h in request.META
        ]
        for where, value in candidates:
            problem = character_problem(value)
            if problem:
                return problem, where
        return None

    def _repeated(self, request):
        # No operation takes a list in its query string: a name given twice is not the schema's
        # (and which of the two would count is not for the client to guess).
        for name, values in request.GET.lists():
            if len(values) > 1:
                return _("Give %(name)s only once") % {"name": name}, name
        return None

    def _body(self, request):
        content_type = request.META.get("CONTENT_TYPE", "")
        if "json" not in content_type:
            return None
        try:
            data = json.loads(request.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            message = _("The request is not valid JSON")
            return _refuse(422, message, {"request": [message]})
        if not isinstance(data, dict):
            message = _("The request body must be a JSON object")
            return _refuse(422, message, {"request": [message]})
        for where, value in _strings(data, ""):
            problem = character_problem(value)
            if problem:
                return _refuse(422, problem, {where: [problem]})
        return None
