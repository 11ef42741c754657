from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Organisations, regions, people, their roles, two-factor devices and partner API clients."""

    name = "kuzet.accounts"
    label = "accounts"
