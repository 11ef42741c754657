"""kuzet's indicator engine: extract, validate and normalise fraud identifiers.

A pure library (no Django) used by every other part of kuzet::

    from kuzet.indicators import extract, parse_iin, identifier_hash

    for indicator in extract(text):
        indicator.type, indicator.value, indicator.masked, indicator.start, indicator.end

``extract(text)`` finds phones, cards (full and partly masked), IBANs, IIN/BIN, e-mail
addresses, URLs, domains (with brand look-alike detection), IP addresses, crypto wallets,
messenger handles and IMEIs in Russian, Kazakh and English text. ``parse_<type>(value)``
validates one value and raises ``InvalidIndicator`` with a reason.
"""

from kuzet.indicators.extract import extract
from kuzet.indicators.masking import PERSONAL_DATA_TYPES, identifier_hash, mask, mask_value
from kuzet.indicators.model import Indicator, IndicatorType, InvalidIndicator, JSONValue
from kuzet.indicators.parse import (
    parse,
    parse_bin,
    parse_card,
    parse_card_partial,
    parse_crypto_wallet,
    parse_domain,
    parse_email,
    parse_iban,
    parse_iin,
    parse_imei,
    parse_ip,
    parse_messenger_handle,
    parse_phone,
    parse_url,
)

__all__ = [
    "PERSONAL_DATA_TYPES",
    "Indicator",
    "IndicatorType",
    "InvalidIndicator",
    "JSONValue",
    "extract",
    "identifier_hash",
    "mask",
    "mask_value",
    "parse",
    "parse_bin",
    "parse_card",
    "parse_card_partial",
    "parse_crypto_wallet",
    "parse_domain",
    "parse_email",
    "parse_iban",
    "parse_iin",
    "parse_imei",
    "parse_ip",
    "parse_messenger_handle",
    "parse_phone",
    "parse_url",
]
