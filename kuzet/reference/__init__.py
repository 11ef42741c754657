"""Reference data of Kazakhstan that every part of kuzet shares.

A pure module (no Django): the indicator engine, the simulated world and the seeding migrations
all read the same JSON files here, so a bank code or an operator prefix is written down once.
Sources and caveats are in ``shared/reference/kazakhstan.md``; re-check banks against the
National Bank's BIC directory before seeding production.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

__all__ = [
    "CARD_PREFIX_LENGTHS",
    "Bank",
    "CardRange",
    "MobileOperator",
    "Region",
    "Scheme",
    "bank_by_iban_code",
    "bank_code_for_card",
    "banks",
    "card_prefixes",
    "card_ranges",
    "label_in",
    "mobile_operators",
    "operator_by_prefix",
    "organisations",
    "regions",
    "schemes",
]

DATA_DIRECTORY = Path(__file__).parent
# How long a card's issuer prefix (BIN) can be: six digits, eight since ISO/IEC 7812-1:2017.
CARD_PREFIX_LENGTHS = (6, 7, 8)


def _load(name: str) -> Any:
    return json.loads((DATA_DIRECTORY / name).read_text(encoding="utf-8"))


@dataclass(frozen=True, slots=True)
class Region:
    """A region (ISO 3166-2:KZ, codes since 2022) and its police department."""

    iso_code: str
    old_iso: str | None
    kind: str
    name: dict[str, str]
    centre: dict[str, str] | None
    phone_code: str
    row: int
    col: int
    police_department: dict[str, str]
    population_thousands: int


@dataclass(frozen=True, slots=True)
class Bank:
    """A Kazakh bank: its BIC, the three-digit bank code inside a KZ IBAN, and its official name
    in each language (``brand`` is the short trade name, the same in every language)."""

    code: str
    brand: str
    name_ru: str
    name_kk: str
    name_en: str
    bic: str
    iban_code: str
    former_names: tuple[str, ...]
    domain: str | None
    active: bool

    @property
    def names(self) -> dict[str, str]:
        """The official name by language code, as ``label_in`` reads it."""
        return {"kk": self.name_kk, "ru": self.name_ru, "en": self.name_en}


@dataclass(frozen=True, slots=True)
class CardRange:
    """Card prefixes (BINs) of one length, ``first`` to ``last`` inclusive, issued by a bank.

    Only publicly listed BINs, each with its source (``README.md`` beside the data file).
    """

    bank: str
    first: str
    last: str
    scheme: str
    issuer_as_listed: str
    source: str
    successor: str = ""

    def prefixes(self) -> tuple[str, ...]:
        """Every prefix of the range, as written on a card (leading zeros kept)."""
        width = len(self.first)
        return tuple(f"{value:0{width}d}" for value in range(int(self.first), int(self.last) + 1))


@dataclass(frozen=True, slots=True)
class MobileOperator:
    """A mobile operator and the +7 prefixes it was assigned (a hint only: numbers are portable)."""

    code: str
    name: str
    name_ru: str
    domain: str | None
    prefixes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Scheme:
    """A fraud scheme (modus operandi) with kk/ru/en labels and its 2025 weight."""

    code: str
    label: dict[str, str]
    weight_2025: int


@cache
def regions() -> tuple[Region, ...]:
    return tuple(Region(**row) for row in _load("regions.json"))


@cache
def banks() -> tuple[Bank, ...]:
    return tuple(
        Bank(**{**row, "former_names": tuple(row["former_names"])}) for row in _load("banks.json")
    )


@cache
def card_ranges() -> tuple[CardRange, ...]:
    ranges = tuple(CardRange(**row) for row in _load("card_ranges.json"))
    for card_range in ranges:
        if (
            not (card_range.first.isdigit() and card_range.last.isdigit())
            or len(card_range.first) != len(card_range.last)
            or len(card_range.first) not in CARD_PREFIX_LENGTHS
            or card_range.first > card_range.last
        ):
            raise ValueError(f"card_ranges.json: bad range {card_range.first}-{card_range.last}")
    return ranges


@cache
def card_prefixes() -> dict[str, str]:
    """Card prefix → the code of the bank that issued it, every range expanded."""
    prefixes: dict[str, str] = {}
    for card_range in card_ranges():
        for prefix in card_range.prefixes():
            if prefixes.setdefault(prefix, card_range.bank) != card_range.bank:
                raise ValueError(f"card_ranges.json: {prefix} is listed for two banks")
    return prefixes


@cache
def mobile_operators() -> tuple[MobileOperator, ...]:
    return tuple(
        MobileOperator(**{**row, "prefixes": tuple(row["prefixes"])})
        for row in _load("operators.json")
    )


@cache
def schemes() -> tuple[Scheme, ...]:
    return tuple(Scheme(**row) for row in _load("schemes.json"))


@cache
def organisations() -> dict[str, Any]:
    """Central department, platforms, agencies, registries and example foreign partners."""
    data: dict[str, Any] = _load("organisations.json")
    return data


@cache
def _banks_by_iban_code() -> dict[str, Bank]:
    return {bank.iban_code: bank for bank in banks()}


@cache
def _operators_by_prefix() -> dict[str, MobileOperator]:
    return {prefix: operator for operator in mobile_operators() for prefix in operator.prefixes}


def label_in(values: dict[str, str], language: str) -> str:
    """The kk/ru/en form of a label, falling back to Russian then English."""
    return values.get(language[:2]) or values.get("ru") or values.get("en") or ""


def bank_by_iban_code(code: str) -> Bank | None:
    """The bank whose three-digit code appears in positions 5-7 of a KZ IBAN."""
    return _banks_by_iban_code().get(code)


def bank_code_for_card(number: str) -> str | None:
    """The bank whose BIN is the longest listed prefix of ``number`` (digits only), if any."""
    prefixes = card_prefixes()
    for length in sorted(CARD_PREFIX_LENGTHS, reverse=True):
        code = prefixes.get(number[:length]) if len(number) > length else None
        if code is not None:
            return code
    return None


def operator_by_prefix(prefix: str) -> MobileOperator | None:
    """The operator a three-digit +7 prefix was assigned to (``"701"`` → Kcell)."""
    return _operators_by_prefix().get(prefix)
