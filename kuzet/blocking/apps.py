from django.apps import AppConfig


class BlockingConfig(AppConfig):
    """Hold, block and takedown requests to partners, and the outbox that delivers them."""

    name = "kuzet.blocking"
    label = "blocking"
