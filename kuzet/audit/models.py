"""The audit log: append-only, hash-chained, written in the same transaction as the change.

Each entry stores the hash of the entry before it and a hash over its own content (sequence
included), so editing, removing or reordering any entry breaks the chain at that entry.
``kuzet audit verify`` walks the chain. On PostgreSQL a trigger also refuses UPDATE and DELETE
(migration 0002); here the ORM refuses them too, so no code path of ours can rewrite history.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from kuzet.core.actors import PossibleActor, actor_has_capability
from kuzet.core.models import AuditAction
from kuzet.core.permissions import Capability

GENESIS_HASH = "0" * 64


class AuditLogAction(AuditAction):
    """What the audit app itself records."""

    # A consultation of personal data, with its purpose (``audit_read``).
    READ = "read"
    # An auditor reading the audit log.
    AUDIT_READ = "audit.read"


class Outcome(models.TextChoices):
    SUCCESS = "success", _("Success")
    DENIED = "denied", _("Denied")
    FAILURE = "failure", _("Failure")


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or remove an audit entry."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def visible_to(self, actor: PossibleActor) -> AuditEventQuerySet:
        """Only auditors read the audit log (security.md C12); their reads are audited in turn."""
        if actor_has_capability(actor, Capability.VIEW_AUDIT):
            return self.all()
        return self.none()

    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("audit entries cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit entries cannot be deleted")


class AuditEvent(models.Model):
    """One audited act: a change, a denial, a login, or a read of personal data with its purpose.

    No personal data is stored here: objects are named by type and id, and the before/after
    states only by their SHA-256 digests.
    """

    sequence = models.PositiveBigIntegerField(_("sequence"), unique=True, editable=False)
    occurred_at = models.DateTimeField(_("time"), editable=False)
    actor_user = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    actor_api_client = models.ForeignKey(
        "accounts.ApiClient",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    actor_label = models.CharField(_("actor"), max_length=150, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    action = models.CharField(_("action"), max_length=100, editable=False)
    outcome = models.CharField(
        _("outcome"),
        max_length=10,
        choices=Outcome.choices,
        default=Outcome.SUCCESS,
        editable=False,
    )
    object_type = models.CharField(_("object type"), max_length=60, blank=True, editable=False)
    object_id = models.CharField(_("object id"), max_length=64, blank=True, editable=False)
    purpose = models.CharField(_("purpose or legal basis"), max_length=300, blank=True)
    before_digest = models.CharField(max_length=64, blank=True, editable=False)
    after_digest = models.CharField(max_length=64, blank=True, editable=False)
    client_address = models.GenericIPAddressField(null=True, blank=True, editable=False)
    previous_hash = models.CharField(max_length=64, editable=False)
    entry_hash = models.CharField(max_length=64, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-sequence"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes: ClassVar = [
            models.Index(fields=["occurred_at"]),
            # The auditors' filters, each in the page's order (newest sequence first), so a
            # page of one actor's or one object's entries reads only that page.
            models.Index(
                fields=["object_type", "object_id", "-sequence"], name="audit_object_newest"
            ),
            models.Index(fields=["actor_label", "-sequence"], name="audit_actor_newest"),
            models.Index(fields=["actor_user", "occurred_at"]),
            # Refusals and failures, newest first: what an auditor looks at first (home page,
            # ``?outcome=``), a small part of a chain made mostly of successful reads.
            models.Index(
                fields=["outcome", "-sequence"],
                condition=~models.Q(outcome="success"),
                name="audit_refusals_newest",
            ),
        ]
        # Constraints rather than unique=True: the same guarantee without the LIKE-pattern
        # twin index PostgreSQL would also build for each hash column.
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["previous_hash"], name="audit_one_successor"),
            models.UniqueConstraint(fields=["entry_hash"], name="audit_entry_hash_unique"),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.outcome}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit entries cannot be deleted")

    def chained_content(self) -> dict[str, Any]:
        """Exactly the fields the hash covers, in a form that survives a database round trip."""
        return {
            "sequence": self.sequence,
            "occurred_at": self.occurred_at.isoformat(timespec="microseconds"),
            "actor_user": self.actor_user_id,
            "actor_api_client": self.actor_api_client_id,
            "actor_label": self.actor_label,
            "organisation": self.organisation_id,
            "action": self.action,
            "outcome": self.outcome,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "purpose": self.purpose,
            "before_digest": self.before_digest,
            "after_digest": self.after_digest,
            "client_address": self.client_address,
            "previous_hash": self.previous_hash,
        }

    def compute_hash(self) -> str:
        canonical = json.dumps(
            self.chained_content(), sort_keys=True, separators=(",", ":"), ensure_ascii=True
        )
        # 0x00 domain-separates entry hashes from any future Merkle node hashes (RFC 6962).
        return hashlib.sha256(b"\x00" + canonical.encode("ascii")).hexdigest()
