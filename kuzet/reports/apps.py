from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """Intake of fraud reports from citizens, officers, banks and telecoms; triage and tracking."""

    name = "kuzet.reports"
    label = "reports"
