"""The JSON API (django-ninja). OpenAPI at /api/docs; routes under /api/v1/."""

from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError

from xinfang.core.errors import ApplicationError

from .errors import field_errors
from .public import router as public_router
from .staff import router as staff_router

api = NinjaAPI(title="Xinfang API", version="1", urls_namespace="api", docs_url="/docs")


@api.exception_handler(ApplicationError)
def application_error(request, exc: ApplicationError):
    return api.create_response(request, exc.as_dict(), status=exc.http_status)


@api.exception_handler(NinjaValidationError)
def validation_error(request, exc: NinjaValidationError):
    body = {
        "code": "invalid",
        "message": _("Some of what you entered is not right; correct it and try again"),
        "fields": field_errors(exc.errors),
    }
    return api.create_response(request, body, status=422)


@api.exception_handler(AuthenticationError)
def auth_error(request, exc):
    return api.create_response(
        request, {"code": "unauthorized", "message": _("A valid API token is needed")}, status=401
    )


@api.get("/v1/health", tags=["system"], summary="Liveness and database check")
def health(request):
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT 1")
    return {"status": "ok", "message": _("running")}


api.add_router("", public_router)
api.add_router("", staff_router)
api.add_router("", "xinfang.api.triage.router")
