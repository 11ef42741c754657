"""Abstract bases shared by every app. ``core`` holds no concrete models on purpose."""

from __future__ import annotations

import uuid
from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(StrEnum):
    """Base of every app's enum of audited actions; ``audit_record`` takes nothing else.

    Each app owns its actions next to its models (``ReportAction``, ``AccountAction``, ...).
    A member's value is the string stored in the audit log and hashed into the chain, so a
    value is never changed once released: rename the member, keep the string.
    """


class TimeStampedModel(models.Model):
    """A row that remembers when it was created and last changed (UTC)."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, editable=False)

    class Meta:
        abstract = True


class PublicIdentifierModel(models.Model):
    """A row seen outside the building gets a UUID, so its database id never leaks or is guessed."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True
