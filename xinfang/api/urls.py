"""The JSON API (django-ninja). OpenAPI at /api/docs; routes under /api/v1/."""

from django.utils.translation import gettext as _
from ninja import NinjaAPI

from xinfang.core.errors import ApplicationError

api = NinjaAPI(title="Xinfang API", version="1", urls_namespace="api", docs_url="/docs")


@api.exception_handler(ApplicationError)
def application_error(request, exc: ApplicationError):
    return api.create_response(request, exc.as_dict(), status=exc.http_status)


@api.get("/v1/health", tags=["system"], summary="Liveness and database check")
def health(request):
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT 1")
    return {"status": "ok", "message": _("running")}
