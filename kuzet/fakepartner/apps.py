from django.apps import AppConfig


class FakePartnerConfig(AppConfig):
    """Fake partner service for the demo and the tests (no models, no URLs in kuzet)."""

    name = "kuzet.fakepartner"
    label = "fakepartner"
