"""The Content-Security-Policy header: the library's own, built once for responses that ask for
nothing of their own (core/csp.py), and by the library for those that do."""

from __future__ import annotations

import pytest
from csp.constants import NONCE, NONE, SELF
from csp.exceptions import CSPNonceError
from csp.middleware import CSPMiddleware as LibraryCSPMiddleware
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from xinfang.core.csp import CSPMiddleware

HEADER = "Content-Security-Policy"


def through(middleware_class, *, use_nonce=False, **on_response):
    request = RequestFactory().get("/submit/")
    middleware = middleware_class(lambda r: HttpResponse())
    middleware.process_request(request)
    nonce = str(request.csp_nonce) if use_nonce else None
    response = HttpResponse()
    for name, value in on_response.items():
        setattr(response, name, value)
    return middleware.process_response(request, response), request, nonce


def test_a_plain_page_gets_the_librarys_own_header():
    ours, request, _ = through(CSPMiddleware)
    theirs, _, _ = through(LibraryCSPMiddleware)
    assert ours[HEADER] == theirs[HEADER]
    assert "script-src 'self'" in ours[HEADER] and "unsafe-inline" not in ours[HEADER]
    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)  # asked for after the header went out


def test_a_page_that_used_a_nonce_or_changed_its_policy_is_built_by_the_library():
    policy = {"DIRECTIVES": {"default-src": [SELF], "script-src": [SELF, NONCE]}}
    with override_settings(CONTENT_SECURITY_POLICY=policy):
        response, _, nonce = through(CSPMiddleware, use_nonce=True)
        assert f"'nonce-{nonce}'" in response[HEADER]
        assert "nonce" not in through(CSPMiddleware)[0][HEADER]
    response, _, _ = through(CSPMiddleware, _csp_update={"img-src": ["https://map.example"]})
    assert "https://map.example" in response[HEADER]
    response, _, _ = through(CSPMiddleware, _csp_exempt=True)
    assert HEADER not in response


def test_a_change_of_the_policy_shows_at_once():
    before = through(CSPMiddleware)[0][HEADER]
    policy = {"DIRECTIVES": {"default-src": [SELF], "object-src": [NONE], "img-src": ["*"]}}
    with override_settings(CONTENT_SECURITY_POLICY=policy):
        during = through(CSPMiddleware)[0][HEADER]
    assert during != before and "img-src *" in during
    assert through(CSPMiddleware)[0][HEADER] == before


def test_pages_of_the_site_carry_it(client, db):
    assert client.get("/submit/")[HEADER] == through(LibraryCSPMiddleware)[0][HEADER]
