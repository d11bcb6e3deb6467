"""Error pages in the user's language, with the site's navigation and a way back.

403, 404 and the CSRF failure render with the request (the navigation follows the user's roles);
500 renders without it, so that a page about a failing database never touches the database."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

STAFF_PREFIXES = ("/desk/", "/admin/")


def _staff_page(path: str) -> bool:
    return path.startswith(STAFF_PREFIXES)


def _back(request) -> str:
    """The page the user came from when it is on this site, else the start page."""
    home = "/desk/" if _staff_page(request.path) else "/"
    referer = request.META.get("HTTP_REFERER", "")
    if referer:
        parts = urlsplit(referer)
        if parts.netloc == request.get_host() and parts.path != request.path:
            return parts.path + (f"?{parts.query}" if parts.query else "")
    return home


def _context(request, **extra) -> dict:
    return {
        "staff_page": _staff_page(request.path),
        "back_url": _back(request),
        "home_url": "/desk/" if _staff_page(request.path) else "/",
        **extra,
    }


@requires_csrf_token
def permission_denied(request, exception=None):
    reason = str(exception) if exception is not None and str(exception) else ""
    return render(request, "403.html", _context(request, reason=reason), status=403)


@requires_csrf_token
def page_not_found(request, exception=None):
    return render(request, "404.html", _context(request), status=404)


def server_error(request):
    staff = _staff_page(request.path)
    html = loader.get_template("500.html").render(
        {"staff_page": staff, "home_url": "/desk/" if staff else "/", "static_only": True}
    )
    return HttpResponseServerError(html)


@requires_csrf_token
def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", _context(request), status=403)
