from django.apps import AppConfig


class ReceptionConfig(AppConfig):
    name = "xinfang.reception"
    label = "reception"
    verbose_name = "Reception"

    def ready(self):
        from xinfang.core import events

        from . import services

        # A leader's instruction becomes the body's task with the move (rolls back with it).
        events.subscribe(services.record_instruction)
