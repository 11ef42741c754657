"""Reference data: regions, organisations and card prefixes seeded from ``kuzet.reference``."""

from __future__ import annotations

from typing import Any

from kuzet import reference
from kuzet.accounts.models import (
    CardPrefix,
    Organisation,
    OrganisationKind,
    Region,
)


def reference_data_seed(
    *,
    region_model: Any = Region,
    organisation_model: Any = Organisation,
    card_prefix_model: Any | None = CardPrefix,
) -> dict[str, int]:
    """Create or refresh the regions, organisations and card prefixes of ``kuzet.reference``.
    Idempotent.

    Used by the data migrations (which pass their historical models; the first runs before the
    card prefix table exists and passes None) and by tests that run after a database flush.
    """
    regions = {}
    for region in reference.regions():
        regions[region.iso_code], _created = region_model.objects.update_or_create(
            iso_code=region.iso_code,
            defaults={
                "old_iso_code": region.old_iso or "",
                "kind": region.kind,
                "name_kk": region.name["kk"],
                "name_ru": region.name["ru"],
                "name_en": region.name["en"],
                "centre_kk": (region.centre or {}).get("kk", ""),
                "centre_ru": (region.centre or {}).get("ru", ""),
                "centre_en": (region.centre or {}).get("en", ""),
                "phone_code": region.phone_code,
                "tile_row": region.row,
                "tile_column": region.col,
                "population_thousands": region.population_thousands,
            },
        )
    data = reference.organisations()
    rows: list[dict[str, Any]] = []
    central = data["central"]
    rows.append(
        {"code": central["code"], "kind": OrganisationKind.CENTRAL, "names": central["name"]}
    )
    for region in reference.regions():
        rows.append(
            {
                "code": f"DP-{region.iso_code}",
                "kind": OrganisationKind.REGIONAL,
                "names": region.police_department,
                "region": regions[region.iso_code],
            }
        )
    for bank in reference.banks():
        rows.append(
            {
                "code": bank.code,
                "kind": OrganisationKind.BANK,
                "names": bank.names,
                "bic": bank.bic,
                "iban_bank_code": bank.iban_code,
                "domain": bank.domain or "",
            }
        )
    for operator in reference.mobile_operators():
        rows.append(
            {
                "code": operator.code,
                "kind": OrganisationKind.TELECOM,
                "names": {"kk": operator.name, "ru": operator.name_ru, "en": operator.name},
                "mobile_prefixes": list(operator.prefixes),
                "domain": operator.domain or "",
            }
        )
    for platform in data["platforms"]:
        names = {"kk": platform["name"], "ru": platform["name"], "en": platform["name"]}
        rows.append(
            {
                "code": platform["code"],
                "kind": OrganisationKind.PLATFORM,
                "names": names,
                "domain": platform["domain"],
            }
        )
    for agency in data["agencies"]:
        rows.append(
            {"code": agency["code"], "kind": OrganisationKind.AGENCY, "names": agency["name"]}
        )
    for registry in data["registries"]:
        rows.append(
            {"code": registry["code"], "kind": OrganisationKind.REGISTRY, "names": registry["name"]}
        )
    for partner in data["foreign_partners"]:
        names = {"kk": partner["name"], "ru": partner["name"], "en": partner["name"]}
        rows.append(
            {
                "code": partner["code"],
                "kind": OrganisationKind.FOREIGN_PARTNER,
                "names": names,
                "country_code": partner["country"],
                "contact_point": partner["contact"],
            }
        )
    for row in rows:
        names = row.pop("names")
        organisation_model.objects.update_or_create(
            code=row.pop("code"),
            defaults={
                **row,
                "name_kk": names["kk"],
                "name_ru": names["ru"],
                "name_en": names["en"],
            },
        )
    counts = {"regions": len(regions), "organisations": len(rows)}
    if card_prefix_model is not None:
        counts["card prefixes"] = card_prefixes_seed(
            organisation_model=organisation_model, card_prefix_model=card_prefix_model
        )
    return counts


def card_prefixes_seed(
    *, organisation_model: Any = Organisation, card_prefix_model: Any = CardPrefix
) -> int:
    """Make the card prefix table exactly ``kuzet.reference.card_prefixes()``; return its size.

    A prefix dropped from the reference data is deleted: a BIN no longer known to be a bank's
    must stop alerting that bank. Ranges are expanded to one row per prefix, so intake finds a
    card's bank with an equality look-up on an index.
    """
    wanted = reference.card_prefixes()
    sources = {
        prefix: card_range.source
        for card_range in reference.card_ranges()
        for prefix in card_range.prefixes()
    }
    banks = dict(
        organisation_model.objects.filter(code__in=set(wanted.values())).values_list("code", "pk")
    )
    card_prefix_model.objects.exclude(prefix__in=list(wanted)).delete()
    for prefix, bank_code in wanted.items():
        card_prefix_model.objects.update_or_create(
            prefix=prefix, defaults={"bank_id": banks[bank_code], "source": sources[prefix]}
        )
    return len(wanted)
