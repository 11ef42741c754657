"""Seed the regions and organisations from ``kuzet.reference`` (idempotent)."""

from typing import Any

from django.db import migrations


def seed(apps: Any, schema_editor: Any) -> None:
    from kuzet.accounts.services import reference_data_seed  # noqa: PLC0415

    reference_data_seed(
        region_model=apps.get_model("accounts", "Region"),
        organisation_model=apps.get_model("accounts", "Organisation"),
        # The card prefix table arrives in 0004; 0005 seeds it.
        card_prefix_model=None,
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
