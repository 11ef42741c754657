"""Rate counters: shared, atomic, windowed, and honest about when to come back."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connection, connections
from django.utils import timezone

from kuzet.ratelimit.models import RateCounter
from kuzet.ratelimit.services import (
    Limit,
    RateLimited,
    rate_check,
    rate_hit,
    rate_peek,
    rate_previous,
)

pytestmark = pytest.mark.django_db

LIMIT = Limit(scope="test.limit", count=3, seconds=60)


def test_the_request_over_the_limit_is_refused_with_the_time_left_in_the_window():
    with time_machine.travel("2026-12-03 10:00:15+00:00", tick=False):
        for _ in range(3):
            rate_check(LIMIT, "203.0.113.7")
        with pytest.raises(RateLimited) as refused:
            rate_check(LIMIT, "203.0.113.7")
    assert refused.value.retry_after == 45


def test_each_client_has_its_own_count():
    with time_machine.travel("2026-12-03 10:00:00+00:00", tick=False):
        for _ in range(3):
            rate_hit(LIMIT, "client-a")
        assert rate_hit(LIMIT, "client-a").is_exceeded
        assert not rate_hit(LIMIT, "client-b").is_exceeded


def test_a_new_window_starts_from_zero_and_drops_expired_counters():
    with time_machine.travel("2026-12-03 10:00:00+00:00", tick=False):
        for _ in range(4):
            rate_hit(LIMIT, "client-a")
    with time_machine.travel("2026-12-03 10:01:00+00:00", tick=False):
        assert rate_hit(LIMIT, "client-a").hits == 1
        assert rate_previous(LIMIT, "client-a") == 4
    assert RateCounter.objects.count() == 2  # the current window and the one before
    with time_machine.travel("2026-12-03 10:02:00+00:00", tick=False):
        rate_hit(LIMIT, "client-b")
    assert RateCounter.objects.count() == 2  # 10:00 dropped; 10:01 is now the one before


def test_peeking_does_not_count():
    with time_machine.travel("2026-12-03 10:00:00+00:00", tick=False):
        rate_hit(LIMIT, "client-a")
        assert rate_peek(LIMIT, "client-a").hits == 1
        assert rate_peek(LIMIT, "client-a").hits == 1


def test_the_client_is_stored_only_as_a_digest():
    rate_hit(LIMIT, "198.51.100.23")
    counter = RateCounter.objects.get()
    assert "198.51.100.23" not in counter.key_digest
    assert len(counter.key_digest) == 64


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_from_other_connections_are_all_counted():
    """What separate web processes do: each its own database connection, one shared count."""
    limit = Limit(scope="test.concurrent", count=1000, seconds=3600)
    errors: list[BaseException] = []

    def hammer() -> None:
        try:
            for _ in range(10):
                rate_hit(limit, "shared-client")
        except BaseException as error:  # noqa: BLE001 - reported to the main thread below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    with time_machine.travel(timezone.now().replace(minute=0, second=0), tick=False):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        hits = rate_peek(limit, "shared-client").hits
    assert errors == []
    assert hits == 40
    assert connection.vendor in {"sqlite", "postgresql"}


def test_retry_after_is_never_zero():
    moment = timezone.now().replace(microsecond=999_999) + timedelta(days=1)
    with time_machine.travel(moment.replace(second=59), tick=False):
        for _ in range(4):
            usage = rate_hit(LIMIT, "client-a")
    assert usage.retry_after >= 1
