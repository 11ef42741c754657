"""Numbers read as they are written: no identifier that is not in the text, none missed.

Issue 11 found phones made of an amount or of a number with one digit too many, cards made
of an application number or of a card and its CVV, IBANs with dashes read as phones or
cards; and phones with en dashes, +7 80x numbers, numbers broken across a line, IBANs with
dashes, dots or double spaces, IPv4-mapped IPv6 addresses, bracketed IPv6 hosts and all-digit
domains missed.
"""

from __future__ import annotations

import pytest

from kuzet.indicators import extract, parse_iban
from kuzet.indicators.model import InvalidIndicator


def found(text: str) -> list[tuple[str, str]]:
    return [(indicator.type.value, indicator.value) for indicator in extract(text)]


@pytest.mark.parametrize(
    "text",
    [
        # One digit too many: the trunk 8 and a 3-digit group are not +7 and an area code.
        "позвоните 8 747 123 45 678",
        "8 (777) 123-45-678",
        "+7 701 234 56 789",
        # Amounts grouped in thousands.
        "7 000 000 000 тенге",
        "перевела 7 012 345 678 ₸",
        "77 000 000 000 тг",
        "87 012 345 678",
        # An application number one group longer than a card.
        "заявка № 4471 2356 8890 1234 5",
        # A card's 16 digits failing Luhn, then a CVV: never one 19-digit card.
        "карта 4400 4301 2345 6780 103",
        # A mistyped IBAN's groups are no card.
        "счёт KZ91-6010-0020-0012-3457",
        "счёт KZ91.6010.0020.0012.3457",
        # ISO 13616 check digits are 02 to 98; KZ01… passes mod 97 like KZ98….
        "счёт KZ01722S100000000013",
    ],
)
def test_no_identifier_that_is_not_in_the_text(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("8 (701) 234–56–78", [("phone", "+77012345678")]),
        ("8 (701) 234—56—78", [("phone", "+77012345678")]),
        ("+7 701 234 − 56 − 78", [("phone", "+77012345678")]),
        ("8‑701‑234‑56‑78", [("phone", "+77012345678")]),
        ("+7 800 123 45 67", [("phone", "+78001234567")]),
        ("+7 809 123 45 67", [("phone", "+78091234567")]),
        ("+7 803 123 45 67", [("phone", "+78031234567")]),
        ("8 808 123 45 67", [("phone", "+78081234567")]),
        ("звоните 8 701\n234 56 78", [("phone", "+77012345678")]),
        ("звоните 8 701 \r\n234 56 78", [("phone", "+77012345678")]),
        ("87011234567\n87021234567", [("phone", "+77011234567"), ("phone", "+77021234567")]),
        ("Сумма 5000\n8 701 123 45 67", [("phone", "+77011234567")]),
        ("KZ86-125K-ZT50-0410-0100", [("iban", "KZ86125KZT5004100100")]),
        ("KZ86.125K.ZT50.0410.0100", [("iban", "KZ86125KZT5004100100")]),
        ("KZ86  125K  ZT50  0410  0100", [("iban", "KZ86125KZT5004100100")]),
        ("KZ86–125K–ZT50–0410–0100", [("iban", "KZ86125KZT5004100100")]),
        ("DE89-3704-0044-0532-0130-00", [("iban", "DE89370400440532013000")]),
        ("GB82-WEST-1234-5698-7654-32", [("iban", "GB82WEST12345698765432")]),
        # Wrapped onto the next line, a dot and a space, the country apart by a dot or dash.
        ("счёт DE89 3704 0044\n0532 0130 00", [("iban", "DE89370400440532013000")]),
        ("счёт KZ86 125K\r\nZT50 0410 0100", [("iban", "KZ86125KZT5004100100")]),
        ("FR76 3000 4008 5900. 0100 2278 663", [("iban", "FR7630004008590001002278663")]),
        ("NO. 93 8601 1117 947", [("iban", "NO9386011117947")]),
        ("MK-07-250-1200000589-84", [("iban", "MK07250120000058984")]),
        ("PL.61 1090 1014 0000 0712 1981 2874", [("iban", "PL61109010140000071219812874")]),
        ("IP ::ffff:192.0.2.128", [("ip", "::ffff:c000:280")]),
        ("IP 2a03:1b20::5.", [("ip", "2a03:1b20::5")]),
        (
            "http://[2001:db8::1]/x",
            [("url", "http://[2001:db8::1]/x"), ("ip", "2001:db8::1")],
        ),
        (
            "http://[::ffff:192.0.2.128]:8080/a",
            [("url", "http://[::ffff:c000:280]:8080/a"), ("ip", "::ffff:c000:280")],
        ),
        ("сайт 24.kz", [("domain", "24.kz")]),
        ("сайт 163.com.", [("domain", "163.com")]),
        ("https://24.kz/ru", [("url", "https://24.kz/ru"), ("domain", "24.kz")]),
        # Still read: a card and its expiry, a card and its CVV, a domain that looks like
        # the start of an IBAN, a phone before a sentence with no space after the dot.
        ("4400 4301 2345 6789 12/27", [("card", "4400430123456789")]),
        ("4400 4301 2345 6789 123", [("card", "4400430123456789")]),
        ("de12.examplelongname.com", [("domain", "examplelongname.com")]),
        ("оплатил 87011234567.Спасибо", [("phone", "+77011234567")]),
    ],
)
def test_written_forms_are_found(text: str, expected: list[tuple[str, str]]) -> None:
    indicators = extract(text)
    assert [(indicator.type.value, indicator.value) for indicator in indicators] == expected
    assert all(text[i.start : i.end] == i.raw for i in indicators)


@pytest.mark.parametrize("digits", ["00", "01", "99"])
def test_iban_check_digits_outside_02_to_98_are_refused(digits: str) -> None:
    with pytest.raises(InvalidIndicator):
        parse_iban(f"KZ{digits}722S100000000013")
