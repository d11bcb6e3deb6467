from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "xinfang.core"
    label = "core"
    verbose_name = _("Calendar and periods")

    def ready(self):
        from django.core import checks

        from .audit import check_audit_key

        checks.register(check_audit_key, checks.Tags.security)
