"""Refresh the seeded organisations: banks now carry their official Kazakh and English names.

Until now a bank's Kazakh and English names were its Latin brand ("Halyk Bank"), so Kazakh pages
showed no Kazakh name; ``kuzet/reference/banks.json`` now holds all three. Re-running the
idempotent seed updates existing databases the same way a new one is seeded.
"""

from typing import Any

from django.db import migrations


def seed(apps: Any, schema_editor: Any) -> None:
    from kuzet.accounts.services import reference_data_seed  # noqa: PLC0415

    reference_data_seed(
        region_model=apps.get_model("accounts", "Region"),
        organisation_model=apps.get_model("accounts", "Organisation"),
        card_prefix_model=apps.get_model("accounts", "CardPrefix"),
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_card_prefix_reference_data")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
