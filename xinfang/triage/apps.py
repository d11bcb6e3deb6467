from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "xinfang.triage"
    label = "triage"
    verbose_name = "Triage"

    def ready(self):
        from xinfang.core import events

        from . import suggest, tasks

        events.subscribe(tasks.enqueue_indexing, after_commit=True)
        events.subscribe(suggest.record_routed_body)
