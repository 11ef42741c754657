"""Counting requests per client in fixed windows, in the database every web process shares.

Why the database: kuzet runs several granian workers (and, in production, several hosts), so a
per-process counter would let each worker grant the full allowance; Django's local-memory cache
is per process, and the embedded default has no Redis or memcached to share. django-ratelimit
needs a cache with an atomic increment, which Django's database cache does not have (it reads,
then writes). One ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` statement is atomic on both
SQLite (3.35 and later) and PostgreSQL, costs one write per counted request and needs nothing
else to run.

A limit is ``count`` requests per ``seconds``; windows are fixed (aligned to the epoch), so
``Retry-After`` is simply the time left in the current window. A client is anything that names
who is asking: an address, an account, an API client; it is stored as a keyed digest only.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from kuzet.ratelimit.models import RateCounter

_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Limit:
    """``count`` requests per ``seconds`` for one purpose, ``scope`` ("public_form.address")."""

    scope: str
    count: int
    seconds: int


@dataclass(frozen=True)
class Usage:
    """How many requests the client made in the current window, and when the window ends."""

    limit: Limit
    hits: int
    retry_after: int

    @property
    def is_exceeded(self) -> bool:
        return self.hits > self.limit.count


class RateLimited(Exception):
    """A client went over a limit; answer 429 with ``Retry-After: retry_after``."""

    def __init__(self, usage: Usage) -> None:
        self.usage = usage
        self.retry_after = usage.retry_after
        super().__init__(f"rate limit {usage.limit.scope} exceeded")


def key_digest(key: str) -> str:
    """The stored form of a client's key: keyed, so the table does not list addresses."""
    return hmac.new(
        settings.SECRET_KEY.encode("utf-8"), f"ratelimit:{key}".encode(), hashlib.sha256
    ).hexdigest()


def _window(limit: Limit, now: datetime) -> tuple[datetime, datetime]:
    seconds = max(1, limit.seconds)
    elapsed = int((now - _EPOCH).total_seconds())
    started = _EPOCH + timedelta(seconds=elapsed - elapsed % seconds)
    return started, started + timedelta(seconds=seconds)


def _retry_after(ends: datetime, now: datetime) -> int:
    return max(1, int((ends - now).total_seconds() + 0.999))


def rate_hit(limit: Limit, key: str, *, weight: int = 1) -> Usage:
    """Count a request (``weight`` of them) against ``limit`` for ``key``; return the usage.

    Atomic: concurrent requests of every process see every other request's count.
    """
    now = timezone.now()
    started, ends = _window(limit, now)
    operations = connection.ops
    table = RateCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (scope, key_digest, window_started_at, window_ends_at, hits)"  # noqa: S608
            " VALUES (%s, %s, %s, %s, %s)"
            " ON CONFLICT (scope, key_digest, window_started_at)"
            f" DO UPDATE SET hits = {table}.hits + EXCLUDED.hits"
            " RETURNING hits",
            [
                limit.scope,
                key_digest(key),
                operations.adapt_datetimefield_value(started),
                operations.adapt_datetimefield_value(ends),
                weight,
            ],
        )
        row = cursor.fetchone()
    hits = int(row[0]) if row else weight
    if hits == weight:
        # A new window opened for this client: drop this limit's windows that ended before the
        # previous one, so the table holds at most two windows per active client (the previous
        # is read by ``rate_previous``) and never grows with history.
        RateCounter.objects.filter(
            scope=limit.scope, window_ends_at__lte=now - timedelta(seconds=max(1, limit.seconds))
        ).delete()
    return Usage(limit=limit, hits=hits, retry_after=_retry_after(ends, now))


def rate_peek(limit: Limit, key: str) -> Usage:
    """The usage so far in the current window, without counting a request."""
    now = timezone.now()
    started, ends = _window(limit, now)
    hits = (
        RateCounter.objects.filter(
            scope=limit.scope, key_digest=key_digest(key), window_started_at=started
        )
        .values_list("hits", flat=True)
        .first()
    )
    return Usage(limit=limit, hits=hits or 0, retry_after=_retry_after(ends, now))


def rate_previous(limit: Limit, key: str) -> int:
    """How many requests the client made in the window before the current one."""
    started, _ends = _window(limit, timezone.now())
    previous = started - timedelta(seconds=max(1, limit.seconds))
    hits = (
        RateCounter.objects.filter(
            scope=limit.scope, key_digest=key_digest(key), window_started_at=previous
        )
        .values_list("hits", flat=True)
        .first()
    )
    return hits or 0


def rate_reset(limit: Limit, key: str) -> None:
    """Forget a client's count for ``limit`` (after a successful sign-in, for example)."""
    RateCounter.objects.filter(scope=limit.scope, key_digest=key_digest(key)).delete()


def rate_check(limit: Limit, key: str, *, weight: int = 1) -> Usage:
    """Count a request and raise ``RateLimited`` when it goes over the limit."""
    usage = rate_hit(limit, key, weight=weight)
    if usage.is_exceeded:
        raise RateLimited(usage)
    return usage
