"""What this browser proved, in a sealed cookie of its own: the cases it may open, and a receipt
to show once.

A browser proves access to a case by submitting it, booking a reception place for it, or with its
tracking code and query password. The proof lasts SESSION_COOKIE_AGE from its last change; the
receipt (tracking code and query password, right after submitting or booking) lasts until the
page that shows it, and RECEIPT_SECONDS at most. Nothing of it is kept on the server: a
citizen's submission writes no session row and a citizen's page reads none, as the API's client
gets the same secrets in its answer and keeps them itself.

The cookie is the JSON sealed with the data key (core/crypto.seal: AES-GCM, bound to this
purpose; previous keys still open it), HttpOnly, Secure over HTTPS, SameSite=Lax, and sealed
anew on every change: a cookie planted in a browser never learns what the browser proves later.
What a session row could do and this cannot: take back a copy. A copied cookie keeps its grants
until its expiry (after "forget" too), and its receipt for RECEIPT_SECONDS.
"""

from __future__ import annotations

import json
import time

from django.conf import settings
from django.utils.cache import patch_vary_headers

from xinfang.core import crypto

COOKIE = "xinfang_pass"
PURPOSE = "browser pass"
GRANTS_KEPT = 20  # the cases a browser may open, the latest first
RECEIPT_SECONDS = 15 * 60

_ATTR = "_browser_pass"
_clock = time.time


def _age() -> int:
    return settings.SESSION_COOKIE_AGE


class BrowserPass:
    """The proof one request carries; changed by the views, written by BrowserPassMiddleware."""

    __slots__ = ("cases", "receipt", "booked", "changed", "was_sent")

    def __init__(self, cases=(), receipt=None, booked=None, was_sent=False):
        self.cases: list[int] = list(cases)
        self.receipt: dict | None = receipt
        self.booked: int | None = booked
        self.changed = False
        self.was_sent = was_sent

    def grant(self, case_id: int) -> None:
        self.cases = [case_id, *(i for i in self.cases if i != case_id)][:GRANTS_KEPT]
        self.changed = True

    def forget(self, case_ids) -> None:
        drop = set(case_ids)
        self.cases = [i for i in self.cases if i not in drop]
        self.changed = True

    def admit(self, case_id: int, *, receipt: dict | None, booked: int | None = None) -> None:
        """The case was just registered or booked here: grant it, and keep `receipt` (if any)
        for the next page that shows it, with `booked`, the appointment just made; what was
        held before is dropped."""
        self.grant(case_id)
        self.receipt = {**receipt, "at": int(_clock())} if receipt else None
        self.booked = booked

    def take_receipt(self) -> dict | None:
        """The receipt held, once; None when there is none or it is older than RECEIPT_SECONDS."""
        receipt, self.receipt = self.receipt, None
        if receipt is None:
            return None
        self.changed = True
        at = receipt.pop("at", None)
        if not isinstance(at, int) or not 0 <= _clock() - at <= RECEIPT_SECONDS:
            return None
        return receipt

    def take_booked(self) -> int | None:
        booked, self.booked = self.booked, None
        if booked is not None:
            self.changed = True
        return booked

    def sealed(self) -> str | None:
        """The cookie's value, None when there is nothing to keep."""
        if not (self.cases or self.receipt or self.booked):
            return None
        data = {"c": self.cases, "e": int(_clock()) + _age()}
        if self.receipt:
            data["r"] = self.receipt
        if self.booked:
            data["b"] = self.booked
        return crypto.seal(json.dumps(data, separators=(",", ":")), purpose=PURPOSE)


def _opened(value: str | None) -> BrowserPass:
    """The pass in a cookie's value; an empty one when it is missing, altered, sealed for
    another use, under a retired key, or past its expiry."""
    if not value:
        return BrowserPass()
    plain = crypto.unseal(value, purpose=PURPOSE)
    try:
        data = json.loads(plain) if plain else None
    except ValueError:
        data = None
    if not isinstance(data, dict):
        return BrowserPass(was_sent=True)
    expires, cases = data.get("e"), data.get("c")
    if not isinstance(expires, int) or expires < _clock() or not isinstance(cases, list):
        return BrowserPass(was_sent=True)
    receipt, booked = data.get("r"), data.get("b")
    return BrowserPass(
        cases=[i for i in cases if type(i) is int][:GRANTS_KEPT],
        receipt=receipt if isinstance(receipt, dict) else None,
        booked=booked if type(booked) is int else None,
        was_sent=True,
    )


def of(request) -> BrowserPass:
    """This request's pass, read from its cookie once."""
    found = request.__dict__.get(_ATTR)
    if found is None:
        found = _opened(request.COOKIES.get(COOKIE))
        setattr(request, _ATTR, found)
    return found


def granted(request) -> list[int]:
    """The ids of the cases this browser may open."""
    return of(request).cases


class BrowserPassMiddleware:
    """Writes the pass a view read and changed; a response to a request that read it varies
    with cookies. Requests that never read it cost an attribute look-up."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        found = request.__dict__.get(_ATTR)
        if found is None:
            return response
        patch_vary_headers(response, ("Cookie",))
        if not found.changed or response.status_code >= 500:
            return response
        value = found.sealed()
        if value is not None:
            response.set_cookie(
                COOKIE,
                value,
                max_age=_age(),
                path="/",
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        elif found.was_sent:
            response.delete_cookie(COOKIE, path="/", samesite="Lax")
        return response
