import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    """The service messages are asserted in their English source."""
    with translation.override("en"):
        yield
