from django.apps import AppConfig


class AuditConfig(AppConfig):
    """The append-only, hash-chained record of who did and who read what, and why."""

    name = "kuzet.audit"
    label = "audit"
