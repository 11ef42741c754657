"""Webhook delivery: the message is POSTed, signed, to the partner's own endpoint.

The body is the message as JSON (id, kind, recipient, payload); the four ``X-Kuzet-*`` headers
of ``kuzet.blocking.signing`` sign it with the partner's key. What the answer means:

- 2xx: delivered (the partner de-duplicates by ``X-Kuzet-Message-Id``, so a repeat is safe);
- 429, 5xx, 408, a timeout, a refused connection or a malformed answer: ``DeliveryFailed``,
  retried later, never before the partner's ``Retry-After``;
- any other status (4xx, or a redirect, which is never followed: security.md API10): the
  partner refuses this message and would refuse it again, so it is dead-lettered at once.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

import urllib3
from django.conf import settings

from kuzet.blocking.channels.base import DeliveryFailed, OutgoingMessage
from kuzet.blocking.signing import signed_headers

if TYPE_CHECKING:
    from kuzet.blocking.models import PartnerEndpoint

# A partner cannot park a message for longer than a day with Retry-After; past that the relay's
# own back-off applies and the dead-letter alert tells a person.
MAXIMUM_RETRY_AFTER_SECONDS = 24 * 3600
# Nothing in an answer is needed beyond its status: a partner cannot make the relay read more.
MAXIMUM_ANSWER_BYTES = 64 * 1024
# One pool per relay process, shared by its threads: keeps connections to partners open.
_POOL = urllib3.PoolManager(retries=False, maxsize=4, block=False)


def retry_after_seconds(value: str | None, *, now: datetime | None = None) -> float | None:
    """``Retry-After`` in seconds: a number of seconds or an HTTP date; None if unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(min(int(value), MAXIMUM_RETRY_AFTER_SECONDS))
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    seconds = (moment - (now or datetime.now(UTC))).total_seconds()
    return max(0.0, min(seconds, MAXIMUM_RETRY_AFTER_SECONDS))


def message_body(message: OutgoingMessage) -> bytes:
    """The exact bytes sent and signed: compact, keys sorted, UTF-8 (names stay readable)."""
    document = {
        "message_id": str(message.message_id),
        "kind": message.kind,
        "recipient": message.recipient_code,
        "payload": message.payload,
    }
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode(
        "utf-8"
    )


def _discard_answer(response: urllib3.BaseHTTPResponse) -> None:
    """Read a short answer so its connection can be reused; close a long one unread."""
    try:
        if len(response.read(MAXIMUM_ANSWER_BYTES + 1, decode_content=False)) <= (
            MAXIMUM_ANSWER_BYTES
        ):
            response.release_conn()
            return
    except urllib3.exceptions.HTTPError:
        pass
    response.close()


class WebhookChannel:
    """POSTs each message to one partner's endpoint, signed with that partner's key."""

    def __init__(self, endpoint: PartnerEndpoint) -> None:
        self.url = endpoint.url
        self.key = endpoint.signing_key

    def deliver(self, message: OutgoingMessage) -> None:
        body = message_body(message)
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            **signed_headers(key=self.key, message_id=str(message.message_id), body=body),
        }
        timeout = urllib3.Timeout(
            connect=settings.WEBHOOK_CONNECT_TIMEOUT_SECONDS,
            read=settings.WEBHOOK_READ_TIMEOUT_SECONDS,
        )
        try:
            response = _POOL.request(
                "POST",
                self.url,
                body=body,
                headers=headers,
                timeout=timeout,
                redirect=False,
                preload_content=False,
            )
            status = response.status
            retry_after = retry_after_seconds(response.headers.get("Retry-After"))
            _discard_answer(response)
        except urllib3.exceptions.NewConnectionError as error:
            # Before TimeoutError: urllib3 counts a refused connection as a connect timeout.
            raise DeliveryFailed(f"unreachable: {type(error).__name__}") from error
        except urllib3.exceptions.TimeoutError as error:
            raise DeliveryFailed(f"timeout: {type(error).__name__}") from error
        except urllib3.exceptions.HTTPError as error:
            raise DeliveryFailed(
                f"unreachable or malformed answer: {type(error).__name__}"
            ) from error
        if 200 <= status < 300:
            return
        if status in (408, 429) or status >= 500:
            raise DeliveryFailed(f"partner answered {status}", retry_after=retry_after)
        raise DeliveryFailed(f"partner refused with {status}", permanent=True)
