"""Fixtures of the service tests (tests/cases/steps.py): `world` and `path`."""

from tests.cases.steps import path, world  # noqa: F401
