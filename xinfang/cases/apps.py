from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "xinfang.cases"
    label = "cases"
    verbose_name = _("Petition cases")

    def ready(self):
        from django.db import transaction
        from django.db.models.signals import post_delete, post_save

        from xinfang.core.models import Holiday

        def holiday_changed(sender, instance, **kwargs):
            from .services import recompute_clocks

            day = instance.date
            transaction.on_commit(lambda: recompute_clocks(changed_day=day))

        post_save.connect(holiday_changed, sender=Holiday, dispatch_uid="cases-holiday-save")
        post_delete.connect(holiday_changed, sender=Holiday, dispatch_uid="cases-holiday-delete")
