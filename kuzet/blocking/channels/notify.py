"""Messages to people (a reporter's SMS or e-mail) behind the same channel interface.

No SMS or e-mail gateway is reachable from here, so two honest backends exist: ``console``
writes the message to standard output (development), ``file`` appends it as a JSON line to
``var/notifications.jsonl`` (the demo and the tests read it). A gateway is one more class with
``deliver``; ``KUZET_NOTIFICATION_BACKEND`` picks it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.conf import settings

from kuzet.blocking.channels.base import OutgoingMessage, PartnerChannel


class ConsoleNotifier:
    def deliver(self, message: OutgoingMessage) -> None:
        sys.stdout.write(f"[notification {message.message_id}] {message.payload.get('text')}\n")


class FileNotifier:
    """Appends one JSON line per message; the message id lets a reader drop repeats."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def deliver(self, message: OutgoingMessage) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"message_id": str(message.message_id), **message.payload})
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")


def notifier_channel() -> PartnerChannel:
    if settings.NOTIFICATION_BACKEND == "file":
        return FileNotifier(Path(settings.VAR_DIR) / "notifications.jsonl")
    return ConsoleNotifier()
