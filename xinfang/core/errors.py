"""Typed application errors with stable codes; one handler maps them to HTTP and to messages."""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    code = "error"
    http_status = 400

    def __init__(self, message: Any = "", *, code: str | None = None, fields: dict | None = None):
        self.message = message
        if code:
            self.code = code
        self.fields = fields or {}
        super().__init__(str(message))

    def as_dict(self) -> dict:
        out: dict[str, Any] = {"code": self.code, "message": str(self.message)}
        if self.fields:
            out["fields"] = {k: [str(m) for m in v] for k, v in self.fields.items()}
        return out


class PermissionDenied(ApplicationError):
    code = "permission_denied"
    http_status = 403


class NotFound(ApplicationError):
    code = "not_found"
    http_status = 404


class Conflict(ApplicationError):
    code = "conflict"
    http_status = 409


class StaleVersion(Conflict):
    code = "stale_version"


class MoveNotAllowed(Conflict):
    code = "move_not_allowed"


class InvalidInput(ApplicationError):
    code = "invalid"
    http_status = 422


class StorageFull(ApplicationError):
    """The server's file storage has no room left (disk full, quota): nothing was saved."""

    code = "storage_full"
    http_status = 507


def apply_to_form(form, error: ApplicationError, aliases: dict[str, str] | None = None) -> None:
    """Put an error's messages on the form fields they name (through `aliases` where the form's
    names differ from the service's), and anything else on the form as a whole."""
    placed = False
    for key, messages in (error.fields or {}).items():
        name = (aliases or {}).get(key, key)
        for message in messages:
            form.add_error(name if name in form.fields else None, str(message))
            placed = True
    if not placed:
        form.add_error(None, str(error.message))
