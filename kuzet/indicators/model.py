"""The value types of the indicator engine: what an indicator is and how it fails."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum
from types import MappingProxyType
from typing import TypeAlias

__all__ = ["Indicator", "IndicatorType", "InvalidIndicator", "JSONValue", "new_indicator"]

JSONValue: TypeAlias = str | int | float | bool | None | list["JSONValue"] | dict[str, "JSONValue"]

_EMPTY_DETAILS: Mapping[str, JSONValue] = MappingProxyType({})

# Keys of ``Indicator.as_dict`` that a type's own details may never overwrite.
_RESERVED_KEYS = frozenset({"type", "value", "raw", "start", "end", "suspicious"})


class IndicatorType(StrEnum):
    """Every kind of fraud identifier the engine recognises; the value is the wire name."""

    PHONE = "phone"
    CARD = "card"
    CARD_PARTIAL = "card_partial"
    IBAN = "iban"
    IIN = "iin"
    BIN = "bin"
    EMAIL = "email"
    URL = "url"
    DOMAIN = "domain"
    IP = "ip"
    CRYPTO_WALLET = "crypto_wallet"
    MESSENGER_HANDLE = "messenger_handle"
    IMEI = "imei"


class InvalidIndicator(ValueError):
    """A value is not a valid indicator of the requested type; ``reason`` says why."""

    def __init__(self, indicator_type: IndicatorType | str, reason: str) -> None:
        self.indicator_type = str(indicator_type)
        self.reason = reason
        super().__init__(f"invalid {self.indicator_type}: {reason}")


@dataclass(frozen=True, slots=True)
class Indicator:
    """One identifier found in (or parsed from) a text.

    ``value`` is the canonical form used for matching and hashing; ``raw`` is the text exactly
    as written and ``start``/``end`` are character offsets into the caller's input, so
    ``text[start:end] == raw``. ``suspicious`` is true when the value only became valid after
    folding look-alike characters (non-ASCII digits, fullwidth or homoglyph letters) or removing
    invisible characters inside it: a sign that someone tried to evade filters.
    """

    type: IndicatorType
    value: str
    raw: str
    start: int
    end: int
    suspicious: bool = False
    details: Mapping[str, JSONValue] = field(default_factory=lambda: _EMPTY_DETAILS, hash=False)

    @property
    def masked(self) -> str:
        """The form to show by default: personal data partly hidden (see ``mask``)."""
        from kuzet.indicators.masking import mask

        return mask(self)

    def as_dict(self) -> dict[str, JSONValue]:
        """A flat, JSON-serialisable dict: the common fields plus the type's own details."""
        result: dict[str, JSONValue] = {
            "type": self.type.value,
            "value": self.value,
            "raw": self.raw,
            "start": self.start,
            "end": self.end,
            "suspicious": self.suspicious,
        }
        for key, detail in self.details.items():
            if key not in _RESERVED_KEYS:
                result[key] = detail
        return result

    def to_json(self) -> str:
        """``as_dict`` as one line of JSON (non-ASCII kept readable)."""
        return json.dumps(self.as_dict(), ensure_ascii=False, separators=(",", ":"))


# A frozen dataclass's __init__ assigns each field through object.__setattr__ by name (about
# 1.2 µs for seven fields); the extractor builds one Indicator per indicator found, so it fills
# the slots through their descriptors instead (less than half of that). The object is the same,
# and as immutable afterwards.
_SLOT_SETTERS = tuple(Indicator.__dict__[slot.name].__set__ for slot in fields(Indicator))
(_set_type, _set_value, _set_raw, _set_start, _set_end, _set_suspicious, _set_details) = (
    _SLOT_SETTERS
)
_new_object = object.__new__


def new_indicator(
    indicator_type: IndicatorType,
    value: str,
    raw: str,
    start: int,
    end: int,
    suspicious: bool,
    details: Mapping[str, JSONValue],
) -> Indicator:
    """``Indicator(indicator_type, value, raw, start, end, suspicious, details)``, faster."""
    indicator: Indicator = _new_object(Indicator)
    _set_type(indicator, indicator_type)
    _set_value(indicator, value)
    _set_raw(indicator, raw)
    _set_start(indicator, start)
    _set_end(indicator, end)
    _set_suspicious(indicator, suspicious)
    _set_details(indicator, details)
    return indicator
