"""Hold alerts, the transactional outbox, and partners' inboxes.

Nothing is sent to a partner from inside a web request. The service that decides to alert a bank
writes an ``OutboxMessage`` in the same transaction as the decision; a worker delivers it through
the partner's channel (``channels/``), at least once, and the partner's side applies it once
(the message id is unique in the inbox).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kuzet.core.actors import PossibleActor, actor_has_capability, actor_organisation, is_system
from kuzet.core.models import AuditAction, PublicIdentifierModel, TimeStampedModel
from kuzet.core.permissions import Capability, OrganisationKind


class BlockingAction(AuditAction):
    """What blocking writes to the audit log."""

    HOLD_ALERT_CREATE = "blocking.hold_alert.create"
    # An unverified alert kept back by its bank's budget, and sent later by an officer.
    HOLD_ALERT_HOLD_BACK = "blocking.hold_alert.hold_back"
    HOLD_ALERT_RELEASE = "blocking.hold_alert.release"
    INBOX_ACKNOWLEDGE = "blocking.inbox.acknowledge"
    PARTNER_ENDPOINT_CONFIGURE = "blocking.partner_endpoint.configure"
    PARTNER_ENDPOINT_ROTATE_KEY = "blocking.partner_endpoint.rotate_key"
    # The relay gave up on a message (outcome: failure); the duty officer follows it up.
    OUTBOX_DEAD_LETTER = "blocking.outbox.dead_letter"


class MessageKind(models.TextChoices):
    """What an outbox message (and the inbox item it becomes) carries."""

    HOLD_ALERT = "hold_alert", _("Hold alert")
    REPORTER_NOTIFICATION = "reporter_notification", _("Notification to a reporter")


class HoldAlertStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    DELIVERED = "delivered", _("Delivered")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    FAILED = "failed", _("Delivery failed")
    # Over the bank's budget of unverified alerts: not sent; the duty officer decides.
    HELD_BACK = "held_back", _("Held back for the duty officer")


# Alerts the bank has not acknowledged yet (held-back ones have not even been sent): what the
# home page counts and the held-back page lists, through ``blocking_alert_waiting``.
WAITING_ALERT_STATUSES: tuple[str, ...] = (
    HoldAlertStatus.QUEUED,
    HoldAlertStatus.DELIVERED,
    HoldAlertStatus.FAILED,
)


class Standing(models.TextChoices):
    """How far what a partner is told can be relied on, weakest first.

    Every request to a partner carries one; a request made because of another (the next hop of
    the money) inherits its standing, never raises it.
    """

    # A member of the public said so on the public form; nobody has checked it.
    UNVERIFIED_REPORT = "unverified_report", _("Unconfirmed victim report")
    # A police officer took the report, or the victim's own bank reported the transfer.
    CONFIRMED = "confirmed", _("Confirmed by the police or the victim's bank")
    # A prosecutor's or a court's order.
    ORDER = "order", _("Order of a prosecutor or a court")

    @property
    def rank(self) -> int:
        return list(Standing).index(self)


class HoldAlertQuerySet(models.QuerySet["HoldAlert"]):
    def visible_to(self, actor: PossibleActor) -> HoldAlertQuerySet:
        """Police report readers see the alerts of the reports they see; a partner officer or a
        partner system with ``inbox:read`` sees the alerts addressed to its own organisation."""
        organisation = actor_organisation(actor)
        if organisation is None:
            return self.none()
        if actor_has_capability(actor, Capability.VIEW_REPORTS):
            if organisation.kind == OrganisationKind.CENTRAL:
                return self.all()
            if organisation.kind == OrganisationKind.REGIONAL:
                return self.filter(report__department_id=organisation.pk)
        if actor_has_capability(actor, Capability.VIEW_INBOX):
            return self.filter(bank_id=organisation.pk)
        return self.none()


class HoldAlert(TimeStampedModel, PublicIdentifierModel):
    """A golden-hour alert: money left a victim's account minutes ago; the receiving bank is told.

    The hold workflow proper (request, acknowledgement, hold, next hop) builds on this record.
    """

    report = models.ForeignKey(
        "reports.Report", on_delete=models.CASCADE, related_name="hold_alerts"
    )
    transfer = models.ForeignKey(
        "reports.ReportTransfer", on_delete=models.CASCADE, related_name="hold_alerts"
    )
    bank = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="hold_alerts"
    )
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="KZT")
    minutes_since_transfer = models.PositiveIntegerField(_("minutes since the transfer"))
    standing = models.CharField(_("standing"), max_length=20, choices=Standing.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=HoldAlertStatus.choices, default=HoldAlertStatus.QUEUED
    )
    delivered_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    objects = HoldAlertQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-created_at"]
        verbose_name = _("hold alert")
        verbose_name_plural = _("hold alerts")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["transfer", "bank"], name="blocking_one_alert_per_transfer_and_bank"
            )
        ]
        indexes: ClassVar = [
            # The per-bank budget of unverified alerts counts the last hour's by bank.
            models.Index(fields=["bank", "standing", "created_at"], name="blocking_alert_budget"),
            # Alerts still waiting for the bank or for the duty officer, newest first: a few at
            # any time among millions acknowledged, so the index holds only them.
            models.Index(
                fields=["status", "-created_at"],
                condition=Q(status__in=[*WAITING_ALERT_STATUSES, HoldAlertStatus.HELD_BACK]),
                name="blocking_alert_waiting",
            ),
        ]

    def __str__(self) -> str:
        return f"hold alert {self.public_id} → {self.bank_id}"


class OutboxMessage(models.Model):
    """A message for a partner, written in the transaction that decided it, delivered later.

    ``next_attempt_at`` and ``attempts`` drive retries with back-off; after ``MAXIMUM_ATTEMPTS``
    the message is dead-lettered (``failed_at``) for a person to look at.
    """

    MAXIMUM_ATTEMPTS = 12

    message_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # None for messages to people (a reporter's SMS or e-mail) rather than to a partner.
    recipient = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="outbox_messages",
        null=True,
        blank=True,
    )
    kind = models.CharField(max_length=50, choices=MessageKind.choices)
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    next_attempt_at = models.DateTimeField(db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    delivered_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering: ClassVar = ["next_attempt_at", "id"]
        indexes: ClassVar = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(delivered_at__isnull=True, failed_at__isnull=True),
                name="blocking_outbox_due",
            ),
            # The relay's fair claim: the recipients with due messages and each one's oldest,
            # then each recipient's share, without reading a failing partner's whole backlog.
            models.Index(
                fields=["recipient", "next_attempt_at"],
                condition=Q(delivered_at__isnull=True, failed_at__isnull=True),
                name="blocking_outbox_due_by_partner",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.message_id}"


class InboxItemQuerySet(models.QuerySet["PartnerInboxItem"]):
    def visible_to(self, actor: PossibleActor) -> InboxItemQuerySet:
        """The messages addressed to the actor's organisation, for those who read its inbox."""
        organisation = actor_organisation(actor)
        if organisation is None or not actor_has_capability(actor, Capability.VIEW_INBOX):
            return self.none()
        return self.filter(recipient_id=organisation.pk)

    def changeable_by(self, actor: PossibleActor) -> InboxItemQuerySet:
        """The messages an actor may acknowledge: its own organisation's, with the capability."""
        if is_system(actor):
            return self.all()
        organisation = actor_organisation(actor)
        if organisation is None or not actor_has_capability(actor, Capability.ACKNOWLEDGE_INBOX):
            return self.none()
        return self.filter(recipient_id=organisation.pk)


class PartnerInboxItem(models.Model):
    """A message delivered into a partner's inbox in kuzet (the built-in partner channel).

    ``message_id`` is unique: a second delivery of the same outbox message changes nothing, so
    at-least-once delivery is applied exactly once.
    """

    message_id = models.UUIDField(unique=True, editable=False)
    # Indexed by the inbox index below, which leads with the recipient.
    recipient = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="inbox_items",
        db_index=False,
    )
    kind = models.CharField(max_length=50, choices=MessageKind.choices)
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    objects = InboxItemQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-received_at", "-id"]
        indexes: ClassVar = [
            # A partner's inbox, newest first (page and API), without sorting its whole inbox.
            models.Index(fields=["recipient", "-received_at", "-id"], name="blocking_inbox_newest"),
            # What still waits for confirmation: the banner's count and ``?unacknowledged=true``.
            models.Index(
                fields=["recipient", "-received_at", "-id"],
                condition=Q(acknowledged_at__isnull=True),
                name="blocking_inbox_unacknowledged",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.message_id}"

    @property
    def standing(self) -> str | None:
        """The standing the alert was sent with (``Standing``), or None for other messages."""
        value = self.payload.get("standing") if isinstance(self.payload, dict) else None
        return value if value in Standing.values else None

    @property
    def is_unverified(self) -> bool:
        return self.standing == Standing.UNVERIFIED_REPORT

    def standing_summary(self) -> str:
        """What the standing means, in the reader's language, as the partner was sent it."""
        summaries = self.payload.get("standing_summary") if isinstance(self.payload, dict) else None
        if not isinstance(summaries, dict):
            return ""
        language = (get_language() or "ru")[:2]
        return str(summaries.get(language) or summaries.get("ru") or "")


class SeenNonce(models.Model):
    """A nonce a partner's signed message carried, remembered until its signature expires.

    ``signing.signature_verify`` bounds a replay to the five-minute window; this table closes
    the window: the unique constraint makes "seen before" one insert that either succeeds or
    does not, even when two copies of a message arrive at once.
    """

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    nonce = models.CharField(max_length=64)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["organisation", "nonce"], name="blocking_nonce_once_per_partner"
            )
        ]

    def __str__(self) -> str:
        return f"nonce {self.nonce} of {self.organisation_id}"


class DeliveryMode(models.TextChoices):
    """How a partner takes its messages: it reads its inbox (poll), or kuzet posts them."""

    POLL = "poll", _("Reads its inbox in kuzet (screen or API)")
    WEBHOOK = "webhook", _("Receives signed messages at its own endpoint")


class PartnerEndpoint(TimeStampedModel):
    """A partner's delivery configuration: poll (the default, with no row) or webhook.

    The signing key is stored readable, not hashed: HMAC needs the same key on both sides to
    sign each message and check each callback, so a digest would be useless. Production keeps
    the database encrypted at rest and the key never leaves kuzet except once, to the partner,
    when it is made. On rotation the previous key stays valid until ``previous_key_valid_until``
    for the partner's callbacks, so the partner can switch without losing a message.
    """

    organisation = models.OneToOneField(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="delivery_endpoint"
    )
    mode = models.CharField(
        _("delivery mode"), max_length=10, choices=DeliveryMode.choices, default=DeliveryMode.POLL
    )
    url = models.URLField(_("webhook address"), max_length=500, blank=True)
    signing_key = models.CharField(max_length=100)
    previous_signing_key = models.CharField(max_length=100, blank=True)
    previous_key_valid_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("partner delivery endpoint")
        verbose_name_plural = _("partner delivery endpoints")
        constraints: ClassVar = [
            # A webhook partner without an address would have every message dead-lettered.
            models.CheckConstraint(
                condition=~Q(mode=DeliveryMode.WEBHOOK) | ~Q(url=""),
                name="blocking_webhook_has_address",
            )
        ]

    def __str__(self) -> str:
        return f"{self.mode} delivery for {self.organisation_id}"

    def verification_keys(self, now: datetime) -> list[str]:
        """The keys a partner's signature may use now: the current one, and the previous one
        until its grace period ends."""
        keys = [self.signing_key]
        if (
            self.previous_signing_key
            and self.previous_key_valid_until is not None
            and now < self.previous_key_valid_until
        ):
            keys.append(self.previous_signing_key)
        return keys
