from django.apps import AppConfig


class RateLimitConfig(AppConfig):
    """Counters of requests per client and window, shared by every web process."""

    name = "kuzet.ratelimit"
    label = "ratelimit"
