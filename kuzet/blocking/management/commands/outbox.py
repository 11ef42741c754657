"""``kuzet outbox deliver [--follow]``: the relay that carries outbox messages to partners."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError

from kuzet.blocking.models import OutboxMessage
from kuzet.blocking.services import outbox_deliver_due


class Command(BaseCommand):
    help = "Deliver due outbox messages; --follow keeps polling (run one or more in production)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        deliver = actions.add_parser("deliver", help="Deliver what is due.")
        deliver.add_argument("--follow", action="store_true", help="Keep polling.")
        deliver.add_argument("--interval", type=float, default=1.0, help="Seconds between polls.")
        actions.add_parser("status", help="Count queued, delivered and dead-lettered messages.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "status":
            queued = OutboxMessage.objects.filter(delivered_at__isnull=True, failed_at__isnull=True)
            self.stdout.write(
                f"queued {queued.count()}, delivered "
                f"{OutboxMessage.objects.filter(delivered_at__isnull=False).count()}, "
                f"dead-lettered {OutboxMessage.objects.filter(failed_at__isnull=False).count()}"
            )
            return
        while True:
            try:
                delivered = outbox_deliver_due()
            except DatabaseError:
                # The database is restarting: nothing was marked delivered, so nothing is lost.
                delivered = 0
                self.stderr.write("database unavailable; retrying")
            if delivered:
                self.stdout.write(f"delivered {delivered}")
            if not options["follow"]:
                return
            if not delivered:
                # Poll again at once while there is a backlog; rest only when nothing was due.
                time.sleep(options["interval"])
