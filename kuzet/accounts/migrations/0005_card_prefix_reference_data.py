"""Seed the card prefixes (BINs) of Kazakh issuing banks from ``kuzet.reference`` (idempotent)."""

from typing import Any

from django.db import migrations


def seed(apps: Any, schema_editor: Any) -> None:
    from kuzet.accounts.services import card_prefixes_seed  # noqa: PLC0415

    card_prefixes_seed(
        organisation_model=apps.get_model("accounts", "Organisation"),
        card_prefix_model=apps.get_model("accounts", "CardPrefix"),
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_card_prefix")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
