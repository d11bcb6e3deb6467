from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsConfig(AppConfig):
    name = "xinfang.channels"
    label = "channels"
    verbose_name = _("Channels")

    def ready(self):
        from xinfang.core import events

        from . import subscribers

        events.subscribe(subscribers.on_move)
