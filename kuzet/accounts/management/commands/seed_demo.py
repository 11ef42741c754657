"""``kuzet seed-demo``: reference data and the demo personas, on whatever DATABASE_URL names.

Idempotent: a second run changes nothing and prints the same logins. The personas are the same
ones the tests use (``kuzet/testing.py``). Refused in production.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from kuzet.accounts import services
from kuzet.accounts.models import Organisation, User
from kuzet.audit.services import SystemActor
from kuzet.testing import DEMO_PASSWORD, PERSONAS


class Command(BaseCommand):
    help = "Seed reference data and demo users (demo mode only) and print their logins."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError("seed-demo runs only in demo mode (KUZET_DEMO_MODE=true).")
        with transaction.atomic():
            counts = services.reference_data_seed()
            rows = []
            for persona in PERSONAS:
                user = User.objects.filter(username=persona.username).first()
                if user is None:
                    user = services.user_create(
                        actor=SystemActor("seed-demo"),
                        username=persona.username,
                        password=DEMO_PASSWORD,
                        organisation=Organisation.objects.get(code=persona.organisation_code),
                        role=persona.role,
                        first_name=persona.first_name,
                        last_name=persona.last_name,
                        preferred_language=persona.language,
                    )
                    if persona.is_platform_administrator:
                        User.objects.filter(pk=user.pk).update(is_staff=True)
                device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
                if device is None:
                    device = TOTPDevice.objects.create(user=user, name="demo", confirmed=True)
                rows.append((persona, services.totp_secret(device)))
        self.stdout.write(
            f"Reference data: {counts['regions']} regions, "
            f"{counts['organisations']} organisations, {counts['card prefixes']} card prefixes."
        )
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS("Demo logins (password for all: " + DEMO_PASSWORD + ")")
        )
        self.stdout.write(f"{'username':10} {'role':16} {'organisation':16} TOTP secret")
        for persona, secret in rows:
            self.stdout.write(
                f"{persona.username:10} {persona.role:16} {persona.organisation_code:16} {secret}"
            )
        self.stdout.write("")
        self.stdout.write(
            "Add a secret to any authenticator app, or print the current code with "
            "`.venv/bin/kuzet totp-code USERNAME`."
        )
