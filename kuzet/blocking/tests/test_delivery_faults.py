"""Nothing lost: the relay killed mid-batch, two relays at once, the database failing.

Every test runs on SQLite and on PostgreSQL (``scripts/test``); the PostgreSQL-only one holds a
real row lock on a second connection.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from kuzet.blocking import relay, services
from kuzet.blocking.models import HoldAlert, HoldAlertStatus, MessageKind, OutboxMessage
from kuzet.fakepartner.testing import fake_partner_connect


class Killed(BaseException):
    """The relay's process dies here (a BaseException: nothing in the relay catches it)."""


def lease_runs_out() -> None:
    """Time passes beyond the lease of every claimed message."""
    lease = timedelta(seconds=settings.RELAY_LEASE_SECONDS)
    for message in OutboxMessage.objects.filter(delivered_at__isnull=True):
        message.next_attempt_at -= lease
        message.save(update_fields=["next_attempt_at"])


@pytest.fixture
def alerts(submit) -> list[HoldAlert]:
    """A golden-hour alert to a bank and two more messages to the bank: three queued."""
    submit(channel="staff")
    alert = HoldAlert.objects.select_related("bank").get()
    for number in range(2):
        services.outbox_enqueue(
            recipient=alert.bank, kind=MessageKind.HOLD_ALERT, payload={"number": number}
        )
    return [alert]


@pytest.mark.django_db
def test_killed_after_the_partner_received_it_goes_again_and_is_kept_once(
    alerts, fake_partners, monkeypatch
):
    bank = alerts[0].bank
    fake_partner_connect(fake_partners, bank)

    def die(*args, **kwargs):
        raise Killed

    monkeypatch.setattr(relay, "_record", die)
    with pytest.raises(Killed):
        services.outbox_deliver_due()
    monkeypatch.undo()
    assert len(fake_partners.received(bank.code)) == 3
    assert not OutboxMessage.objects.filter(delivered_at__isnull=False).exists()
    # Within the lease no relay takes the messages again.
    assert services.outbox_deliver_due() == 0
    lease_runs_out()
    assert services.outbox_deliver_due() == 3
    assert set(fake_partners.deliveries(bank.code).values()) == {2}
    assert len(fake_partners.received(bank.code)) == 3
    assert set(HoldAlert.objects.values_list("status", flat=True)) == {HoldAlertStatus.DELIVERED}


@pytest.mark.django_db
def test_killed_before_the_send_goes_once_the_lease_runs_out(alerts, fake_partners, monkeypatch):
    bank = alerts[0].bank
    fake_partner_connect(fake_partners, bank)

    def die(*args, **kwargs):
        raise Killed

    monkeypatch.setattr(relay, "_deliver_batch", die)
    with pytest.raises(Killed):
        services.outbox_deliver_due()
    monkeypatch.undo()
    assert fake_partners.received(bank.code) == {}
    lease_runs_out()
    assert services.outbox_deliver_due() == 3
    assert set(fake_partners.deliveries(bank.code).values()) == {1}


@pytest.mark.django_db
def test_a_database_error_while_recording_loses_nothing(alerts, fake_partners, monkeypatch):
    bank = alerts[0].bank
    fake_partner_connect(fake_partners, bank)

    def database_gone(*args, **kwargs):
        raise DatabaseError("server closed the connection unexpectedly")

    monkeypatch.setattr(relay, "_record_delivered", database_gone)
    with pytest.raises(DatabaseError):
        services.outbox_deliver_due()
    monkeypatch.undo()
    assert not OutboxMessage.objects.filter(delivered_at__isnull=False).exists()
    lease_runs_out()
    assert services.outbox_deliver_due() == 3
    assert len(fake_partners.received(bank.code)) == 3


@pytest.mark.django_db
def test_a_second_relay_does_not_take_what_the_first_claimed(alerts, fake_partners):
    bank = alerts[0].bank
    fake_partner_connect(fake_partners, bank)
    first_batch = relay._claim_due(timezone.now(), 2)
    # The second relay runs while the first is still delivering its two.
    assert services.outbox_deliver_due() == 1
    attempts = relay._deliver_batch(first_batch)
    assert relay._record(attempts, timezone.now()) == 2
    assert sorted(fake_partners.deliveries(bank.code).values()) == [1, 1, 1]
    assert OutboxMessage.objects.filter(delivered_at__isnull=False).count() == 3


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="row locks held by another connection: PostgreSQL (SQLite serialises writers)",
)
def test_a_claim_skips_rows_another_relay_has_locked(alerts):
    locked = threading.Event()
    release = threading.Event()
    first = OutboxMessage.objects.order_by("next_attempt_at", "id").first()

    def other_relay() -> None:
        try:
            with transaction.atomic():
                list(OutboxMessage.objects.select_for_update().filter(pk=first.pk))
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=other_relay)
    thread.start()
    try:
        assert locked.wait(10)
        with connection.cursor() as cursor:
            # Without SKIP LOCKED the claim would wait for the other relay: fail instead.
            cursor.execute("SET lock_timeout = '2s'")
        claimed = relay._claim_due(timezone.now(), 10)
    finally:
        release.set()
        thread.join()
    assert first.pk not in {message.pk for message in claimed}
    assert len(claimed) == 2
