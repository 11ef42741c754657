"""Table-driven tests of every validator, with the worked examples of kazakhstan.md §2."""

from __future__ import annotations

import pytest

from kuzet.indicators import (
    IndicatorType,
    InvalidIndicator,
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
from kuzet.indicators.checksums import keccak256, keccak256_pure


@pytest.mark.parametrize(
    ("raw", "value", "birth_date", "sex"),
    [
        ("901123300258", "901123300258", "1990-11-23", "male"),
        ("061211600012", "061211600012", "2006-12-11", "female"),
        (" 901123300258 ", "901123300258", "1990-11-23", "male"),
        ("901123-300258", "901123300258", "1990-11-23", "male"),
    ],
)
def test_iin_valid(raw: str, value: str, birth_date: str, sex: str) -> None:
    indicator = parse_iin(raw)
    assert (indicator.value, indicator.details["birth_date"], indicator.details["sex"]) == (
        value,
        birth_date,
        sex,
    )
    assert indicator.masked == value[:6] + "******"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("901123300255", "check digit should be 8"),
        ("800115300310", "no check digit is valid for this prefix"),
        ("90112330025", "expected exactly 12 ASCII digits"),
        ("9011233002581", "expected exactly 12 ASCII digits"),
        ("", "empty"),
        ("000000000000", "digit 7 (century and sex) must be 1-6"),
        ("123456789012", "check digit should be 3"),
        ("901323300255", "no such birth date"),
        ("90112330025\x00", "expected exactly 12 ASCII digits"),
    ],
)
def test_iin_invalid(raw: str, reason: str) -> None:
    with pytest.raises(InvalidIndicator) as error:
        parse_iin(raw)
    assert error.value.reason == reason


def test_iin_future_birth_date_is_rejected() -> None:
    # 2099-01-01, century digit 5: a syntactically valid number nobody can hold yet.
    with pytest.raises(InvalidIndicator) as error:
        parse_iin("990101500006")
    assert error.value.reason == "birth date is in the future"


def test_iin_impossible_february_29() -> None:
    with pytest.raises(InvalidIndicator) as error:
        parse_iin("010229500004")
    assert error.value.reason == "no such birth date"


@pytest.mark.parametrize(
    ("raw", "entity_type", "office"),
    [
        ("940140000385", "resident_legal_entity", "head_office"),
        ("990140004654", "resident_legal_entity", "head_office"),
    ],
)
def test_bin_valid(raw: str, entity_type: str, office: str) -> None:
    indicator = parse_bin(raw)
    assert (indicator.value, indicator.details["entity_type"], indicator.details["office"]) == (
        raw,
        entity_type,
        office,
    )


def test_bin_rejects_individual_digit() -> None:
    with pytest.raises(InvalidIndicator) as error:
        parse_bin("901123300258")
    assert error.value.reason == "digit 5 (entity type) must be 4, 5 or 6"


@pytest.mark.parametrize(
    ("raw", "value", "bank_bic", "suspicious"),
    [
        ("KZ86125KZT5004100100", "KZ86125KZT5004100100", "NBRKKZKX", False),
        ("kz86 125k zt50 0410 0100", "KZ86125KZT5004100100", "NBRKKZKX", False),
        ("KZ72722S000000000001", "KZ72722S000000000001", "CASPKZKA", False),
        ("КZ86125KZT5004100100", "KZ86125KZT5004100100", "NBRKKZKX", True),
        ("KΖ86125KZT5004100100", "KZ86125KZT5004100100", "NBRKKZKX", True),
    ],
)
def test_iban_valid(raw: str, value: str, bank_bic: str, suspicious: bool) -> None:
    indicator = parse_iban(raw)
    bank = indicator.details["bank"]
    assert isinstance(bank, dict)
    assert (indicator.value, bank["bic"], indicator.suspicious) == (value, bank_bic, suspicious)
    assert indicator.masked == "KZ" + value[2:8] + "********" + value[-4:]


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("KZ73722S000000000001", "mod-97 check digits are wrong"),
        ("KZ86125KZT500410010", "KZ IBANs have 20 characters, not 19"),
        ("KZ86125KZT50041001000", "KZ IBANs have 20 characters, not 21"),
        ("XX86125KZT5004100100", "no IBAN format for country XX"),
        # ISO 13616 check digits run 02-98. KZ00… fails mod 97 as well, but is refused first
        # by the range; KZ01… passes mod 97 (as KZ98… does) and only the range refuses it.
        ("KZ00125KZT5004100100", "check digits must be 02 to 98"),
        ("KZ01722S100000000013", "check digits must be 02 to 98"),
        ("KZ99722S100000000013", "check digits must be 02 to 98"),
    ],
)
def test_iban_invalid(raw: str, reason: str) -> None:
    with pytest.raises(InvalidIndicator) as error:
        parse_iban(raw)
    assert error.value.reason == reason


def test_foreign_iban_has_no_kazakh_bank() -> None:
    indicator = parse_iban("DE89 3704 0044 0532 0130 00")
    assert (indicator.value, indicator.details["country"], indicator.details["bank"]) == (
        "DE89370400440532013000",
        "DE",
        None,
    )


@pytest.mark.parametrize(
    ("raw", "value", "country", "operator"),
    [
        ("+7 701 123 45 67", "+77011234567", "KZ", "Kcell"),
        ("87011234567", "+77011234567", "KZ", "Kcell"),
        ("7011234567", "+77011234567", "KZ", "Kcell"),
        ("8 (705) 123-45-67", "+77051234567", "KZ", "Beeline Kazakhstan"),
        ("tel:+77071234567", "+77071234567", "KZ", "Tele2/Altel"),
        ("＋7 747 123 45 67", "+77471234567", "KZ", "Tele2/Altel"),
        ("8.701.123.45.67", "+77011234567", "KZ", "Kcell"),
        ("007 701 123 45 67", "+77011234567", "KZ", "Kcell"),
        ("+7 916 123 45 67", "+79161234567", "RU", None),
        ("8 (7172) 12 34 56", "+77172123456", "KZ", None),
        ("+996 555 123 456", "+996555123456", "KG", None),
    ],
)
def test_phone_valid(raw: str, value: str, country: str, operator: str | None) -> None:
    indicator = parse_phone(raw)
    assert (indicator.value, indicator.details["country"], indicator.details["operator"]) == (
        value,
        country,
        operator,
    )


def test_phone_mask() -> None:
    assert parse_phone("+77014564567").masked == "+7701***4567"


@pytest.mark.parametrize(
    "raw",
    ["+7 750 123 45 67", "9161234567", "12345", "+7 701 123 45 678", "8 701 123 45", "x123"],
)
def test_phone_invalid(raw: str) -> None:
    with pytest.raises(InvalidIndicator):
        parse_phone(raw)


@pytest.mark.parametrize(
    ("raw", "value", "masked", "scheme"),
    [
        ("4111 1111 1111 1111", "4111111111111111", "411111******1111", "visa"),
        ("5500-0000-0000-0004", "5500000000000004", "550000******0004", "mastercard"),
        ("2200700000000009", "2200700000000009", "220070******0009", "mir"),
        ("378282246310005", "378282246310005", "378282*****0005", "amex"),
    ],
)
def test_card_valid(raw: str, value: str, masked: str, scheme: str) -> None:
    indicator = parse_card(raw)
    assert (indicator.value, indicator.details["masked"], indicator.details["scheme"]) == (
        value,
        masked,
        scheme,
    )
    assert indicator.masked == masked


def test_test_card_is_flagged() -> None:
    assert parse_card("4111111111111111").details["test_number"] is True


@pytest.mark.parametrize(
    "raw", ["4111111111111112", "41111111111", "411111111111111111111", "8111111111111111"]
)
def test_card_invalid(raw: str) -> None:
    with pytest.raises(InvalidIndicator):
        parse_card(raw)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("4400 43** **** 1234", "440043******1234"),
        ("************1234", "************1234"),
        ("4400 43XX XXXX 1234", "440043******1234"),
    ],
)
def test_card_partial(raw: str, value: str) -> None:
    assert parse_card_partial(raw).value == value


@pytest.mark.parametrize(
    ("raw", "value", "lookalike_of", "suspicious"),
    [
        ("kaspi.kz", "kaspi.kz", None, False),
        ("KASPI.KZ.", "kaspi.kz", None, False),
        ("kаspi.kz", "xn--kspi-53d.kz", "kaspi.kz", True),
        ("kaspi.kz.secure-pay.com", "secure-pay.com", "kaspi.kz", False),
        ("kaspi-bonus.kz", "kaspi-bonus.kz", "kaspi.kz", False),
        ("kapsi.kz", "kapsi.kz", "kaspi.kz", False),
        ("h4lykbank.kz", "h4lykbank.kz", "halykbank.kz", False),
        ("police.gov.kz", "police.gov.kz", None, False),
        ("kaspi。kz", "kaspi.kz", None, False),
        ("www.example.co.uk", "example.co.uk", None, False),
        ("пример.рф", "xn--e1afmkfd.xn--p1ai", None, False),
    ],
)
def test_domain(raw: str, value: str, lookalike_of: str | None, suspicious: bool) -> None:
    indicator = parse_domain(raw)
    assert (indicator.value, indicator.details["lookalike_of"], indicator.suspicious) == (
        value,
        lookalike_of,
        suspicious,
    )


@pytest.mark.parametrize("raw", ["document.pdf", "localhost", "12.03.2024", "-bad-.kz", "a..kz"])
def test_domain_invalid(raw: str) -> None:
    with pytest.raises(InvalidIndicator):
        parse_domain(raw)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("hxxps://kaspi-secure[.]com/login?x=1", "https://kaspi-secure.com/login?x=1"),
        ("HTTPS://KASPI.KZ.Secure-Pay.com/Login", "https://kaspi.kz.secure-pay.com/Login"),
        ("http://kаspi.kz", "http://xn--kspi-53d.kz/"),
        ("hxxp[:]//evil(.)com/x", "http://evil.com/x"),
        ("https://kaspi.kz@evil.com/", "https://kaspi.kz@evil.com/"),
        ("http://192.168.1.1/admin", "http://192.168.1.1/admin"),
    ],
)
def test_url(raw: str, value: str) -> None:
    assert parse_url(raw).value == value


def test_url_user_info_trick_is_a_lookalike() -> None:
    assert parse_url("https://kaspi.kz@evil.com/").details["lookalike_of"] == "kaspi.kz"


@pytest.mark.parametrize("raw", ["file:///etc/passwd", "http://127.1", "gopher://x.com", "http://"])
def test_url_invalid(raw: str) -> None:
    with pytest.raises(InvalidIndicator):
        parse_url(raw)


@pytest.mark.parametrize(
    ("raw", "value", "masked"),
    [
        ("Ivan.Petrov@Mail.RU", "ivan.petrov@mail.ru", "i***@mail.ru"),
        ("help[at]kaspi-bank[.]net", "help@kaspi-bank.net", "h***@kaspi-bank.net"),
    ],
)
def test_email(raw: str, value: str, masked: str) -> None:
    indicator = parse_email(raw)
    assert (indicator.value, indicator.masked) == (value, masked)


@pytest.mark.parametrize(
    ("raw", "value", "scope"),
    [
        ("185.22.174.5", "185.22.174.5", "public"),
        ("10.1.2.3", "10.1.2.3", "private"),
        ("127.0.0.1", "127.0.0.1", "loopback"),
        ("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1", "reserved"),
        ("[::1]", "::1", "loopback"),
        ("240.0.0.1", "240.0.0.1", "reserved"),
    ],
)
def test_ip(raw: str, value: str, scope: str) -> None:
    indicator = parse_ip(raw)
    assert (indicator.value, indicator.details["scope"]) == (value, scope)


@pytest.mark.parametrize("raw", ["256.1.1.1", "010.1.1.1", "1.2.3", "::g"])
def test_ip_invalid(raw: str) -> None:
    with pytest.raises(InvalidIndicator):
        parse_ip(raw)


@pytest.mark.parametrize(
    ("raw", "value", "chain"),
    [
        ("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "bitcoin"),
        ("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", "bitcoin"),
        (
            "BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ",
            "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
            "bitcoin",
        ),
        (
            "bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297",
            "bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297",
            "bitcoin",
        ),
        (
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed",
            "ethereum",
        ),
        ("TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7", "TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7", "tron"),
    ],
)
def test_crypto_wallet(raw: str, value: str, chain: str) -> None:
    indicator = parse_crypto_wallet(raw)
    assert (indicator.value, indicator.details["chain"]) == (value, chain)


@pytest.mark.parametrize(
    "raw",
    [
        "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb",
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD",
        "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdr",
        "bc1qAR0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
    ],
)
def test_crypto_wallet_invalid(raw: str) -> None:
    with pytest.raises(InvalidIndicator):
        parse_crypto_wallet(raw)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("@Kaspi_Support", "telegram:kaspi_support"),
        ("https://t.me/kaspi_help", "telegram:kaspi_help"),
        ("t.me/s/kaspi_news", "telegram:kaspi_news"),
        ("instagram.com/shop.almaty", "instagram:shop.almaty"),
        ("instagram:Shop_KZ", "instagram:shop_kz"),
    ],
)
def test_messenger_handle(raw: str, value: str) -> None:
    assert parse_messenger_handle(raw).value == value


@pytest.mark.parametrize("raw", ["@abc", "t.me/joinchat", "@1abcde", "instagram.com/p"])
def test_messenger_handle_invalid(raw: str) -> None:
    with pytest.raises(InvalidIndicator):
        parse_messenger_handle(raw)


def test_whatsapp_link_parses_as_phone() -> None:
    assert parse_phone("https://wa.me/77011234567").value == "+77011234567"


@pytest.mark.parametrize(("raw", "value"), [("356938035643809", "356938035643809")])
def test_imei(raw: str, value: str) -> None:
    assert parse_imei(raw).value == value


@pytest.mark.parametrize("raw", ["356938035643808", "35693803564380", "000000000000000"])
def test_imei_invalid(raw: str) -> None:
    with pytest.raises(InvalidIndicator):
        parse_imei(raw)


def test_parse_unknown_type() -> None:
    with pytest.raises(InvalidIndicator) as error:
        parse("passport", "N1234567")
    assert error.value.reason == "unknown indicator type"


def test_parse_refuses_huge_input() -> None:
    with pytest.raises(InvalidIndicator) as error:
        parse(IndicatorType.PHONE, "1" * 1_000_000)
    assert error.value.reason == "longer than 4096 characters"


@pytest.mark.parametrize("data", [b"", b"abc", b"\x00" * 200])
def test_fast_keccak_matches_pure_python(data: bytes) -> None:
    assert keccak256(data) == keccak256_pure(data)
