"""The relay: back-off with jitter, dead-letter with an alert, fair shares across partners."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kuzet.accounts.models import Organisation
from kuzet.audit.models import AuditEvent, Outcome
from kuzet.blocking import relay, services
from kuzet.blocking.models import HoldAlert, HoldAlertStatus, MessageKind, OutboxMessage
from kuzet.fakepartner.testing import fake_partner_connect

pytestmark = pytest.mark.django_db


def test_back_off_grows_with_full_jitter_and_a_cap():
    for attempts in (1, 3, 6, 20):
        ceiling = min(30 * 2 ** (attempts - 1), 3600)
        draws = {relay.retry_delay(attempts).total_seconds() for _ in range(50)}
        assert all(1 <= seconds <= ceiling for seconds in draws)
        # Full jitter: relays recovering together do not all come back at the same second.
        assert len(draws) > 40


def test_back_off_never_comes_before_retry_after():
    for _ in range(50):
        assert relay.retry_delay(1, retry_after=500).total_seconds() >= 500


@pytest.fixture
def alert(submit) -> HoldAlert:
    submit(channel="staff")
    return HoldAlert.objects.select_related("bank").get()


def test_the_last_attempt_dead_letters_with_an_alert_and_an_audit_entry(alert, fake_partners):
    fake_partner_connect(fake_partners, alert.bank)
    fake_partners.behave(alert.bank.code, status=503)
    OutboxMessage.objects.update(attempts=OutboxMessage.MAXIMUM_ATTEMPTS - 1)
    assert services.outbox_deliver_due() == 0
    message = OutboxMessage.objects.get()
    assert message.failed_at is not None
    assert message.attempts == OutboxMessage.MAXIMUM_ATTEMPTS
    alert.refresh_from_db()
    # Counted on the duty officers' home page among the alerts no bank has acknowledged.
    assert alert.status == HoldAlertStatus.FAILED
    event = AuditEvent.objects.get(action="blocking.outbox.dead_letter")
    assert event.outcome == Outcome.FAILURE
    assert event.object_id == str(message.pk)


def test_before_the_last_attempt_the_message_waits_and_retries(alert, fake_partners):
    fake_partner_connect(fake_partners, alert.bank)
    fake_partners.behave(alert.bank.code, status=503)
    OutboxMessage.objects.update(attempts=OutboxMessage.MAXIMUM_ATTEMPTS - 2)
    before = timezone.now()
    services.outbox_deliver_due()
    message = OutboxMessage.objects.get()
    assert message.failed_at is None
    assert message.next_attempt_at > before
    assert not AuditEvent.objects.filter(action="blocking.outbox.dead_letter").exists()


@pytest.fixture
def two_banks(reference_data) -> tuple[Organisation, Organisation]:
    first, second = Organisation.objects.filter(kind="bank").order_by("code")[:2]
    return first, second


def queue(bank: Organisation, count: int, *, minutes_ago: int) -> None:
    due = timezone.now() - timedelta(minutes=minutes_ago)
    OutboxMessage.objects.bulk_create(
        OutboxMessage(
            recipient=bank, kind=MessageKind.HOLD_ALERT, payload={"n": n}, next_attempt_at=due
        )
        for n in range(count)
    )


def test_one_failing_partners_backlog_does_not_delay_another(two_banks, fake_partners):
    failing, waiting = two_banks
    fake_partner_connect(fake_partners, failing)
    fake_partner_connect(fake_partners, waiting)
    fake_partners.behave(failing.code, status=503)
    # A's thousand messages have waited longest; B's one message came after them all.
    queue(failing, 1000, minutes_ago=30)
    queue(waiting, 1, minutes_ago=1)
    assert services.outbox_deliver_due(limit=50, batch_size=50) == 1
    assert len(fake_partners.received(waiting.code)) == 1
    # The failing partner was tried once, and its whole backlog waits with that try.
    assert OutboxMessage.objects.filter(recipient=failing, attempts__gt=0).count() == 1
    assert services.outbox_deliver_due() == 0
    assert OutboxMessage.objects.filter(recipient=failing, attempts__gt=0).count() == 1


def test_a_hanging_partner_does_not_hold_another(two_banks, fake_partners):
    slow, quick = two_banks
    fake_partner_connect(fake_partners, slow)
    fake_partner_connect(fake_partners, quick)
    fake_partners.behave(slow.code, delay=1.0)
    queue(slow, 20, minutes_ago=30)
    queue(quick, 20, minutes_ago=1)
    started = timezone.now()
    assert services.outbox_deliver_due() == 20
    # One read timeout (0.5 s in tests) for the slow partner, not twenty.
    assert (timezone.now() - started).total_seconds() < 5
    assert len(fake_partners.received(quick.code)) == 20


def test_the_claim_shares_a_batch_across_recipients(two_banks):
    first, second = two_banks
    queue(first, 100, minutes_ago=30)
    queue(second, 3, minutes_ago=1)
    claimed = relay._claim_due(timezone.now(), 10)
    by_recipient = [message.recipient_id for message in claimed]
    assert by_recipient.count(second.pk) == 3
    assert by_recipient.count(first.pk) == 5
