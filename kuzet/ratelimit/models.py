"""One counter per (limit, client, window): how many requests the client made in the window."""

from __future__ import annotations

from typing import ClassVar

from django.db import models


class RateCounter(models.Model):
    """Requests counted in one fixed window for one client of one limit.

    The client is stored only as a keyed digest (an address or an account name is personal
    data). Expired windows are deleted as new ones open.
    """

    scope = models.CharField(max_length=60)
    key_digest = models.CharField(max_length=64)
    window_started_at = models.DateTimeField()
    window_ends_at = models.DateTimeField()
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["scope", "key_digest", "window_started_at"],
                name="ratelimit_one_counter_per_window",
            )
        ]
        indexes: ClassVar = [
            models.Index(fields=["scope", "window_ends_at"], name="ratelimit_counter_expiry")
        ]

    def __str__(self) -> str:
        return f"{self.scope}: {self.hits}"
