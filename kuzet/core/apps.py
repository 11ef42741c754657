from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared building blocks: base models, middleware, the page shell. No concrete models."""

    name = "kuzet.core"
    label = "core"

    def ready(self) -> None:
        from kuzet.core import checks  # noqa: F401 - registers the system checks
