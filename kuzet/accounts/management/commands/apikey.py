"""``kuzet apikey create|list|revoke``: tokens for partner systems. A token is printed once."""

from __future__ import annotations

import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kuzet.accounts import services
from kuzet.accounts.models import ApiClient, ApiScope, Organisation, User
from kuzet.audit.services import SystemActor
from kuzet.core.permissions import SCOPE_KINDS


class Command(BaseCommand):
    help = "Create, list or revoke API tokens of partner systems."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = actions.add_parser("create", help="Issue a token (printed once).")
        create.add_argument(
            "--org", required=True, metavar="CODE", help="Organisation code, e.g. KASPI"
        )
        create.add_argument(
            "--scopes",
            required=True,
            metavar="SCOPE[,SCOPE]",
            help="Comma-separated, among those the organisation's kind may hold: "
            + "; ".join(
                f"{scope.value} ({', '.join(sorted(SCOPE_KINDS[scope]))})" for scope in ApiScope
            ),
        )
        create.add_argument("--name", default="partner system", help="What the client is.")
        create.add_argument("--days", type=int, default=90, help="Days until it expires (1-366).")
        create.add_argument("--user", metavar="USERNAME", help="Responsible person (optional).")
        listing = actions.add_parser("list", help="List tokens (prefixes only).")
        listing.add_argument("--org", metavar="CODE")
        revoke = actions.add_parser("revoke", help="Revoke a token by its prefix.")
        revoke.add_argument("prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            self._create(options)
        elif action == "list":
            clients = ApiClient.objects.select_related("organisation").order_by(
                "organisation__code"
            )
            if options.get("org"):
                clients = clients.filter(organisation__code=options["org"])
            for client in clients:
                state = (
                    "revoked"
                    if client.revoked_at
                    else ("usable" if client.is_usable else "expired")
                )
                self.stdout.write(
                    f"{client.token_prefix}  {client.organisation.code:12} {client.name:24} "
                    f"{','.join(client.scopes):40} {client.expires_at:%Y-%m-%d} {state}"
                )
        else:
            found = ApiClient.objects.filter(token_prefix=options["prefix"]).first()
            if found is None:
                raise CommandError(f"No token with the prefix {options['prefix']!r}.")
            services.api_client_revoke(
                actor=SystemActor(f"cli:apikey ({getpass.getuser()})"),
                api_client=found,
                reason="revoked from the command line",
            )
            self.stdout.write(self.style.SUCCESS(f"Revoked {found.token_prefix}."))

    def _create(self, options: dict[str, Any]) -> None:
        organisation = Organisation.objects.filter(code=options["org"]).first()
        if organisation is None:
            raise CommandError(
                f"No organisation with the code {options['org']!r}. "
                'See the codes with: kuzet shell -c "from kuzet.accounts.models import '
                "Organisation; print(*Organisation.objects.values_list('code', flat=True))\""
            )
        responsible = None
        if options.get("user"):
            responsible = User.objects.filter(username=options["user"]).first()
            if responsible is None:
                raise CommandError(f"No user called {options['user']!r}.")
        scopes = [scope.strip() for scope in options["scopes"].split(",") if scope.strip()]
        try:
            issued = services.api_client_create(
                actor=SystemActor(f"cli:apikey ({getpass.getuser()})"),
                organisation=organisation,
                name=options["name"],
                scopes=scopes,
                expires_in_days=options["days"],
                responsible_user=responsible,
            )
        except services.AccountError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Token for {organisation.code} ({', '.join(issued.api_client.scopes)}), "
            f"expires {issued.api_client.expires_at:%Y-%m-%d}. It is shown only now:"
        )
        self.stdout.write(issued.token)
