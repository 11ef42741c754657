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
    """The partner could not be reached or could not take the message now; retry later.

    ``retry_after`` is the partner's own "not before" in seconds (HTTP ``Retry-After``): the
    relay never retries earlier. ``permanent`` means the partner refused this message and a
    retry would be refused the same way: the relay dead-letters it at once.
    """

    def __init__(
        self, reason: str, *, retry_after: float | None = None, permanent: bool = False
    ) -> None:
        super().__init__(reason)
        self.retry_after = retry_after
        self.permanent = permanent


class PartnerChannel(Protocol):
    def deliver(self, message: OutgoingMessage) -> None:
        """Deliver once or raise ``DeliveryFailed``. Delivering the same id twice must be safe."""
        ...
