"""Masked forms and keyed hashes."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from kuzet.indicators import IndicatorType, identifier_hash, mask_value


@pytest.mark.parametrize(
    ("indicator_type", "value", "masked"),
    [
        (IndicatorType.CARD, "4400430123456789", "440043******6789"),
        (IndicatorType.IIN, "901123300258", "901123******"),
        (IndicatorType.BIN, "940140000385", "940140******"),
        (IndicatorType.PHONE, "+77014564567", "+7701***4567"),
        (IndicatorType.IBAN, "KZ86125KZT5004100100", "KZ86125K********0100"),
        (IndicatorType.EMAIL, "ivan.petrov@mail.ru", "i***@mail.ru"),
        (IndicatorType.CARD_PARTIAL, "440043******1234", "440043******1234"),
        (IndicatorType.DOMAIN, "kaspi-bonus.kz", "kaspi-bonus.kz"),
        ("ip", "185.22.174.5", "185.22.174.5"),
    ],
)
def test_mask_value(indicator_type: IndicatorType | str, value: str, masked: str) -> None:
    assert mask_value(indicator_type, value) == masked


def test_identifier_hash_is_hmac_sha256_over_type_and_value() -> None:
    key = b"secret"
    expected = hmac.new(key, b"iin:901123300258", hashlib.sha256).hexdigest()
    assert identifier_hash(IndicatorType.IIN, "901123300258", key) == expected
    assert identifier_hash("iin", "901123300258", key) == expected


def test_identifier_hash_depends_on_type() -> None:
    assert identifier_hash("iin", "940140000385", b"k") != identifier_hash(
        "bin", "940140000385", b"k"
    )
