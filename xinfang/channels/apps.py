from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "xinfang.channels"
    label = "channels"
    verbose_name = "Channels"
