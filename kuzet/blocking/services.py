"""Golden-hour hold alerts and the outbox that carries them to partners.

``outbox_enqueue`` is called inside the caller's transaction; the relay, ``kuzet outbox deliver
--follow``, polls for due messages every second and delivers them (``relay.py``: leased claims
shared fairly across partners, back-off with jitter, dead-letter). How each partner takes its
messages — its inbox or signed webhooks — is its ``PartnerEndpoint``, set here.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from kuzet.accounts.models import Capability, Organisation
from kuzet.audit.services import PendingEntry, audit_record, audit_record_many
from kuzet.blocking.models import (
    BlockingAction,
    DeliveryMode,
    HoldAlert,
    HoldAlertStatus,
    MessageKind,
    OutboxMessage,
    PartnerEndpoint,
    PartnerInboxItem,
    Standing,
)

# The relay lives in its own module; callers and tests reach it through the services.
from kuzet.blocking.relay import channel_for, outbox_deliver_due
from kuzet.blocking.signing import signing_key_new
from kuzet.core.actors import ActionDenied, Actor, require_capability

logger = logging.getLogger("kuzet.blocking")

__all__ = ["channel_for", "outbox_deliver_due"]


def _check_webhook_address(url: str) -> None:
    """https only, except on the hosts settings allow plain http on (the fake partners)."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and parts.hostname in settings.WEBHOOK_PLAIN_HTTP_HOSTS:
        return
    raise ValueError(f"A webhook address must be https: {url!r}")


def partner_endpoint_configure(
    *, actor: Actor, organisation: Organisation, mode: DeliveryMode, url: str = ""
) -> PartnerEndpoint:
    """Choose how a partner takes its messages: poll its inbox, or webhooks to ``url``.

    Platform administration (``CONFIGURE_PARTNER_DELIVERY``). The first configuration makes the
    partner's signing key (``endpoint.signing_key``, handed to the partner out of band); later
    ones keep it. A webhook address must be https (``_check_webhook_address``); redirects are
    never followed, so the address cannot be bounced elsewhere.
    """
    require_capability(actor, Capability.CONFIGURE_PARTNER_DELIVERY)
    if mode == DeliveryMode.WEBHOOK:
        _check_webhook_address(url)
    with transaction.atomic():
        endpoint, created = PartnerEndpoint.objects.select_for_update().get_or_create(
            organisation=organisation,
            defaults={"mode": mode, "url": url, "signing_key": signing_key_new()},
        )
        before = None if created else {"mode": endpoint.mode, "url": endpoint.url}
        if not created:
            endpoint.mode = mode
            endpoint.url = url
            endpoint.save(update_fields=["mode", "url", "updated_at"])
        audit_record(
            actor=actor,
            action=BlockingAction.PARTNER_ENDPOINT_CONFIGURE,
            target=endpoint,
            before=before,
            after={"mode": mode, "url": url},
        )
    return endpoint


def partner_endpoint_rotate_key(*, actor: Actor, endpoint: PartnerEndpoint) -> PartnerEndpoint:
    """Give a partner a new signing key; its callbacks signed with the previous one are still
    accepted for ``PARTNER_KEY_ROTATION_GRACE_HOURS``. Messages kuzet sends use the new one at
    once. Neither key is written to the audit log."""
    require_capability(actor, Capability.CONFIGURE_PARTNER_DELIVERY)
    with transaction.atomic():
        endpoint = PartnerEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        endpoint.previous_signing_key = endpoint.signing_key
        endpoint.previous_key_valid_until = timezone.now() + timedelta(
            hours=settings.PARTNER_KEY_ROTATION_GRACE_HOURS
        )
        endpoint.signing_key = signing_key_new()
        endpoint.save(
            update_fields=[
                "signing_key",
                "previous_signing_key",
                "previous_key_valid_until",
                "updated_at",
            ]
        )
        audit_record(
            actor=actor,
            action=BlockingAction.PARTNER_ENDPOINT_ROTATE_KEY,
            target=endpoint,
            after={"previous_key_valid_until": endpoint.previous_key_valid_until.isoformat()},
        )
    return endpoint


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


# The channel a report came through decides the standing of the alerts it raises. Telecom
# operators and platforms pass on what a customer told them: no more than a victim's report.
STANDING_BY_CHANNEL = {"staff": Standing.CONFIRMED, "bank": Standing.CONFIRMED}

BUDGET_WINDOW = timedelta(hours=1)
# Why a partner reads its inbox (recorded with every message read: alerts carry full numbers).
INBOX_READ_PURPOSE = "partner inbox: requests addressed to the organisation"


def standing_for_channel(channel: str) -> Standing:
    return STANDING_BY_CHANNEL.get(channel, Standing.UNVERIFIED_REPORT)


def hold_alerts_create(
    *,
    actor: Actor | None,
    requests: list[AlertRequest],
    audit_entries: list[PendingEntry] | None = None,
) -> list[HoldAlert]:
    """Alert receiving banks that money just arrived from fraud victims (one write per table).

    Called by report intake inside its transaction. Each alert has the standing of the channel
    its report came through, and its payload says in plain words (kk, ru, en) what that
    standing is. Unverified alerts beyond a bank's hourly budget
    (``UNVERIFIED_ALERTS_PER_BANK_PER_HOUR``) are held back, not sent: they wait on the duty
    officers' page (``hold_alerts_held_back``), so a flood of anonymous reports cannot flood a
    bank. A caller that writes its own audit entries last (to hold the chain's lock as briefly
    as possible) passes ``audit_entries`` and the alerts' entries are added to it instead.
    """
    now = timezone.now()
    standings = [standing_for_channel(request.report.channel) for request in requests]
    remaining = _unverified_budget_left(
        {request.bank.pk for request, standing in zip(requests, standings, strict=True)
         if standing == Standing.UNVERIFIED_REPORT},
        now,
    )  # fmt: skip
    alerts = []
    for request, standing in zip(requests, standings, strict=True):
        status = HoldAlertStatus.QUEUED
        if standing == Standing.UNVERIFIED_REPORT:
            if remaining[request.bank.pk] > 0:
                remaining[request.bank.pk] -= 1
            else:
                status = HoldAlertStatus.HELD_BACK
        alerts.append(
            HoldAlert(
                report=request.report,
                transfer=request.transfer,
                bank=request.bank,
                amount=request.transfer.amount,
                currency=request.transfer.currency,
                minutes_since_transfer=request.minutes_since_transfer,
                standing=standing,
                status=status,
            )
        )
    HoldAlert.objects.bulk_create(alerts)
    OutboxMessage.objects.bulk_create(
        [
            OutboxMessage(
                recipient=request.bank,
                kind=MessageKind.HOLD_ALERT,
                payload=alert_payload(alert),
                next_attempt_at=now,
            )
            for alert, request in zip(alerts, requests, strict=True)
            if alert.status == HoldAlertStatus.QUEUED
        ]
    )
    entries = [
        PendingEntry(
            action=BlockingAction.HOLD_ALERT_HOLD_BACK
            if alert.status == HoldAlertStatus.HELD_BACK
            else BlockingAction.HOLD_ALERT_CREATE,
            target=alert,
            purpose="golden-hour hold alert"
            if alert.status == HoldAlertStatus.QUEUED
            else "over the bank's hourly budget of unverified alerts; for the duty officer",
            after={
                "bank": alert.bank.code,
                "amount": str(alert.amount),
                "standing": alert.standing,
            },
        )
        for alert in alerts
    ]
    if audit_entries is not None:
        audit_entries.extend(entries)
    else:
        audit_record_many(actor=actor, entries=entries)
    return alerts


# The advisory-lock namespace of the per-bank budget (pg_advisory_xact_lock(int4, int4)).
BUDGET_LOCK_NAMESPACE = 0x4B42  # "KB"


def _unverified_budget_left(bank_ids: set[int], now: datetime) -> dict[int, int]:
    """For each bank, how many more unverified alerts it may be sent this hour (one query).

    Batches that alert the same bank with unverified alerts count and write one after the
    other: on PostgreSQL a transaction-scoped advisory lock per bank, taken in bank order in one
    statement so two batches cannot deadlock; SQLite's writing transactions are serialised
    already (IMMEDIATE). Without it, N concurrent public reports all saw the same count and a
    flood overshot the budget by its concurrency. Confirmed alerts take no lock.
    """
    if not bank_ids:
        return {}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(pg_advisory_xact_lock(%s, bank)) FROM unnest(%s::int[]) AS bank",
                [BUDGET_LOCK_NAMESPACE, sorted(bank_ids)],
            )
    sent = dict(
        HoldAlert.objects.filter(
            bank_id__in=bank_ids,
            standing=Standing.UNVERIFIED_REPORT,
            created_at__gte=now - BUDGET_WINDOW,
        )
        .exclude(status=HoldAlertStatus.HELD_BACK)
        .values_list("bank_id")
        .annotate(count=Count("id"))
    )
    budget = settings.UNVERIFIED_ALERTS_PER_BANK_PER_HOUR
    return {bank_id: max(0, budget - sent.get(bank_id, 0)) for bank_id in bank_ids}


def _in_every_language(text: Any) -> dict[str, str]:
    """A translatable sentence in each of kuzet's languages, for a partner's systems and staff."""
    rendered = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            rendered[code] = str(text)
    return rendered


STANDING_WORDS: dict[str, dict[str, Any]] = {
    Standing.UNVERIFIED_REPORT: {
        "summary": _(
            "Unconfirmed victim report: a member of the public reported this transfer on the "
            "public form. Nobody at the police has checked it yet."
        ),
        "legal_basis": _(
            "None yet. This is not information from a criminal-prosecution body; it is passed "
            "on for your bank's own fraud review under your own rules."
        ),
        "request": _(
            "Review the incoming transfer under your own fraud rules. Suspend it only if your "
            "own review supports that."
        ),
    },
    Standing.CONFIRMED: {
        "summary": _(
            "Confirmed: a police officer took this report, or the victim's own bank reported "
            "the transfer."
        ),
        "legal_basis": _(
            "Confirmed information on a fraudulent transfer (NBK Anti-Fraud Centre rules)."
        ),
        "request": _("Suspend the incoming funds and report what is still on the account."),
    },
    Standing.ORDER: {
        "summary": _("Order: a prosecutor or a court ordered this."),
        "legal_basis": _("An order of a prosecutor or a court."),
        "request": _("Suspend the incoming funds and report what is still on the account."),
    },
}


def alert_payload(alert: HoldAlert) -> dict[str, Any]:
    """What the bank receives: where the money is, and what the alert's standing is, in words."""
    transfer = alert.transfer
    words = STANDING_WORDS[alert.standing]
    return {
        "alert_id": str(alert.public_id),
        "report": alert.report.tracking_number,
        "account": transfer.to_value,
        "amount": str(transfer.amount),
        "currency": transfer.currency,
        "transferred_at": transfer.transferred_at.isoformat() if transfer.transferred_at else None,
        "reference": transfer.reference,
        "minutes_since_transfer": alert.minutes_since_transfer,
        "standing": alert.standing,
        "standing_summary": _in_every_language(words["summary"]),
        "legal_basis": _in_every_language(words["legal_basis"]),
        "request": _in_every_language(words["request"]),
    }


def hold_alert_release(
    *, actor: Actor, alert: HoldAlert, client_address: str | None = None
) -> HoldAlert:
    """The duty officer sends a held-back alert to its bank after all (its standing unchanged).

    Needs ``RELEASE_HOLD_ALERTS`` (raises ``ActionDenied``); the caller fetched ``alert``
    through ``HoldAlert.objects.visible_to``. An alert no longer held back is left as it is.
    """
    require_capability(actor, Capability.RELEASE_HOLD_ALERTS)
    with transaction.atomic():
        alert = (
            HoldAlert.objects.select_for_update(of=("self",))
            .select_related("report", "transfer", "bank")
            .get(pk=alert.pk)
        )
        if alert.status != HoldAlertStatus.HELD_BACK:
            return alert
        alert.status = HoldAlertStatus.QUEUED
        alert.save(update_fields=["status", "updated_at"])
        outbox_enqueue(
            recipient=alert.bank, kind=MessageKind.HOLD_ALERT, payload=alert_payload(alert)
        )
        audit_record(
            actor=actor,
            action=BlockingAction.HOLD_ALERT_RELEASE,
            target=alert,
            purpose="held-back unverified alert sent by the duty officer",
            before={"status": HoldAlertStatus.HELD_BACK},
            after={"status": HoldAlertStatus.QUEUED},
            client_address=client_address,
        )
    return alert


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
