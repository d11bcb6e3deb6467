import os
import threading

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "xinfang.demo"
    label = "demo"
    verbose_name = "Demo data"

    def ready(self):
        # `make run` sets XINFANG_WARM_UP: the serving process (runserver's child) loads the
        # word dictionaries before it listens, and the suggestion rules right after, not at
        # the first citizen's submission or the first clerk's keystroke.
        if os.environ.get("XINFANG_WARM_UP") and os.environ.get("RUN_MAIN") == "true":
            from . import warm

            warm.load_dictionaries()
            threading.Thread(target=warm.warm_suggestions, name="warm-up", daemon=True).start()
