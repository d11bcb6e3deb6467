from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReceptionConfig(AppConfig):
    name = "xinfang.reception"
    label = "reception"
    verbose_name = _("Reception days")

    def ready(self):
        from xinfang.core import events

        from .services import meetings

        # A leader's instruction becomes the body's task with the move (rolls back with it).
        events.subscribe(meetings.record_instruction)
