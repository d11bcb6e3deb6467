"""django-csp's middleware, with the settings' policy built once rather than for every response.

django-csp rebuilds both headers from the settings on every response (copying the policy, joining
every directive): about 70 µs, more than any other middleware of a submission. A response that
asks for nothing of its own (no nonce used, no per-view decorator, not exempt) gets exactly what
the library would give it, built by the library once per settings; anything else goes through the
library as ever. A change of the CSP settings (tests override them) builds it again.
"""

from __future__ import annotations

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as LibraryCSPMiddleware
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

# What a view's decorators (csp_exempt, csp_update, csp_replace, csp_override) leave on its
# response: such a response is built by the library.
PER_RESPONSE = tuple(
    f"_csp_{what}{ro}" for what in ("exempt", "config", "update", "replace") for ro in ("", "_ro")
)
_CSP_SETTINGS = ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY", "DEBUG")
# The headers of a response that asks for nothing; None while not built, {} while the settings
# exclude some paths (the library decides by the request's path then).
_built: dict[str, str] | None = None


@receiver(setting_changed)
def _settings_changed(*, setting: str, **_kwargs) -> None:
    global _built
    if setting in _CSP_SETTINGS:
        _built = None


class CSPMiddleware(LibraryCSPMiddleware):
    def process_response(self, request, response):
        built = _built if _built is not None else self._build()
        if (
            not built
            or getattr(request, "_csp_nonce", None) is not None
            or any(hasattr(response, name) for name in PER_RESPONSE)
        ):
            return super().process_response(request, response)
        for name, value in built.items():
            if name not in response:
                response[name] = value
        # As the library does: a nonce asked for after the header was written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response

    def _build(self) -> dict[str, str]:
        global _built
        excluding = any(
            (getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES")
            for name in _CSP_SETTINGS[:2]
        )
        if excluding or settings.DEBUG:  # the library also leaves debug pages alone
            _built = {}
        else:
            blank = super().process_response(HttpRequest(), HttpResponse())
            _built = {h: blank[h] for h in (HEADER, HEADER_REPORT_ONLY) if h in blank}
        return _built
