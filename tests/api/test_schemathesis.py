"""A bounded schemathesis run over every operation of /api/openapi.json, anonymous and with a
staff token, valid and invalid input: no answer is a 500, every status code and body is the one
documented, and input outside the schema is refused (DESIGN.md, API shape)."""

from __future__ import annotations

import io

import pytest
import schemathesis
from django.core.management import call_command
from hypothesis import HealthCheck, settings

from xinfang.config.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
schema.config.generation.update(
    modes=[schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE],
    # Small enough for the suite (about a minute for all operations), big enough to find
    # what a probe found: NUL bytes, surrogates, empty strings, wrong types, extra fields.
    max_examples=4,
)

CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
    schemathesis.checks.negative_data_rejection,
]


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Called as a WSGI app, Django would close the database connection after each request;
    the test client keeps it open (inside the test's transaction), and so does this run."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def staff_token(county, settings) -> str:
    # Generated submissions may come many times from one address: limits are not under test.
    settings.XINFANG = {
        **settings.XINFANG,
        "RATE_LIMITS": {"ip": (10**6, 3600), "phone": (10**6, 86400)},
    }
    out = io.StringIO()
    call_command("create_api_token", county.users["clerk"].username, stdout=out)
    return out.getvalue().strip()


@pytest.mark.parametrize("as_staff", [False, True], ids=["anonymous", "staff"])
@schema.parametrize()
@settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_operation_answers_as_documented(case, staff_token, as_staff):
    headers = {"Authorization": f"Bearer {staff_token}"} if as_staff else {}
    case.call_and_validate(headers=headers, checks=CHECKS)
