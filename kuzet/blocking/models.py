"""Hold alerts, the transactional outbox, and partners' inboxes.

Nothing is sent to a partner from inside a web request. The service that decides to alert a bank
writes an ``OutboxMessage`` in the same transaction as the decision; a worker delivers it through
the partner's channel (``channels/``), at least once, and the partner's side applies it once
(the message id is unique in the inbox).
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kuzet.core.actors import actor_organisation
from kuzet.core.models import PublicIdentifierModel, TimeStampedModel


class HoldAlertStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    DELIVERED = "delivered", _("Delivered")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    FAILED = "failed", _("Delivery failed")


class HoldAlertQuerySet(models.QuerySet["HoldAlert"]):
    def visible_to(self, actor: object) -> HoldAlertQuerySet:
        """Police see the alerts of the reports they see; a bank sees the alerts addressed to it."""
        organisation = actor_organisation(actor)
        if organisation is None:
            return self.none()
        if organisation.kind == "central":
            return self.all()
        if organisation.kind == "regional":
            return self.filter(report__department=organisation)
        return self.filter(bank=organisation)


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
    kind = models.CharField(max_length=50)
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
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.message_id}"


class InboxItemQuerySet(models.QuerySet["PartnerInboxItem"]):
    def visible_to(self, actor: object) -> InboxItemQuerySet:
        organisation = actor_organisation(actor)
        if organisation is None:
            return self.none()
        return self.filter(recipient=organisation)


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
    kind = models.CharField(max_length=50)
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
