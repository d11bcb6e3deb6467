"""The JSON API (django-ninja). OpenAPI at /api/docs; routes under /api/v1/."""

from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Status
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


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def database_unavailable(request, exc):
    """The database is away (restarting, a connection cut): a JSON answer a client can act on,
    never an HTML error page. A submission retried with its Idempotency-Key makes one case."""
    response = api.create_response(request, unavailable(), status=503)
    response["Retry-After"] = "5"
    return response


def unavailable() -> dict:
    return {
        "code": "unavailable",
        "message": _("The service is briefly unavailable; try again in a moment."),
    }


@api.exception_handler(AuthenticationError)
def auth_error(request, exc):
    return api.create_response(
        request, {"code": "unauthorized", "message": _("A valid API token is needed")}, status=401
    )


@api.get(
    "/v1/health",
    tags=["system"],
    summary="Liveness, database and data-key check",
    response={200: dict, 413: dict, 422: dict, 503: dict},
)
def health(request):
    """200 when the application and its database answer and the data key opens the stored
    personal data; 503 when the key does not (a node with the wrong key must not serve)."""
    from xinfang.cases.selectors import data_key_matches

    try:
        matches = data_key_matches()  # also proves the database answers
    except (OperationalError, InterfaceError):
        return Status(503, {"status": "error", "database": "unavailable", **unavailable()})
    if matches is False:
        return Status(
            503,
            {
                "status": "error",
                "data_key": "mismatch",
                "message": _("The data key does not open the stored personal data."),
            },
        )
    return Status(
        200,
        {
            "status": "ok",
            "data_key": "ok" if matches else "no data yet",
            "message": _("running"),
        },
    )


api.add_router("", public_router)
api.add_router("", staff_router)
api.add_router("", "xinfang.api.triage.router")
api.add_router("", "xinfang.api.hotline.router")
