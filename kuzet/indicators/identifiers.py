"""Validators for numeric identifiers: phones, cards, IBANs, IIN/BIN and IMEI.

Each ``validate_*`` takes a candidate that has already been normalised (ASCII digits, no
invisible characters) and returns the canonical value with the type's own fields, or raises
``InvalidIndicator`` with a reason a person can act on.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import NamedTuple

import phonenumbers
from phonenumbers.data import region_KZ, region_RU
from schwifty import registry as iban_registry
from schwifty.exceptions import SchwiftyException

from kuzet.indicators.checksums import iban_checksum_is_valid, kazakh_check_digit, luhn_is_valid
from kuzet.indicators.model import IndicatorType, InvalidIndicator, JSONValue
from kuzet.reference import bank_by_iban_code, operator_by_prefix

__all__ = [
    "Validated",
    "card_scheme",
    "iban_length",
    "validate_bin",
    "validate_card",
    "validate_card_partial",
    "validate_iban",
    "validate_iin",
    "validate_imei",
    "validate_phone",
    "validate_phone_digits",
]


class Validated(NamedTuple):
    """A validator's answer: canonical value, the type's own fields, and whether look-alike
    characters had to be folded to get there."""

    value: str
    details: dict[str, JSONValue]
    suspicious: bool = False


# ---------------------------------------------------------------------------------------------
# Phones
#
# Kazakhstan and Russia share +7, and a national number is always 10 digits behind it, so the
# rules are short: +7/7/8 then 10 digits, 7xx (and 6xx) are Kazakh, 3xx/4xx/8xx/9xx Russian.
# Calling phonenumbers.parse for every candidate would cost ~20 µs each and dominate the
# extractor's time, so for +7 we only borrow phonenumbers' own per-type patterns (its metadata,
# kept current by the library) and match them directly. Other country codes are rare in this
# traffic and go through phonenumbers in full.

# White space, brackets, dots and the dashes word processors put in (en dash, minus sign…).
_DASHES = "\\-\u2010\u2011\u2012\u2013\u2014\u2212"
_PHONE_SEPARATORS = re.compile(r"[\s()." + _DASHES + "]+")


def _pattern(description: object) -> re.Pattern[str] | None:
    pattern = getattr(description, "national_number_pattern", None)
    return re.compile(pattern, re.ASCII) if isinstance(pattern, str) else None


_KZ_METADATA = region_KZ.PHONE_METADATA_KZ
_RU_METADATA = region_RU.PHONE_METADATA_RU
_KAZAKH_LINE_TYPES = tuple(
    (name, compiled)
    for name, compiled in (
        ("mobile", _pattern(_KZ_METADATA.mobile)),
        ("fixed_line", _pattern(_KZ_METADATA.fixed_line)),
        ("voip", _pattern(_KZ_METADATA.voip)),
    )
    if compiled is not None
)
_RUSSIAN_LINE_TYPES = tuple(
    (name, compiled)
    for name, compiled in (
        ("mobile", _pattern(_RU_METADATA.mobile)),
        ("fixed_line", _pattern(_RU_METADATA.fixed_line)),
        ("toll_free", _pattern(_RU_METADATA.toll_free)),
        # +7 803/809 premium-rate and +7 808 personal numbers, shared by both countries.
        ("premium_rate", _pattern(_RU_METADATA.premium_rate)),
        ("personal_number", _pattern(_RU_METADATA.personal_number)),
    )
    if compiled is not None
)
_PHONE_TYPE_NAMES = {
    phonenumbers.PhoneNumberType.MOBILE: "mobile",
    phonenumbers.PhoneNumberType.FIXED_LINE: "fixed_line",
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE: "fixed_line_or_mobile",
    phonenumbers.PhoneNumberType.VOIP: "voip",
    phonenumbers.PhoneNumberType.TOLL_FREE: "toll_free",
}


def _invalid_phone(reason: str) -> InvalidIndicator:
    return InvalidIndicator(IndicatorType.PHONE, reason)


def _phone_details(country: str, line_type: str, operator: str | None) -> dict[str, JSONValue]:
    return {"country": country, "line_type": line_type, "operator": operator}


def _with_mask(validated: Validated) -> Validated:
    validated.details["masked"] = validated.value[:5] + "***" + validated.value[-4:]
    return validated


def _plus_seven(national: str, *, kazakh_only: bool) -> Validated:
    if national[0] in "67":
        for line_type, pattern in _KAZAKH_LINE_TYPES:
            if pattern.fullmatch(national):
                operator = None
                if line_type == "mobile":
                    known = operator_by_prefix(national[:3])
                    operator = known.name if known else None
                return Validated("+7" + national, _phone_details("KZ", line_type, operator))
        raise _invalid_phone(f"+7 {national[:3]} is not an assigned Kazakh range")
    if kazakh_only:
        raise _invalid_phone("a 10-digit number without +7 or 8 must be a Kazakh number (7xx)")
    for line_type, pattern in _RUSSIAN_LINE_TYPES:
        if pattern.fullmatch(national):
            return Validated("+7" + national, _phone_details("RU", line_type, None))
    raise _invalid_phone(f"+7 {national[:3]} is not an assigned Kazakh or Russian range")


def _foreign(digits: str) -> Validated:
    try:
        number = phonenumbers.parse("+" + digits, None)
    except phonenumbers.NumberParseException as error:
        raise _invalid_phone(str(error)) from error
    if not phonenumbers.is_valid_number(number):
        raise _invalid_phone("not a valid number for its country code")
    region = phonenumbers.region_code_for_number(number) or "ZZ"
    line_type = _PHONE_TYPE_NAMES.get(phonenumbers.number_type(number), "other")
    value = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return Validated(value, _phone_details(region, line_type, None))


def validate_phone_digits(digits: str, *, international: bool) -> Validated:
    """A phone from its ASCII digits; ``international`` when written with + or 00.

    Without a country code, Kazakhstan is the region: ``8`` is the trunk prefix, an 11-digit
    ``7…`` is +7 without its plus, and a bare 10-digit number must be in a Kazakh 7xx range
    (a bare 9xx could as well be an account or order number, so it is not taken).
    """
    if not digits.isdigit() or not digits.isascii():
        raise _invalid_phone("only digits and the separators + - ( ) . and space are allowed")
    if international:
        if digits[0] == "7":
            if len(digits) != 11:
                raise _invalid_phone("a +7 number has exactly 10 digits after +7")
            return _with_mask(_plus_seven(digits[1:], kazakh_only=False))
        if not 8 <= len(digits) <= 15:
            raise _invalid_phone("an international number has 8 to 15 digits")
        return _with_mask(_foreign(digits))
    if len(digits) == 11 and digits[0] in "78":
        return _with_mask(_plus_seven(digits[1:], kazakh_only=False))
    if len(digits) == 10:
        return _with_mask(_plus_seven(digits, kazakh_only=True))
    raise _invalid_phone(f"{len(digits)} digits: expected 10 (7xx…) or 11 (8…, 7…) or +country")


def validate_phone(candidate: str) -> Validated:
    """A phone as written: ``+7 701 123 45 67``, ``8 (701) 123-45-67``, ``tel:+7…``, ``007…``."""
    text = candidate.strip()
    if text[:4].lower() == "tel:":
        text = text[4:].strip()
    if len(text) > 40:
        raise _invalid_phone("too long for a phone number")
    compact = _PHONE_SEPARATORS.sub("", text)
    if not compact:
        raise _invalid_phone("empty")
    international = compact.startswith("+")
    if international:
        compact = compact[1:]
    elif compact.startswith("00") and len(compact) > 10:
        international = True
        compact = compact[2:]
    if not compact or not compact.isascii() or not compact.isdigit():
        raise _invalid_phone("only digits and the separators + - ( ) . and space are allowed")
    return validate_phone_digits(compact, international=international)


# ---------------------------------------------------------------------------------------------
# Payment cards

_KNOWN_TEST_CARDS = frozenset(
    {"4111111111111111", "4242424242424242", "5555555555554444", "4000000000000002",
     "378282246310005", "5105105105105100", "4012888888881881"}
)  # fmt: skip


def card_scheme(digits: str) -> str:
    """The payment scheme suggested by the leading digits (a hint; no issuer table is used)."""
    head2 = int(digits[:2])
    head4 = int(digits[:4])
    if digits[0] == "4":
        return "visa"
    if 2200 <= head4 <= 2204:
        return "mir"
    if 51 <= head2 <= 55 or 2221 <= head4 <= 2720:
        return "mastercard"
    if head2 in (34, 37):
        return "amex"
    if head2 == 62:
        return "unionpay"
    if head2 == 35:
        return "jcb"
    if head2 in (36, 38, 30):
        return "diners"
    if head4 == 6011 or head2 == 65:
        return "discover"
    if head2 == 50 or 56 <= head2 <= 69:
        return "maestro"
    return "other"


def validate_card(candidate: str) -> Validated:
    """A card number (PAN): 13-19 digits, Luhn-valid, from a payment scheme (first digit 2-6)."""
    digits = candidate if candidate.isdigit() else re.sub(r"[\s." + _DASHES + "]", "", candidate)
    if not digits.isascii() or not digits.isdigit():
        raise InvalidIndicator(IndicatorType.CARD, "a card number has only digits")
    if not 13 <= len(digits) <= 19:
        raise InvalidIndicator(IndicatorType.CARD, f"{len(digits)} digits; a card has 13 to 19")
    if digits[0] not in "23456":
        # ISO/IEC 7812 major industry identifiers 2-6 are the payment schemes; other leading
        # digits are airline, petroleum, telecom or national numbers (and bank account runs).
        raise InvalidIndicator(IndicatorType.CARD, "no payment scheme starts with " + digits[0])
    if not luhn_is_valid(digits):
        raise InvalidIndicator(IndicatorType.CARD, "Luhn check digit is wrong")
    details: dict[str, JSONValue] = {
        "masked": digits[:6] + "*" * (len(digits) - 10) + digits[-4:],
        "scheme": card_scheme(digits),
        "test_number": digits in _KNOWN_TEST_CARDS or len(set(digits)) == 1,
    }
    return Validated(digits, details)


_MASK_CHARACTERS = "*xX•·●#"
_PARTIAL_SHAPE = re.compile(r"([0-9]*)(\*+)([0-9]*)", re.ASCII)


def validate_card_partial(candidate: str) -> Validated:
    """A partly masked card (``4400 43** **** 1234``, ``************1234``): visible digits kept,
    masked positions as ``*``."""
    compact = re.sub(r"[\s\-.]", "", candidate)
    for mask_character in _MASK_CHARACTERS:
        compact = compact.replace(mask_character, "*")
    shape = _PARTIAL_SHAPE.fullmatch(compact)
    if shape is None:
        raise InvalidIndicator(
            IndicatorType.CARD_PARTIAL, "expected leading digits, one masked run, trailing digits"
        )
    first, masked, last = shape.groups()
    if not 13 <= len(compact) <= 19:
        raise InvalidIndicator(IndicatorType.CARD_PARTIAL, "a card has 13 to 19 positions")
    if len(last) != 4:
        raise InvalidIndicator(IndicatorType.CARD_PARTIAL, "the last four digits must be visible")
    if len(first) > 8 or (first and first[0] not in "23456"):
        raise InvalidIndicator(IndicatorType.CARD_PARTIAL, "leading digits are not a card prefix")
    details: dict[str, JSONValue] = {
        "first_digits": first,
        "last_digits": last,
        "length": len(compact),
        "masked": compact,
    }
    return Validated(compact, details)


# ---------------------------------------------------------------------------------------------
# IBAN

# Cyrillic and Greek capitals that render like Latin ones: "КZ" typed with a Cyrillic К is the
# classic way to slip an IBAN past an exact-match filter.
_IBAN_HOMOGLYPHS = str.maketrans(
    {
        "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
        "С": "C", "Т": "T", "Х": "X", "У": "Y", "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z",
        "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T",
        "Υ": "Y", "Χ": "X",
    }
)  # fmt: skip
_IBAN_SHAPE = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}", re.ASCII)


def iban_length(country: str) -> int | None:
    """The registry length of IBANs of a country (look-alike letters folded), or None."""
    spec = _iban_spec_length(country.upper().translate(_IBAN_HOMOGLYPHS))
    return spec[0] if spec is not None else None


@lru_cache(maxsize=512)
def _iban_spec_length(country: str) -> tuple[int, re.Pattern[str]] | None:
    try:
        spec = iban_registry.get_iban_spec(country)
    except SchwiftyException:
        return None
    if spec.aspirational:
        return None
    return spec.iban_length, spec.regex


def validate_iban(candidate: str) -> Validated:
    """An IBAN: compact upper case, registry length and BBAN format, mod-97 check digits."""
    compact = re.sub(r"[\s." + _DASHES + "]", "", candidate).upper()
    folded = compact.translate(_IBAN_HOMOGLYPHS)
    suspicious = folded != compact
    if not _IBAN_SHAPE.fullmatch(folded):
        raise InvalidIndicator(
            IndicatorType.IBAN, "expected 2 letters, 2 digits, 11-30 letters/digits"
        )
    spec = _iban_spec_length(folded[:2])
    if spec is None:
        raise InvalidIndicator(IndicatorType.IBAN, f"no IBAN format for country {folded[:2]}")
    length, bban_pattern = spec
    if len(folded) != length:
        raise InvalidIndicator(
            IndicatorType.IBAN, f"{folded[:2]} IBANs have {length} characters, not {len(folded)}"
        )
    if not bban_pattern.match(folded[4:]):
        raise InvalidIndicator(
            IndicatorType.IBAN, f"account part does not fit the {folded[:2]} format"
        )
    if not "02" <= folded[2:4] <= "98":
        # ISO 13616: check digits are 98 minus a remainder mod 97, so 02 to 98; 00, 01 and 99
        # pass the mod-97 test for the same account as 97, 98 and 02 but are never issued.
        raise InvalidIndicator(IndicatorType.IBAN, "check digits must be 02 to 98")
    if not iban_checksum_is_valid(folded):
        raise InvalidIndicator(IndicatorType.IBAN, "mod-97 check digits are wrong")
    bank: JSONValue = None
    if folded.startswith("KZ"):
        # Our own bank table, not schwifty's: its KZ registry dates from 2022 (reference §2.4).
        known = bank_by_iban_code(folded[4:7])
        if known is not None:
            bank = {"name": known.brand, "bic": known.bic, "code": known.code}
    details: dict[str, JSONValue] = {
        "country": folded[:2],
        "bank": bank,
        "masked": folded[:8] + "*" * (len(folded) - 12) + folded[-4:],
    }
    return Validated(folded, details, suspicious)


# ---------------------------------------------------------------------------------------------
# IIN and BIN (Kazakh 12-digit individual and business numbers)

_TWELVE_DIGITS = re.compile(r"[0-9]{12}", re.ASCII)
_CENTURY_BY_DIGIT = {"1": 1800, "2": 1800, "3": 1900, "4": 1900, "5": 2000, "6": 2000}
_BIN_ENTITY_TYPES = {
    "4": "resident_legal_entity",
    "5": "non_resident_legal_entity",
    "6": "joint_individual_entrepreneurship",
}
_BIN_OFFICE_TYPES = {
    "0": "head_office",
    "1": "branch",
    "2": "representative_office",
    "3": "peasant_farm",
}
# Kazakhstan lies in UTC+5; the "today" that bounds a birth date is Kazakh today.
_KAZAKH_UTC_OFFSET_HOURS = 5


def _kazakh_today() -> date:
    # Cached per hour of the clock: the date only changes at midnight, and extraction would
    # otherwise read the clock for every IIN it sees.
    return _kazakh_date_for_hour(int(time.time() // 3600))


@lru_cache(maxsize=2)
def _kazakh_date_for_hour(hour: int) -> date:
    now = datetime.fromtimestamp(hour * 3600, tz=UTC)
    return date.fromordinal((now.toordinal() * 24 + now.hour + _KAZAKH_UTC_OFFSET_HOURS) // 24)


def _twelve_digits(candidate: str, indicator_type: IndicatorType) -> str:
    compact = candidate if candidate.isdigit() else re.sub(r"[\s\-]", "", candidate)
    if not _TWELVE_DIGITS.fullmatch(compact):
        raise InvalidIndicator(indicator_type, "expected exactly 12 ASCII digits")
    check = kazakh_check_digit(compact[:11])
    if check is None:
        raise InvalidIndicator(indicator_type, "no check digit is valid for this prefix")
    if check != ord(compact[11]) - 48:
        raise InvalidIndicator(indicator_type, f"check digit should be {check}")
    return compact


def validate_iin(candidate: str) -> Validated:
    """An IIN: two-pass mod-11 check digit, a real birth date not in the future, digit 7 in 1-6."""
    digits = _twelve_digits(candidate, IndicatorType.IIN)
    century = _CENTURY_BY_DIGIT.get(digits[6])
    if century is None:
        raise InvalidIndicator(IndicatorType.IIN, "digit 7 (century and sex) must be 1-6")
    try:
        birth_date = date(century + int(digits[0:2]), int(digits[2:4]), int(digits[4:6]))
    except ValueError as error:
        raise InvalidIndicator(IndicatorType.IIN, "no such birth date") from error
    if birth_date > _kazakh_today():
        raise InvalidIndicator(IndicatorType.IIN, "birth date is in the future")
    details: dict[str, JSONValue] = {
        "birth_date": birth_date.isoformat(),
        "sex": "male" if int(digits[6]) % 2 else "female",
        "masked": digits[:6] + "******",
    }
    return Validated(digits, details)


def validate_bin(candidate: str) -> Validated:
    """A BIN: two-pass mod-11 check digit, registration month 01-12, entity type 4-6."""
    digits = _twelve_digits(candidate, IndicatorType.BIN)
    entity_type = _BIN_ENTITY_TYPES.get(digits[4])
    if entity_type is None:
        raise InvalidIndicator(IndicatorType.BIN, "digit 5 (entity type) must be 4, 5 or 6")
    office = _BIN_OFFICE_TYPES.get(digits[5])
    if office is None:
        raise InvalidIndicator(IndicatorType.BIN, "digit 6 (office attribute) must be 0-3")
    if not 1 <= int(digits[2:4]) <= 12:
        raise InvalidIndicator(IndicatorType.BIN, "no such registration month")
    details: dict[str, JSONValue] = {
        "entity_type": entity_type,
        "office": office,
        "registered": f"{digits[0:2]}-{digits[2:4]}",
        "masked": digits[:6] + "******",
    }
    return Validated(digits, details)


# ---------------------------------------------------------------------------------------------
# IMEI


def validate_imei(candidate: str) -> Validated:
    """An IMEI: 15 digits, Luhn-valid; ``tac`` is the 8-digit type allocation code."""
    digits = re.sub(r"[\s\-/.]", "", candidate)
    if len(digits) != 15 or not digits.isascii() or not digits.isdigit():
        raise InvalidIndicator(IndicatorType.IMEI, "an IMEI has exactly 15 digits")
    if not luhn_is_valid(digits):
        raise InvalidIndicator(IndicatorType.IMEI, "Luhn check digit is wrong")
    if len(set(digits)) == 1:
        raise InvalidIndicator(IndicatorType.IMEI, "repeated digits are not an IMEI")
    return Validated(digits, {"tac": digits[:8]})
