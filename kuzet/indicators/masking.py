"""Masked display forms and keyed hashes of indicators.

Personal data (cards, IIN/BIN, phones, IBANs, e-mail addresses) is shown masked by default;
``identifier_hash`` lets systems match an identifier without storing it in the clear.
"""

from __future__ import annotations

import hashlib
import hmac

from kuzet.indicators.model import Indicator, IndicatorType

__all__ = ["PERSONAL_DATA_TYPES", "identifier_hash", "mask", "mask_value"]

PERSONAL_DATA_TYPES = frozenset(
    {
        IndicatorType.CARD,
        IndicatorType.CARD_PARTIAL,
        IndicatorType.IIN,
        IndicatorType.BIN,
        IndicatorType.PHONE,
        IndicatorType.IBAN,
        IndicatorType.EMAIL,
    }
)


def mask_value(indicator_type: IndicatorType | str, value: str) -> str:
    """The masked form of a canonical value; values that are not personal data are unchanged.

    card ``440043******1234`` (first 6, last 4); IIN/BIN ``901123******``; phone
    ``+7701***4567``; IBAN ``KZ86125K********0100``; e-mail ``a***@domain``.
    """
    kind = IndicatorType(indicator_type)
    if kind is IndicatorType.CARD and len(value) > 10:
        return value[:6] + "*" * (len(value) - 10) + value[-4:]
    if kind in (IndicatorType.IIN, IndicatorType.BIN):
        return value[:6] + "*" * max(len(value) - 6, 0)
    if kind is IndicatorType.PHONE and len(value) > 9:
        return value[:5] + "***" + value[-4:]
    if kind is IndicatorType.IBAN and len(value) > 12:
        return value[:8] + "*" * (len(value) - 12) + value[-4:]
    if kind is IndicatorType.EMAIL and "@" in value:
        local, _, domain = value.rpartition("@")
        return (local[:1] or "*") + "***@" + domain
    if kind in PERSONAL_DATA_TYPES:
        # A personal value too short for the usual pattern is hidden entirely.
        return value if kind is IndicatorType.CARD_PARTIAL else "*" * len(value)
    return value


def mask(indicator: Indicator) -> str:
    """The masked form of an indicator's canonical value (see ``mask_value``)."""
    return mask_value(indicator.type, indicator.value)


def identifier_hash(indicator_type: IndicatorType | str, canonical_value: str, key: bytes) -> str:
    """HMAC-SHA256 (hex) over ``"type:value"``: the same identifier gives the same hash under
    the same key, so registries can be matched without exchanging the values themselves."""
    message = f"{IndicatorType(indicator_type).value}:{canonical_value}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()
