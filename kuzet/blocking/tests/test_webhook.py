"""Webhook delivery: per-partner configuration, signed POSTs, and what each answer means.

A small HTTP server on 127.0.0.1 stands in for the partner here; the fake partner service
(``kuzet.fakepartner``) drives the relay end to end in ``kuzet/fakepartner/tests``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar
from uuid import uuid4

import pytest
from django.utils import timezone

from kuzet.accounts.models import Organisation
from kuzet.audit.models import AuditEvent
from kuzet.blocking import services, signing
from kuzet.blocking.channels.base import DeliveryFailed, OutgoingMessage
from kuzet.blocking.channels.inbox import InboxChannel
from kuzet.blocking.channels.webhook import WebhookChannel, retry_after_seconds
from kuzet.blocking.models import DeliveryMode, OutboxMessage, PartnerEndpoint
from kuzet.core.actors import ActionDenied, SystemActor

pytestmark = pytest.mark.django_db

OPERATOR = SystemActor("test")


class Answering(BaseHTTPRequestHandler):
    """Answers every POST as ``answer`` says and keeps what it received."""

    answer: ClassVar[dict[str, Any]] = {}
    received: ClassVar[list[tuple[dict[str, str], bytes]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        Answering.received.append((dict(self.headers.items()), body))
        time.sleep(self.answer.get("delay", 0))
        self.send_response(self.answer.get("status", 200))
        for name, value in self.answer.get("headers", {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def partner_server(settings: Any) -> Iterator[str]:
    settings.WEBHOOK_PLAIN_HTTP_HOSTS = ["127.0.0.1"]
    Answering.answer = {}
    Answering.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Answering)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/kuzet"
    server.shutdown()
    server.server_close()


@pytest.fixture
def bank(reference_data: None) -> Organisation:
    return Organisation.objects.filter(kind="bank").order_by("code").first()


def webhook(bank: Organisation, url: str) -> PartnerEndpoint:
    return services.partner_endpoint_configure(
        actor=OPERATOR, organisation=bank, mode=DeliveryMode.WEBHOOK, url=url
    )


def outgoing(bank: Organisation) -> OutgoingMessage:
    return OutgoingMessage(
        message_id=uuid4(), recipient_code=bank.code, kind="hold_alert", payload={"amount": "1"}
    )


def test_poll_is_the_default_and_webhook_is_chosen_per_partner(bank, partner_server):
    assert isinstance(services.channel_for(bank), InboxChannel)
    webhook(bank, partner_server)
    bank.refresh_from_db()
    assert isinstance(services.channel_for(bank), WebhookChannel)
    services.partner_endpoint_configure(actor=OPERATOR, organisation=bank, mode=DeliveryMode.POLL)
    bank.refresh_from_db()
    assert isinstance(services.channel_for(bank), InboxChannel)
    assert AuditEvent.objects.filter(action="blocking.partner_endpoint.configure").count() == 2


def test_configuring_delivery_needs_platform_administration(bank, make_persona):
    with pytest.raises(ActionDenied):
        services.partner_endpoint_configure(
            actor=make_persona("frank"), organisation=bank, mode=DeliveryMode.POLL
        )


@pytest.mark.parametrize("url", ["http://bank.example/hook", "ftp://bank.example/", "https://"])
def test_a_webhook_address_must_be_https(bank, url):
    with pytest.raises(ValueError, match="https"):
        webhook(bank, url)


def test_a_rotated_key_signs_at_once_and_the_previous_one_verifies_for_a_while(bank):
    endpoint = webhook(bank, "https://bank.example/hook")
    first = endpoint.signing_key
    endpoint = services.partner_endpoint_rotate_key(actor=OPERATOR, endpoint=endpoint)
    assert endpoint.signing_key != first
    now = timezone.now()
    assert endpoint.verification_keys(now) == [endpoint.signing_key, first]
    assert endpoint.verification_keys(now + timedelta(hours=25)) == [endpoint.signing_key]
    assert AuditEvent.objects.filter(action="blocking.partner_endpoint.rotate_key").count() == 1


def test_a_delivered_message_is_signed_with_the_partners_key(bank, partner_server):
    endpoint = webhook(bank, partner_server)
    message = outgoing(bank)
    WebhookChannel(endpoint).deliver(message)
    [(headers, body)] = Answering.received
    verified = signing.signature_verify(keys=[endpoint.signing_key], headers=headers, body=body)
    assert verified.message_id == str(message.message_id)
    with pytest.raises(signing.SignatureInvalid):
        signing.signature_verify(keys=["another key"], headers=headers, body=body)


@pytest.mark.parametrize(
    ("status", "headers", "retry_after"),
    [(503, {"Retry-After": "120"}, 120), (500, {}, None), (429, {"Retry-After": "7"}, 7)],
)
def test_busy_or_failing_partners_are_retried_not_before_they_ask(
    bank, partner_server, status, headers, retry_after
):
    Answering.answer = {"status": status, "headers": headers}
    with pytest.raises(DeliveryFailed) as failure:
        WebhookChannel(webhook(bank, partner_server)).deliver(outgoing(bank))
    assert failure.value.retry_after == retry_after
    assert failure.value.permanent is False


@pytest.mark.parametrize("status", [400, 401, 404, 410, 302])
def test_a_refusal_or_a_redirect_is_permanent_and_not_followed(bank, partner_server, status):
    Answering.answer = {"status": status, "headers": {"Location": partner_server}}
    with pytest.raises(DeliveryFailed) as failure:
        WebhookChannel(webhook(bank, partner_server)).deliver(outgoing(bank))
    assert failure.value.permanent is True
    assert len(Answering.received) == 1


def test_a_partner_slower_than_the_read_timeout_is_retried(bank, partner_server, settings):
    settings.WEBHOOK_READ_TIMEOUT_SECONDS = 0.2
    Answering.answer = {"delay": 1}
    with pytest.raises(DeliveryFailed, match="timeout") as failure:
        WebhookChannel(webhook(bank, partner_server)).deliver(outgoing(bank))
    assert failure.value.permanent is False


def test_an_unreachable_partner_is_retried(bank, settings):
    settings.WEBHOOK_PLAIN_HTTP_HOSTS = ["127.0.0.1"]
    # Port 9 (discard) is closed on the test machines: the connection is refused.
    with pytest.raises(DeliveryFailed, match="unreachable") as failure:
        WebhookChannel(webhook(bank, "http://127.0.0.1:9/")).deliver(outgoing(bank))
    assert failure.value.permanent is False


def test_retry_after_reads_seconds_and_http_dates():
    now = timezone.now()
    assert retry_after_seconds("30") == 30
    assert retry_after_seconds("") is None
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds("999999999") == 24 * 3600
    later = (now + timedelta(seconds=90)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert 88 <= (retry_after_seconds(later, now=now) or 0) <= 90


def test_the_relay_dead_letters_a_refused_message_at_once(bank, partner_server):
    webhook(bank, partner_server)
    Answering.answer = {"status": 404}
    services.outbox_enqueue(recipient=bank, kind="hold_alert", payload={"amount": "1"})
    assert services.outbox_deliver_due() == 0
    message = OutboxMessage.objects.get()
    assert message.attempts == 1
    assert message.failed_at is not None


def test_the_relay_waits_as_long_as_the_partner_asks(bank, partner_server):
    webhook(bank, partner_server)
    Answering.answer = {"status": 429, "headers": {"Retry-After": "7200"}}
    services.outbox_enqueue(recipient=bank, kind="hold_alert", payload={"amount": "1"})
    before = timezone.now()
    services.outbox_deliver_due()
    message = OutboxMessage.objects.get()
    assert message.failed_at is None
    assert message.next_attempt_at >= before + timedelta(seconds=7200)
