"""``kuzet audit verify``: walk the hash chain and name the first entry that does not fit."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kuzet.audit.services import audit_verify


class Command(BaseCommand):
    help = "Audit log tools. 'verify' checks the hash chain from the first entry to the last."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        verify = actions.add_parser("verify", help="Check every entry of the chain.")
        verify.add_argument(
            "--expect-head",
            metavar="HASH",
            help="The head hash recorded earlier, to detect entries cut off the end.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_verify(expected_head=options.get("expect_head"))
        if not result.is_valid:
            raise CommandError(
                f"Audit chain broken at entry {result.first_bad_sequence}: {result.problem}. "
                f"{result.checked} entries before it verified."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit chain intact: {result.checked} entries, head #{result.head_sequence} "
                f"{result.head_hash}"
            )
        )
