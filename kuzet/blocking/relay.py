"""The outbox relay: claims due messages fairly, delivers them, records what happened.

Three short steps per batch, so no transaction is open while a partner is being called:

1. **Claim** (one transaction): due messages, a fair share per recipient (``_claim_due``), are
   leased — ``next_attempt_at`` moves ``RELAY_LEASE_SECONDS`` ahead and ``attempts`` counts the
   try — with ``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL, so a second relay claims other
   rows; SQLite serialises the claim. A relay killed after this point loses nothing: the lease
   runs out and the message is due again (the partner drops the repeat by its message id).
2. **Deliver** (no transaction): each recipient's messages in order, recipients side by side in
   threads for webhooks (which touch no database), so one slow partner never holds another's.
   A recipient that fails is not tried again in the batch.
3. **Record** (one transaction): delivered; or retried after exponential back-off with full
   jitter, never before the partner's ``Retry-After``; or dead-lettered (``failed_at``) after
   ``OutboxMessage.MAXIMUM_ATTEMPTS`` or a permanent refusal — with an audit entry marked as a
   failure and the hold alert marked failed, which the duty officers' home page counts among
   the alerts no bank has acknowledged.
"""

from __future__ import annotations

import logging
import random
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Min, Q
from django.utils import timezone

from kuzet.accounts.models import Organisation
from kuzet.audit.models import Outcome
from kuzet.audit.services import audit_record
from kuzet.blocking.channels.base import DeliveryFailed, OutgoingMessage, PartnerChannel
from kuzet.blocking.channels.inbox import InboxChannel
from kuzet.blocking.channels.notify import notifier_channel
from kuzet.blocking.channels.webhook import WebhookChannel
from kuzet.blocking.models import (
    BlockingAction,
    DeliveryMode,
    HoldAlert,
    HoldAlertStatus,
    MessageKind,
    OutboxMessage,
    PartnerEndpoint,
)
from kuzet.core.actors import SystemActor

logger = logging.getLogger("kuzet.blocking.relay")

RELAY = SystemActor("outbox relay")
# Back-off: the n-th retry waits a random time up to BASE × 2^(n-1), capped (full jitter, so
# partners recovering from an outage are not hit by every relay at the same second).
BACKOFF_BASE_SECONDS = 30
BACKOFF_CAP_SECONDS = 3600
# Never retry sooner than this, whatever the jitter draws.
BACKOFF_FLOOR_SECONDS = 1


def channel_for(recipient: Organisation | None) -> PartnerChannel:
    """The channel a message travels: the notifier for people; for a partner, its webhook if
    its endpoint says so, else its inbox in kuzet (poll, the default for every partner)."""
    if recipient is None:
        return notifier_channel()
    try:
        endpoint = recipient.delivery_endpoint
    except PartnerEndpoint.DoesNotExist:
        return InboxChannel()
    if endpoint.mode == DeliveryMode.WEBHOOK:
        return WebhookChannel(endpoint)
    return InboxChannel()


def retry_delay(attempts: int, *, retry_after: float | None = None) -> timedelta:
    """How long before try ``attempts + 1``: full jitter on an exponential cap, and never
    earlier than the partner's ``Retry-After``."""
    ceiling = min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_CAP_SECONDS)
    seconds = max(random.uniform(0, ceiling), BACKOFF_FLOOR_SECONDS)  # noqa: S311 — jitter
    return timedelta(seconds=max(seconds, retry_after or 0))


def _due(now: datetime) -> Any:
    return OutboxMessage.objects.filter(
        delivered_at__isnull=True, failed_at__isnull=True, next_attempt_at__lte=now
    )


def _claim_due(now: datetime, limit: int) -> list[OutboxMessage]:
    """Lease up to ``limit`` due messages, shared out across recipients (round robin).

    The recipients with the oldest due messages come first, up to ``limit`` of them; each gets
    an equal share of the batch, oldest messages first. So partner A's thousand waiting
    messages take A's share only, and partner B's one message goes in the same batch.
    """
    with transaction.atomic():
        recipients = list(
            _due(now)
            .order_by()
            .values("recipient_id")
            .annotate(oldest=Min("next_attempt_at"))
            .order_by("oldest", "recipient_id")
            .values_list("recipient_id", flat=True)[:limit]
        )
        if not recipients:
            return []
        share = max(1, limit // len(recipients))
        claimed: list[OutboxMessage] = []
        for recipient_id in recipients:
            due = _due(now).filter(
                Q(recipient__isnull=True) if recipient_id is None else Q(recipient_id=recipient_id)
            )
            if connection.features.has_select_for_update_skip_locked:
                due = due.select_for_update(skip_locked=True, of=("self",))
            claimed.extend(
                due.select_related("recipient__delivery_endpoint").order_by(
                    "next_attempt_at", "id"
                )[: min(share, limit - len(claimed))]
            )
            if len(claimed) >= limit:
                break
        lease_until = now + timedelta(seconds=settings.RELAY_LEASE_SECONDS)
        OutboxMessage.objects.filter(pk__in=[message.pk for message in claimed]).update(
            next_attempt_at=lease_until, attempts=F("attempts") + 1
        )
        for message in claimed:
            message.attempts += 1
    return claimed


@dataclass
class Attempt:
    """One claimed message and what became of it (``None``: delivered; not tried: skipped)."""

    message: OutboxMessage
    tried: bool = False
    failure: DeliveryFailed | None = None


def _outgoing(message: OutboxMessage) -> OutgoingMessage:
    return OutgoingMessage(
        message_id=message.message_id,
        recipient_code=message.recipient.code if message.recipient else "",
        kind=message.kind,
        payload={
            key: value for key, value in message.payload.items() if key != "text_after_delivery"
        },
    )


def _deliver_in_order(channel: PartnerChannel, attempts: list[Attempt]) -> None:
    """One recipient's messages, oldest first; after a failure the rest wait for the next try
    (a failing partner costs one attempt per batch, not one per message)."""
    for attempt in attempts:
        attempt.tried = True
        try:
            channel.deliver(_outgoing(attempt.message))
        except DeliveryFailed as failure:
            attempt.failure = failure
            if not failure.permanent:
                return
        except Exception as error:
            # A bug in a channel must not lose the batch's other outcomes; retried like a failure.
            logger.exception("channel raised %s", type(error).__name__)
            attempt.failure = DeliveryFailed(f"channel error: {type(error).__name__}")
            return


def _deliver_batch(batch: list[OutboxMessage]) -> list[Attempt]:
    by_recipient: dict[int | None, list[Attempt]] = defaultdict(list)
    for message in batch:
        by_recipient[message.recipient_id].append(Attempt(message))
    remote: list[tuple[PartnerChannel, list[Attempt]]] = []
    for attempts in by_recipient.values():
        channel = channel_for(attempts[0].message.recipient)
        if isinstance(channel, WebhookChannel):
            remote.append((channel, attempts))
        else:
            # The inbox and the notifier write here, on this thread's database connection.
            _deliver_in_order(channel, attempts)
    if len(remote) == 1:
        _deliver_in_order(*remote[0])
    elif remote:
        with ThreadPoolExecutor(max_workers=settings.RELAY_PARALLEL_PARTNERS) as pool:
            list(pool.map(lambda pair: _deliver_in_order(*pair), remote))
    return [attempt for attempts in by_recipient.values() for attempt in attempts]


def _kept_after_delivery(payload: dict[str, Any]) -> dict[str, Any]:
    """What the outbox keeps of a message no longer to be sent: a reporter's tracking link
    carries a secret of which kuzet otherwise stores only a digest, so its message names a
    ``text_after_delivery`` without it."""
    if not isinstance(payload, dict) or "text_after_delivery" not in payload:
        return payload
    kept = {key: value for key, value in payload.items() if key != "text_after_delivery"}
    return {**kept, "text": payload["text_after_delivery"]}


def _record(attempts: list[Attempt], now: datetime) -> int:
    """Write every outcome of the batch in one transaction; returns how many were delivered."""
    delivered = 0
    with transaction.atomic():
        for attempt in attempts:
            message = attempt.message
            if not attempt.tried:
                # Skipped after its partner failed: back with the failed one, this try uncounted.
                failed = next(
                    other.message
                    for other in attempts
                    if other.failure is not None
                    and other.message.recipient_id == message.recipient_id
                    and not other.failure.permanent
                )
                OutboxMessage.objects.filter(pk=message.pk).update(
                    attempts=F("attempts") - 1, next_attempt_at=failed.next_attempt_at
                )
            elif attempt.failure is None:
                delivered += 1
                _record_delivered(message, now)
            elif attempt.failure.permanent or message.attempts >= OutboxMessage.MAXIMUM_ATTEMPTS:
                _dead_letter(message, attempt.failure, now)
            else:
                message.last_error = str(attempt.failure)[:300]
                message.next_attempt_at = now + retry_delay(
                    message.attempts, retry_after=attempt.failure.retry_after
                )
                message.save(update_fields=["last_error", "next_attempt_at"])
                _hold_back_recipient(message)
    return delivered


def _hold_back_recipient(failed: OutboxMessage) -> None:
    """The failing partner's other waiting messages wait with the failed one: the next batch
    goes to partners that answer instead of trying this one again at once."""
    recipient = (
        Q(recipient__isnull=True)
        if failed.recipient_id is None
        else Q(recipient_id=failed.recipient_id)
    )
    OutboxMessage.objects.filter(
        recipient,
        delivered_at__isnull=True,
        failed_at__isnull=True,
        next_attempt_at__lt=failed.next_attempt_at,
    ).update(next_attempt_at=failed.next_attempt_at)


def _record_delivered(message: OutboxMessage, now: datetime) -> None:
    message.delivered_at = now
    message.payload = _kept_after_delivery(message.payload)
    message.save(update_fields=["delivered_at", "payload"])
    if message.kind == MessageKind.HOLD_ALERT:
        HoldAlert.objects.filter(
            public_id=message.payload.get("alert_id"),
            status__in=[HoldAlertStatus.QUEUED, HoldAlertStatus.FAILED],
        ).update(status=HoldAlertStatus.DELIVERED, delivered_at=now)


def _dead_letter(message: OutboxMessage, failure: DeliveryFailed, now: datetime) -> None:
    """Give up on a message: mark it, tell the duty officers, write it in the audit log."""
    message.failed_at = now
    message.last_error = str(failure)[:300]
    message.payload = _kept_after_delivery(message.payload)
    message.save(update_fields=["failed_at", "last_error", "payload"])
    if message.kind == MessageKind.HOLD_ALERT:
        # A failed alert counts on the duty officers' home page among the alerts no bank has
        # acknowledged ("call the bank"), as every waiting alert does.
        HoldAlert.objects.filter(
            public_id=message.payload.get("alert_id"), status=HoldAlertStatus.QUEUED
        ).update(status=HoldAlertStatus.FAILED)
    logger.error("outbox message %s dead-lettered: %s", message.message_id, message.last_error)
    audit_record(
        actor=RELAY,
        action=BlockingAction.OUTBOX_DEAD_LETTER,
        outcome=Outcome.FAILURE,
        target=message,
        purpose="a message no partner received: the duty officer follows it up",
        after={
            "recipient": message.recipient.code if message.recipient else "",
            "kind": message.kind,
            "attempts": message.attempts,
            "last_error": message.last_error,
        },
    )


def outbox_deliver_due(*, limit: int = 1000, batch_size: int = 50) -> int:
    """Deliver due messages, ``batch_size`` claimed at a time; returns how many were delivered.

    Stops when nothing is due or ``limit`` messages were claimed. A database error while
    recording leaves the batch leased: its messages are due again when the lease runs out.
    """
    delivered = 0
    claimed = 0
    while claimed < limit:
        batch = _claim_due(timezone.now(), min(batch_size, limit - claimed))
        if not batch:
            break
        claimed += len(batch)
        attempts = _deliver_batch(batch)
        delivered += _record(attempts, timezone.now())
    return delivered
