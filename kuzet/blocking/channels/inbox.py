"""The built-in channel: the message is written into the partner's inbox in kuzet."""

from __future__ import annotations

from kuzet.accounts.models import Organisation
from kuzet.blocking.channels.base import OutgoingMessage
from kuzet.blocking.models import PartnerInboxItem


class InboxChannel:
    """Delivery is an insert keyed by the message id, so a repeated delivery is a no-op."""

    def deliver(self, message: OutgoingMessage) -> None:
        recipient = Organisation.objects.get(code=message.recipient_code)
        PartnerInboxItem.objects.get_or_create(
            message_id=message.message_id,
            defaults={"recipient": recipient, "kind": message.kind, "payload": message.payload},
        )
