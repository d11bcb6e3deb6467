from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "xinfang.insights"
    label = "insights"
    verbose_name = "Insights"

    def ready(self):
        from xinfang.core import events

        from . import tasks

        events.subscribe(tasks.enqueue_fold, after_commit=True)
