"""Golden-hour hold alerts and the outbox that carries them to partners.

``outbox_enqueue`` is called inside the caller's transaction; the relay, ``kuzet outbox deliver
--follow``, polls for due messages every second and delivers them. Rows are claimed with
``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL, so any number of relays can run; SQLite
serialises writers anyway. A partner that fails is retried with exponential back-off; after
``OutboxMessage.MAXIMUM_ATTEMPTS`` the message is dead-lettered for a person to handle.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from kuzet.accounts.models import Organisation
from kuzet.audit.services import PendingEntry, audit_record, audit_record_many
from kuzet.blocking.channels.base import DeliveryFailed, OutgoingMessage, PartnerChannel
from kuzet.blocking.channels.inbox import InboxChannel
from kuzet.blocking.channels.notify import notifier_channel
from kuzet.blocking.models import (
    BlockingAction,
    HoldAlert,
    HoldAlertStatus,
    MessageKind,
    OutboxMessage,
    PartnerInboxItem,
)
from kuzet.core.actors import ActionDenied, Actor, require_capability
from kuzet.core.permissions import Capability

logger = logging.getLogger("kuzet.blocking")


def channel_for(recipient: Organisation | None) -> PartnerChannel:
    """The channel a message travels: a partner's inbox, or the notifier for people."""
    if recipient is None:
        return notifier_channel()
    return InboxChannel()


def outbox_enqueue(
    *, recipient: Organisation | None, kind: MessageKind, payload: dict[str, Any]
) -> OutboxMessage:
    """Queue a message for a partner in the current transaction; delivered after commit."""
    return OutboxMessage.objects.create(
        recipient=recipient, kind=kind, payload=payload, next_attempt_at=timezone.now()
    )


@dataclass(frozen=True)
class AlertRequest:
    """One golden-hour alert to raise: money from ``report`` went through ``transfer``."""

    report: Any
    transfer: Any
    bank: Organisation
    minutes_since_transfer: int


def hold_alerts_create(
    *,
    actor: Actor | None,
    requests: list[AlertRequest],
    audit_entries: list[PendingEntry] | None = None,
) -> list[HoldAlert]:
    """Alert receiving banks that money just arrived from fraud victims (one write per table).

    Called by report intake inside its transaction. Each payload carries what the bank needs to
    find and hold the money, and the legal basis; it is delivered through the outbox. A caller
    that writes its own audit entries last (to hold the chain's lock as briefly as possible)
    passes ``audit_entries`` and the alerts' entries are added to it instead of written here.
    """
    alerts = [
        HoldAlert(
            report=request.report,
            transfer=request.transfer,
            bank=request.bank,
            amount=request.transfer.amount,
            currency=request.transfer.currency,
            minutes_since_transfer=request.minutes_since_transfer,
        )
        for request in requests
    ]
    HoldAlert.objects.bulk_create(alerts)
    now = timezone.now()
    OutboxMessage.objects.bulk_create(
        [
            OutboxMessage(
                recipient=request.bank,
                kind=MessageKind.HOLD_ALERT,
                payload=_alert_payload(alert, request),
                next_attempt_at=now,
            )
            for alert, request in zip(alerts, requests, strict=True)
        ]
    )
    entries = [
        PendingEntry(
            action=BlockingAction.HOLD_ALERT_CREATE,
            target=alert,
            purpose="golden-hour hold alert",
            after={"bank": alert.bank.code, "amount": str(alert.amount)},
        )
        for alert in alerts
    ]
    if audit_entries is not None:
        audit_entries.extend(entries)
    else:
        audit_record_many(actor=actor, entries=entries)
    return alerts


def _alert_payload(alert: HoldAlert, request: AlertRequest) -> dict[str, Any]:
    transfer = request.transfer
    return {
        "alert_id": str(alert.public_id),
        "report": request.report.tracking_number,
        "account": transfer.to_value,
        "amount": str(transfer.amount),
        "currency": transfer.currency,
        "transferred_at": transfer.transferred_at.isoformat() if transfer.transferred_at else None,
        "reference": transfer.reference,
        "minutes_since_transfer": request.minutes_since_transfer,
        "legal_basis": "Confirmed information from a criminal-prosecution body (NBK AFC rules)",
        "request": "Suspend the incoming funds and report what is still on the account.",
    }


def _retry_delay(attempts: int) -> timedelta:
    return timedelta(seconds=min(30 * 2 ** (attempts - 1), 3600))


def _claim_due(now: datetime, limit: int) -> list[OutboxMessage]:
    due = OutboxMessage.objects.filter(
        delivered_at__isnull=True, failed_at__isnull=True, next_attempt_at__lte=now
    ).order_by("next_attempt_at", "id")
    if connection.features.has_select_for_update_skip_locked:
        due = due.select_for_update(skip_locked=True, of=("self",))
    return list(due.select_related("recipient")[:limit])


def outbox_deliver_due(*, limit: int = 1000, batch_size: int = 50) -> int:
    """Deliver due messages, ``batch_size`` claimed per transaction; returns how many went.

    A database error rolls the whole batch back: nothing is marked delivered, so every message
    of it goes again later (the partner's side drops the repeats by message id).
    """
    delivered = 0
    while delivered < limit:
        with transaction.atomic():
            batch = _claim_due(timezone.now(), min(batch_size, limit - delivered))
            if not batch:
                return delivered
            delivered += sum(_deliver(message) for message in batch)
    return delivered


def _deliver(message: OutboxMessage) -> bool:
    """Hand one claimed message to its channel and record the outcome on it."""
    outgoing = OutgoingMessage(
        message_id=message.message_id,
        recipient_code=message.recipient.code if message.recipient else "",
        kind=message.kind,
        payload=message.payload,
    )
    message.attempts += 1
    try:
        channel_for(message.recipient).deliver(outgoing)
    except DeliveryFailed as error:
        message.last_error = str(error)[:300]
        if message.attempts >= OutboxMessage.MAXIMUM_ATTEMPTS:
            message.failed_at = timezone.now()
        else:
            message.next_attempt_at = timezone.now() + _retry_delay(message.attempts)
        message.save(update_fields=["attempts", "last_error", "failed_at", "next_attempt_at"])
        return False
    message.delivered_at = timezone.now()
    message.save(update_fields=["attempts", "delivered_at"])
    if message.kind == MessageKind.HOLD_ALERT:
        HoldAlert.objects.filter(
            public_id=message.payload["alert_id"], status=HoldAlertStatus.QUEUED
        ).update(status=HoldAlertStatus.DELIVERED, delivered_at=message.delivered_at)
    return True


def inbox_acknowledge(*, actor: Actor, item: PartnerInboxItem) -> PartnerInboxItem:
    """A partner confirms it has the message; a hold alert's clock records the moment.

    Needs ``ACKNOWLEDGE_INBOX`` (a partner officer, or a token with ``inbox:acknowledge``) and a
    message addressed to the actor's own organisation.
    """
    require_capability(actor, Capability.ACKNOWLEDGE_INBOX)
    with transaction.atomic():
        found = (
            PartnerInboxItem.objects.changeable_by(actor)
            .select_for_update()
            .filter(pk=item.pk)
            .first()
        )
        if found is None:
            raise ActionDenied(
                Capability.ACKNOWLEDGE_INBOX, "This message is not addressed to you."
            )
        item = found
        if item.acknowledged_at is None:
            item.acknowledged_at = timezone.now()
            item.save(update_fields=["acknowledged_at"])
            if item.kind == MessageKind.HOLD_ALERT:
                HoldAlert.objects.filter(public_id=item.payload["alert_id"]).exclude(
                    status=HoldAlertStatus.ACKNOWLEDGED
                ).update(status=HoldAlertStatus.ACKNOWLEDGED, acknowledged_at=item.acknowledged_at)
        audit_record(actor=actor, action=BlockingAction.INBOX_ACKNOWLEDGE, target=item)
    return item
