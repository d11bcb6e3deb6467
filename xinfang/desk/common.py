"""Small pieces the desk's page modules share."""

from django.http import Http404

from xinfang.cases import selectors
from xinfang.core.errors import NotFound


def case_or_404(user, number: str):
    """The case if this user may see it; a page's 404 whether it is missing or hidden."""
    try:
        return selectors.case_get_for_user(user, number)
    except NotFound:
        raise Http404 from None
