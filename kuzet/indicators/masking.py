"""Masked display forms and keyed hashes of indicators.

Personal data (cards, IIN/BIN, phones, IBANs, e-mail addresses) is shown masked by default;
``identifier_hash`` lets systems match an identifier without storing it in the clear.
``PERSONAL_DATA_TYPES`` and ``mask_value`` live in ``model`` (``Indicator.masked`` uses them,
and model must not import this module, which imports model) and are re-exported here.
"""

from __future__ import annotations

import hashlib
import hmac

from kuzet.indicators.model import PERSONAL_DATA_TYPES, Indicator, IndicatorType, mask_value

__all__ = ["PERSONAL_DATA_TYPES", "identifier_hash", "mask", "mask_value"]


def mask(indicator: Indicator) -> str:
    """The masked form of an indicator's canonical value (see ``mask_value``)."""
    return mask_value(indicator.type, indicator.value)


def identifier_hash(indicator_type: IndicatorType | str, canonical_value: str, key: bytes) -> str:
    """HMAC-SHA256 (hex) over ``"type:value"``: the same identifier gives the same hash under
    the same key, so registries can be matched without exchanging the values themselves."""
    message = f"{IndicatorType(indicator_type).value}:{canonical_value}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()
