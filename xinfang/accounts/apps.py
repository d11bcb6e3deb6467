from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "xinfang.accounts"
    label = "accounts"
    verbose_name = _("Staff sign-in and security log")

    def ready(self):
        from django.contrib.auth import signals

        from xinfang.core import events

        from . import (
            checks,  # noqa: F401  registers the system checks
            middleware,
            securitylog,
        )

        signals.user_logged_in.connect(middleware.start_session, dispatch_uid="xf-session-start")
        signals.user_logged_in.connect(securitylog.on_signed_in, dispatch_uid="xf-signed-in")
        signals.user_logged_out.connect(securitylog.on_signed_out, dispatch_uid="xf-signed-out")
        # Every view of unmasked personal data (a case event) is also a security-log entry,
        # written in the same transaction.
        events.subscribe(securitylog.on_case_event)
