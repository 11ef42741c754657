"""Validate one value of a known type: ``parse_<type>(value) -> Indicator``."""

from __future__ import annotations

from collections.abc import Callable
from types import MappingProxyType

from kuzet.indicators.identifiers import (
    Validated,
    validate_bin,
    validate_card,
    validate_card_partial,
    validate_iban,
    validate_iin,
    validate_imei,
    validate_phone,
)
from kuzet.indicators.model import Indicator, IndicatorType, InvalidIndicator
from kuzet.indicators.network import (
    validate_crypto_wallet,
    validate_domain,
    validate_email,
    validate_ip,
    validate_messenger_handle,
    validate_url,
    validate_whatsapp_link,
)
from kuzet.indicators.normalise import HOST_JOINERS, normalise, normalise_for_host

__all__ = [
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

# Longer than any identifier with generous formatting (a URL may reach 2 KB); longer input is
# refused before any work is done on it.
MAXIMUM_LENGTH = 4096


def _validate_phone_or_link(candidate: str) -> Validated:
    lowered = candidate.lower()
    if "wa.me/" in lowered or "whatsapp.com/" in lowered:
        return validate_whatsapp_link(candidate)
    return validate_phone(candidate)


_VALIDATORS: dict[IndicatorType, Callable[[str], Validated]] = {
    IndicatorType.PHONE: _validate_phone_or_link,
    IndicatorType.CARD: validate_card,
    IndicatorType.CARD_PARTIAL: validate_card_partial,
    IndicatorType.IBAN: validate_iban,
    IndicatorType.IIN: validate_iin,
    IndicatorType.BIN: validate_bin,
    IndicatorType.EMAIL: validate_email,
    IndicatorType.URL: validate_url,
    IndicatorType.DOMAIN: validate_domain,
    IndicatorType.IP: validate_ip,
    IndicatorType.CRYPTO_WALLET: validate_crypto_wallet,
    IndicatorType.MESSENGER_HANDLE: validate_messenger_handle,
    IndicatorType.IMEI: validate_imei,
}


def parse(indicator_type: IndicatorType | str, value: str) -> Indicator:
    """Validate ``value`` as ``indicator_type`` and return it in canonical form.

    The value is normalised first (fullwidth and non-ASCII digits folded, invisible characters
    removed, defanged notation refanged); if that changed a letter or digit, the indicator is
    marked ``suspicious``. Raises ``InvalidIndicator`` (with ``reason``) when it is not valid.
    """
    try:
        kind = IndicatorType(indicator_type)
    except ValueError as error:
        raise InvalidIndicator(str(indicator_type), "unknown indicator type") from error
    if not isinstance(value, str):
        raise InvalidIndicator(kind, "value must be text")
    if len(value) > MAXIMUM_LENGTH:
        raise InvalidIndicator(kind, f"longer than {MAXIMUM_LENGTH} characters")
    normalised = normalise(value)
    text = normalised.text.strip()
    if not text:
        raise InvalidIndicator(kind, "empty")
    validator = _VALIDATORS[kind]
    written = normalise_for_host(value).strip() if kind in _HOST_KINDS else text
    validated = validator(text) if written == text else _validated_as_written(validator, written)
    suspicious = validated.suspicious or normalised.is_tampered(0, len(normalised.text))
    return Indicator(
        type=kind,
        value=validated.value,
        raw=value,
        start=0,
        end=len(value),
        suspicious=suspicious,
        details=MappingProxyType(validated.details),
    )


# Kinds that hold a host: read with its digits, joiners and compatibility letters as written,
# for IDNA to decide, as the extractor reads them (``normalise_for_host``).
_HOST_KINDS = frozenset({IndicatorType.DOMAIN, IndicatorType.URL, IndicatorType.EMAIL})


def _validated_as_written(validator: Callable[[str], Validated], written: str) -> Validated:
    """``validator`` on a host as written; a joiner IDNA refuses is read as slipped in."""
    try:
        return validator(written)
    except InvalidIndicator:
        if not any(joiner in written for joiner in HOST_JOINERS):
            raise
        return validator(written.replace("\u200c", "").replace("\u200d", ""))


def parse_phone(value: str) -> Indicator:
    """A phone number in E.164 (Kazakhstan is the default region; +7 9xx is Russian)."""
    return parse(IndicatorType.PHONE, value)


def parse_card(value: str) -> Indicator:
    """A payment card number: digits only, 13-19 long, Luhn-valid."""
    return parse(IndicatorType.CARD, value)


def parse_card_partial(value: str) -> Indicator:
    """A partly masked card number, masked positions as ``*``."""
    return parse(IndicatorType.CARD_PARTIAL, value)


def parse_iban(value: str) -> Indicator:
    """An IBAN, compact upper case, with the Kazakh bank when it is a KZ IBAN."""
    return parse(IndicatorType.IBAN, value)


def parse_iin(value: str) -> Indicator:
    """A Kazakh individual identification number, with birth date and sex."""
    return parse(IndicatorType.IIN, value)


def parse_bin(value: str) -> Indicator:
    """A Kazakh business identification number, with its entity type."""
    return parse(IndicatorType.BIN, value)


def parse_email(value: str) -> Indicator:
    """An e-mail address in lower case."""
    return parse(IndicatorType.EMAIL, value)


def parse_url(value: str) -> Indicator:
    """A URL, refanged, scheme and host lower case, host in punycode."""
    return parse(IndicatorType.URL, value)


def parse_domain(value: str) -> Indicator:
    """The registrable domain of a host name, with ``lookalike_of`` for brand imitations."""
    return parse(IndicatorType.DOMAIN, value)


def parse_ip(value: str) -> Indicator:
    """An IPv4 or IPv6 address in compressed form, with its scope."""
    return parse(IndicatorType.IP, value)


def parse_crypto_wallet(value: str) -> Indicator:
    """A Bitcoin, Ethereum or TRON address with verified checksum."""
    return parse(IndicatorType.CRYPTO_WALLET, value)


def parse_messenger_handle(value: str) -> Indicator:
    """A Telegram or Instagram account as ``telegram:name`` / ``instagram:name``."""
    return parse(IndicatorType.MESSENGER_HANDLE, value)


def parse_imei(value: str) -> Indicator:
    """A 15-digit, Luhn-valid IMEI."""
    return parse(IndicatorType.IMEI, value)
