from django.apps import AppConfig
from django.core import checks


def check_pdf_fonts(app_configs=None, **kwargs):
    from .fonts import FontNotFound, faces

    try:
        chosen = faces()
    except FontNotFound as exc:
        return [checks.Warning(str(exc), id="documents.W001")]
    body = chosen["fangsong"]
    if not body.from_path and body.family not in (
        "FangSong_GB2312",
        "仿宋_GB2312",
        "FangSong",
        "仿宋",
    ):
        return [
            checks.Warning(
                f"Notices are set in {body.family}, not a 仿宋 typeface as GB/T 9704 asks: "
                "install texlive-lang-chinese (FandolFang) or a licensed 仿宋_GB2312.",
                id="documents.W002",
            )
        ]
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
        checks.register(check_pdf_fonts, "documents")
