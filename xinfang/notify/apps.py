from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "xinfang.notify"
    label = "notify"
    verbose_name = "消息通知"

    def ready(self):
        from xinfang.core import events

        from . import staff, subscribers

        events.subscribe(subscribers.write_outbox)
        events.subscribe(staff.queue_followup_notice)
        events.subscribe(subscribers.enqueue_delivery, after_commit=True)
