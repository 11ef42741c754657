"""Real HTTP from the relay into the fake partners: signed, kept once, misbehaving on demand."""

from __future__ import annotations

import json
import urllib.request

import pytest
from django.utils import timezone

from kuzet.blocking import services
from kuzet.blocking.models import HoldAlert, HoldAlertStatus, OutboxMessage
from kuzet.fakepartner.testing import fake_partner_connect

pytestmark = pytest.mark.django_db


@pytest.fixture
def alert(submit) -> HoldAlert:
    """A golden-hour report's alert, queued for its bank (not delivered yet)."""
    submit(channel="staff")
    return HoldAlert.objects.select_related("bank").get()


def make_due() -> None:
    OutboxMessage.objects.update(next_attempt_at=timezone.now())


def test_an_alert_reaches_the_partner_signed_and_is_marked_delivered(alert, fake_partners):
    fake_partner_connect(fake_partners, alert.bank)
    assert services.outbox_deliver_due() == 1
    message = OutboxMessage.objects.get()
    [received] = fake_partners.received(alert.bank.code).values()
    assert received["message_id"] == str(message.message_id)
    assert received["payload"]["alert_id"] == str(alert.public_id)
    alert.refresh_from_db()
    assert alert.status == HoldAlertStatus.DELIVERED


def test_a_repeated_delivery_is_kept_once_by_message_id(alert, fake_partners):
    fake_partner_connect(fake_partners, alert.bank)
    services.outbox_deliver_due()
    OutboxMessage.objects.update(delivered_at=None, next_attempt_at=timezone.now())
    services.outbox_deliver_due()
    message_id = str(OutboxMessage.objects.get().message_id)
    assert fake_partners.deliveries(alert.bank.code) == {message_id: 2}
    assert list(fake_partners.received(alert.bank.code)) == [message_id]


def test_a_failing_partner_gets_the_message_once_it_recovers(alert, fake_partners):
    fake_partner_connect(fake_partners, alert.bank)
    fake_partners.behave(alert.bank.code, status=503, failures=2)
    assert services.outbox_deliver_due() == 0
    make_due()
    assert services.outbox_deliver_due() == 0
    make_due()
    assert services.outbox_deliver_due() == 1
    assert OutboxMessage.objects.get().attempts == 3
    assert len(fake_partners.received(alert.bank.code)) == 1


def test_a_busy_partners_retry_after_is_honoured(alert, fake_partners):
    fake_partner_connect(fake_partners, alert.bank)
    fake_partners.behave(alert.bank.code, status=429, retry_after="600")
    before = timezone.now()
    services.outbox_deliver_due()
    message = OutboxMessage.objects.get()
    assert message.delivered_at is None
    assert message.failed_at is None
    assert (message.next_attempt_at - before).total_seconds() >= 600
    assert fake_partners.received(alert.bank.code) == {}


def test_a_partner_that_hangs_is_retried_and_drops_the_repeat(alert, fake_partners):
    fake_partner_connect(fake_partners, alert.bank)
    # Slower than the read timeout (0.5 s in tests): kuzet gives up, the partner got it.
    fake_partners.behave(alert.bank.code, delay=1.0)
    assert services.outbox_deliver_due() == 0
    assert "timeout" in OutboxMessage.objects.get().last_error
    fake_partners.behave(alert.bank.code)
    make_due()
    assert services.outbox_deliver_due() == 1
    assert list(fake_partners.deliveries(alert.bank.code).values()) == [2]


def test_a_malformed_answer_is_retried(alert, fake_partners):
    fake_partner_connect(fake_partners, alert.bank)
    fake_partners.behave(alert.bank.code, malformed=True)
    assert services.outbox_deliver_due() == 0
    message = OutboxMessage.objects.get()
    assert message.failed_at is None
    assert "malformed" in message.last_error


def test_a_wrong_key_is_refused_by_the_partner_and_dead_lettered(alert, fake_partners):
    fake_partner_connect(fake_partners, alert.bank)
    fake_partners.register(alert.bank.code, "not the key kuzet signs with")
    assert services.outbox_deliver_due() == 0
    assert fake_partners.refused(alert.bank.code) == 1
    assert OutboxMessage.objects.get().failed_at is not None


def test_the_control_urls_program_and_read_a_partner(alert, fake_partners):
    fake_partner_connect(fake_partners, alert.bank)
    request = urllib.request.Request(  # noqa: S310 — the fake on 127.0.0.1
        f"{fake_partners.base_url}/partners/{alert.bank.code}/behaviour",
        data=json.dumps({"status": 500}).encode(),
        method="PUT",
    )
    with urllib.request.urlopen(request) as answer:  # noqa: S310 — the fake on 127.0.0.1
        assert json.load(answer)["status"] == 500
    assert services.outbox_deliver_due() == 0
    fake_partners.behave(alert.bank.code)
    make_due()
    services.outbox_deliver_due()
    url = f"{fake_partners.base_url}/partners/{alert.bank.code}/messages"
    with urllib.request.urlopen(url) as answer:  # noqa: S310 — the fake on 127.0.0.1
        assert len(json.load(answer)["messages"]) == 1
