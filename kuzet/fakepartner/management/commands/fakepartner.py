"""``kuzet fakepartner serve --port N``: the fake partners for the demo, on 127.0.0.1."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kuzet.blocking.models import DeliveryMode, PartnerEndpoint
from kuzet.fakepartner.server import FakePartners


def _key_of(code: str) -> str | None:
    """The partner's signing key, as kuzet configured it: a real partner got it out of band."""
    endpoint = (
        PartnerEndpoint.objects.filter(organisation__code=code, mode=DeliveryMode.WEBHOOK)
        .only("signing_key")
        .first()
    )
    return endpoint.signing_key if endpoint else None


class Command(BaseCommand):
    help = "Serve the fake partners (banks, telecoms, platforms) for the demo on 127.0.0.1."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        serve = actions.add_parser("serve", help="Receive kuzet's webhooks until stopped.")
        serve.add_argument("--port", type=int, default=8765)
        serve.add_argument("--host", default="127.0.0.1")

    def handle(self, *args: Any, **options: Any) -> None:
        service = FakePartners(host=options["host"], port=options["port"], key_lookup=_key_of)
        self.stdout.write(
            f"fake partners on {service.base_url}: point a partner's webhook at "
            f"{service.url_for('<CODE>')}"
        )
        try:
            service.serve_forever()
        except KeyboardInterrupt:
            self.stdout.write("stopped")
