from django.apps import AppConfig
from django.core import checks


def check_pdf_font(app_configs=None, **kwargs):
    from .render import FontNotFound, find_font

    try:
        find_font()
    except FontNotFound as exc:
        return [checks.Warning(str(exc), id="documents.W001")]
    return []


class DocumentsConfig(AppConfig):
    name = "xinfang.documents"
    label = "documents"
    verbose_name = "信访文书"

    def ready(self):
        from xinfang.core import events

        from . import services

        # Recorded with the move (rolls back with it); rendered by the queue after commit.
        events.subscribe(services.record_notice)
        events.subscribe(services.enqueue_rendering, after_commit=True)
        checks.register(check_pdf_font, "documents")
