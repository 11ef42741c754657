"""Validation: a report as a channel gives it → cleaned values, or every field at fault.

Pure: no database, no clock. The regions and the current time are passed in, so one batch
reads them once and a test states them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from functools import cache

from django.utils.translation import gettext as _

from kuzet import indicators, reference
from kuzet.accounts.models import Region
from kuzet.reports.models import AgeBand, ReportIndicator
from kuzet.reports.services.intake.inputs import (
    IntakeItem,
    ReportInput,
    ReportInvalid,
    replace_input,
)

MAXIMUM_TRANSFERS = 20
MAXIMUM_TYPED_IDENTIFIERS = 30
MAXIMUM_NARRATIVE = 20_000
# Identifiers that can carry money or contact: the ones worth a hold or a link.
TRANSFER_TARGET_TYPES = frozenset(
    {
        indicators.IndicatorType.IBAN,
        indicators.IndicatorType.CARD,
        indicators.IndicatorType.PHONE,
        indicators.IndicatorType.CRYPTO_WALLET,
    }
)
# A date this far ahead of the clock is a typo or a wrong time zone, not a slow clock.
CLOCK_TOLERANCE = timedelta(minutes=5)


_PHONE_EXAMPLE = "+7 701 234 56 78"
# What people put between the digits of a phone number; anything else is not a phone number.
_PHONE_SEPARATORS = re.compile(r"[\s().\-\u2010-\u2014\u2212]+")


def phone_problem(raw: str) -> str:
    """What is wrong with a phone number the indicator engine refused, and how to write it.

    The engine's own reason is English and technical (for logs and the CLI); a victim needs one
    sentence in her language that names the actual mistake: a missing or extra digit, a code
    that no operator in Kazakhstan or Russia uses, or characters that are not digits.
    """
    text = raw.strip()
    if text[:4].lower() == "tel:":
        text = text[4:].strip()
    compact = _PHONE_SEPARATORS.sub("", text)
    international = compact.startswith("+")
    digits = compact.removeprefix("+")
    if not digits or not (digits.isascii() and digits.isdigit()):
        return _(
            "Write the phone number with digits only, for example %(example)s or 8 701 234 56 78."
        ) % {"example": _PHONE_EXAMPLE}
    if digits.startswith("00"):
        international, digits = True, digits[2:]
    if international and not digits.startswith("7"):
        return _(
            "Check the country code and the number after the +: together they are not a valid "
            "phone number. A Kazakh number is written %(example)s."
        ) % {"example": _PHONE_EXAMPLE}
    if international or digits[0] == "8" or (digits[0] == "7" and len(digits) >= 11):
        national = digits[1:]
    else:
        national = digits
    if len(national) != 10:
        return _(
            "A Kazakh phone number has 10 digits after +7 or 8, for example %(example)s; "
            "this one has %(count)s."
        ) % {"example": _PHONE_EXAMPLE, "count": len(national)}
    if national == digits and national[0] not in "67":
        return _(
            "Put +7 or 8 in front of the number, for example %(example)s, so we know which "
            "country it is in."
        ) % {"example": _PHONE_EXAMPLE}
    return _(
        "No operator in Kazakhstan or Russia uses numbers starting +7 %(code)s; check the first "
        "digits, for example %(example)s."
    ) % {"code": national[:3], "example": _PHONE_EXAMPLE}


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def clean_text(value: str, limit: int) -> str:
    """``value`` without NUL characters or surrounding space, cut to ``limit`` characters."""
    # PostgreSQL text cannot hold NUL, and a NUL in a narrative is never meaningful.
    return value.replace("\x00", "").strip()[:limit]


def _parse_target(raw: str) -> indicators.Indicator | None:
    found = indicators.extract(raw)
    for candidate in found:
        if candidate.type.value in TRANSFER_TARGET_TYPES:
            return candidate
    return found[0] if found else None


@dataclass
class Validated:
    """A report that passed validation, with everything intake derived from it."""

    data: ReportInput
    typed: list[indicators.Indicator]
    extracted: list[indicators.Indicator]
    targets: list[indicators.Indicator | None]
    region: Region | None
    contact_phone: str

    @property
    def contact_key(self) -> str:
        return self.contact_phone or self.data.reporter_email.strip().lower()

    def found(self) -> list[tuple[indicators.Indicator, str]]:
        """Every identifier with where it came from; typed ones first."""
        return [
            *((found, ReportIndicator.Source.TYPED) for found in self.typed),
            *((found, ReportIndicator.Source.TRANSFER) for found in self.targets if found),
            *((found, ReportIndicator.Source.EXTRACTED) for found in self.extracted),
        ]


@dataclass(frozen=True)
class ValidRow:
    """One valid report of a batch: its place in the batch, what came in, what validation made
    of it, and when it counts as received."""

    index: int
    item: IntakeItem
    validated: Validated
    received_at: datetime


# Built once: Django's ``Choices.values`` builds a new list on every access.
_AGE_BANDS = frozenset(AgeBand.values)


@cache
def _scheme_codes() -> frozenset[str]:
    return frozenset(scheme.code for scheme in reference.schemes())


def validate(data: ReportInput, *, regions: Mapping[str, Region], now: datetime) -> Validated:
    """Check a report field by field; raise ``ReportInvalid`` naming every field at fault.

    ``regions`` maps ISO 3166-2:KZ codes to regions; ``now`` is the time dates may not be after.
    """
    errors: dict[str, str] = {}
    narrative = clean_text(data.narrative, MAXIMUM_NARRATIVE + 1)
    if len(narrative) > MAXIMUM_NARRATIVE:
        errors["narrative"] = _("Keep the description under %(limit)s characters.") % {
            "limit": MAXIMUM_NARRATIVE
        }
    if not narrative and not data.transfers and not data.suspect_identifiers:
        errors["narrative"] = _("Describe what happened, or give a transfer or an identifier.")
    if data.language not in {"kk", "ru", "en"}:
        errors["language"] = _("Use kk, ru or en.")
    if data.scheme and data.scheme not in _scheme_codes():
        errors["scheme"] = _("Pick one of the listed schemes, or leave it empty.")
    if data.victim_age_band not in _AGE_BANDS:
        errors["victim_age_band"] = _("Pick one of the listed age groups.")
    region = None
    if data.region_code:
        region = regions.get(data.region_code)
        if region is None:
            errors["region_code"] = _("Use an ISO 3166-2:KZ region code such as KZ-75.")
    if data.occurred_at and data.occurred_at > now + CLOCK_TOLERANCE:
        errors["occurred_at"] = _("The date is in the future.")
    contact_phone = ""
    if data.reporter_phone:
        try:
            contact_phone = indicators.parse_phone(data.reporter_phone).value
        except indicators.InvalidIndicator:
            errors["reporter_phone"] = phone_problem(data.reporter_phone)
    if len(data.suspect_identifiers) > MAXIMUM_TYPED_IDENTIFIERS:
        errors["suspect_identifiers"] = _("At most %(limit)s identifiers.") % {
            "limit": MAXIMUM_TYPED_IDENTIFIERS
        }
    typed: list[indicators.Indicator] = []
    for index, raw in enumerate(data.suspect_identifiers[:MAXIMUM_TYPED_IDENTIFIERS]):
        found = indicators.extract(clean_text(raw, 500))
        if not found:
            errors[f"suspect_identifiers[{index}]"] = _(
                "We could not read “%(line)s” as a phone, card, IBAN, link, e-mail, wallet or "
                "messenger account. Write one per line, for example +7 701 234 56 78, "
                "4400 4301 2345 6789 or @username."
            ) % {"line": _shorten(clean_text(raw, 500))}
        typed.extend(found)
    if len(data.transfers) > MAXIMUM_TRANSFERS:
        errors["transfers"] = _("At most %(limit)s transfers in one report.") % {
            "limit": MAXIMUM_TRANSFERS
        }
    targets: list[indicators.Indicator | None] = []
    for index, transfer in enumerate(data.transfers[:MAXIMUM_TRANSFERS]):
        prefix = f"transfers[{index}]"
        if not transfer.amount.is_finite() or transfer.amount <= 0:
            errors[f"{prefix}.amount"] = _("The amount must be a positive number.")
        elif transfer.amount >= Decimal("1e13"):
            errors[f"{prefix}.amount"] = _("The amount is too large.")
        currency = transfer.currency
        if len(currency) != 3 or not currency.isascii() or not currency.isalpha():
            errors[f"{prefix}.currency"] = _("Use a three-letter currency code such as KZT.")
        if transfer.transferred_at and transfer.transferred_at > now + CLOCK_TOLERANCE:
            errors[f"{prefix}.transferred_at"] = _("The time of the transfer is in the future.")
        to_account = clean_text(transfer.to_account, 200)
        target = _parse_target(to_account) if to_account else None
        if transfer.to_account and target is None:
            errors[f"{prefix}.to_account"] = _(
                "Give the receiving IBAN, card number, phone or wallet as written on the receipt."
            )
        targets.append(target)
    if errors:
        raise ReportInvalid(errors)
    return Validated(
        data=replace_input(data, narrative=narrative),
        typed=typed,
        extracted=indicators.extract(narrative) if narrative else [],
        targets=targets,
        region=region,
        contact_phone=contact_phone,
    )
