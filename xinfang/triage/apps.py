from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "xinfang.triage"
    label = "triage"
    verbose_name = "Triage"
