"""The interface every partner channel implements."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol
from uuid import UUID


@dataclass(frozen=True)
class OutgoingMessage:
    """What a channel needs to deliver: a stable id (the partner dedups on it) and the body."""

    message_id: UUID
    recipient_code: str
    kind: str
    payload: dict[str, object]


class DeliveryFailed(Exception):
    """The partner could not be reached or refused the message; retry later."""


class PartnerChannel(Protocol):
    def deliver(self, message: OutgoingMessage) -> None:
        """Deliver once or raise ``DeliveryFailed``. Delivering the same id twice must be safe."""
        ...
