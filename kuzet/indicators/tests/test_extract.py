"""Extraction from free text: every type, offsets, tricks from the bad-input catalogue and
hard negatives that must not be reported."""

from __future__ import annotations

import pytest

from kuzet.indicators import Indicator, extract


def found(text: str | bytes) -> list[tuple[str, str]]:
    return [(indicator.type.value, indicator.value) for indicator in extract(text)]


def assert_offsets(text: str, indicators: list[Indicator]) -> None:
    assert [text[indicator.start : indicator.end] for indicator in indicators] == [
        indicator.raw for indicator in indicators
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Звоните +7 701 123 45 67", [("phone", "+77011234567")]),
        ("тел.87011234567", [("phone", "+77011234567")]),
        (
            "8(702)555-44-33 и 8 747 111 22 33",
            [("phone", "+77025554433"), ("phone", "+77471112233")],
        ),
        ("87011234567 87021234567", [("phone", "+77011234567"), ("phone", "+77021234567")]),
        ("номер 7011234567", [("phone", "+77011234567")]),
        ("Moscow +7 (916) 123-45-67", [("phone", "+79161234567")]),
        ("tel:+77011234567", [("phone", "+77011234567")]),
        ("пишите wa.me/77011234567", [("phone", "+77011234567")]),
        ("карта 4400 4301 2345 6789", [("card", "4400430123456789")]),
        ("карта 4400-4301-2345-6789.", [("card", "4400430123456789")]),
        ("скрин 4400 43** **** 1234", [("card_partial", "440043******1234")]),
        ("Kaspi Gold ************1234", [("card_partial", "************1234")]),
        ("XXXX XXXX XXXX 1234", [("card_partial", "************1234")]),
        ("ИИН 901123300258", [("iin", "901123300258")]),
        ("ИИН061211600012", [("iin", "061211600012")]),
        ("БИН 940140000385", [("bin", "940140000385")]),
        ("ИИК KZ86 125K ZT50 0410 0100 БИК NBRKKZKX", [("iban", "KZ86125KZT5004100100")]),
        # The country code as a word of its own, the bank code apart.
        ("на счёт KZ 86 125 KZT5004100100 вчера", [("iban", "KZ86125KZT5004100100")]),
        ("IBAN: kz 86 125k zt50 0410 0100.", [("iban", "KZ86125KZT5004100100")]),
        # Two letters before a number that is not an IBAN change nothing.
        ("кв KZ 12 дом 5, тел 8 701 234 56 78", [("phone", "+77012345678")]),
        ("RU 8 701 234 56 78", [("phone", "+77012345678")]),
        (
            "KZ86125KZT5004100100 BIN 940140000385",
            [("iban", "KZ86125KZT5004100100"), ("bin", "940140000385")],
        ),
        ("почта Help@Kaspi-Bank.NET.", [("email", "help@kaspi-bank.net")]),
        ("пишите help [at] mail [.] ru", [("email", "help@mail.ru")]),
        ("пишите bob(@)mail.ru и {@}", [("email", "bob@mail.ru")]),
        ("пишите bob{@}mail.ru", [("email", "bob@mail.ru")]),
        ("сайт kaspi-bonus.kz, срочно", [("domain", "kaspi-bonus.kz")]),
        (
            "hxxps://kaspi-secure[.]com/login?id=5",
            [("url", "https://kaspi-secure.com/login?id=5"), ("domain", "kaspi-secure.com")],
        ),
        (
            "(https://kaspi.kz.secure-pay.com/login)",
            [("url", "https://kaspi.kz.secure-pay.com/login"), ("domain", "secure-pay.com")],
        ),
        (
            "olx-dostavka.kz/pay",
            [("url", "http://olx-dostavka.kz/pay"), ("domain", "olx-dostavka.kz")],
        ),
        ("http://192.168.1.1/admin", [("url", "http://192.168.1.1/admin"), ("ip", "192.168.1.1")]),
        ("IP 185.22.174.5 и 2a03:1b20::5", [("ip", "185.22.174.5"), ("ip", "2a03:1b20::5")]),
        (
            "BTC 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
            [("crypto_wallet", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa")],
        ),
        (
            "USDT TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7",
            [("crypto_wallet", "TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7")],
        ),
        (
            "ETH 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            [("crypto_wallet", "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")],
        ),
        ("телеграм @Kaspi_Support_KZ", [("messenger_handle", "telegram:kaspi_support_kz")]),
        ("канал https://t.me/kaspi_news", [("messenger_handle", "telegram:kaspi_news")]),
        ("инстаграм @shop.almaty", [("messenger_handle", "instagram:shop.almaty")]),
        ("instagram.com/shop_astana/", [("messenger_handle", "instagram:shop_astana")]),
        ("IMEI 356938035643809", [("imei", "356938035643809")]),
    ],
)
def test_extracts(text: str, expected: list[tuple[str, str]]) -> None:
    indicators = extract(text)
    assert [(indicator.type.value, indicator.value) for indicator in indicators] == expected
    assert_offsets(text, indicators)


@pytest.mark.parametrize(
    "text",
    [
        "Встречаемся 12.03.2024 в 14:30",
        "дата 2024-03-12",
        "сумма 150 000 тг",
        "перевела 1 500 000 ₸",
        "посылка KZ123456789CN задержана",
        "трек RR123456789KZ",
        "заказ №12345678",
        "order #1234567890",
        "ИИН 901123300255 не проходит",
        "ИИН 800115300310",
        "Номер карты 4170 0064 9746 3793 не прошёл проверку",
        "карта 4400 8701 1234 567",
        "карта 4400 4301 2345 6780",
        "счёт 40817810099910004312",
        "счёт 1234567890",
        "код 1414, код из смс 482193",
        "скрин.jpg и чек.pdf",
        "версия 2.3.1",
        "+7 750 123 45 67",
        "email me at @ home",
        "т.е. и т.д.",
        "@abc",
        "",
    ],
)
def test_hard_negatives_are_not_reported(text: str) -> None:
    assert extract(text) == []


def test_cvv_and_expiry_are_never_returned() -> None:
    text = "4400 4301 2345 6789 12/27 CVV 123"
    assert found(text) == [("card", "4400430123456789")]


def test_card_followed_by_three_digits_keeps_the_sixteen() -> None:
    assert found("4400 4301 2345 6789 123") == [("card", "4400430123456789")]


def test_fullwidth_digits_are_folded_and_flagged() -> None:
    indicators = extract("ИИН ９０１１２３３００２５８")
    assert [(i.type.value, i.value, i.raw, i.suspicious) for i in indicators] == [
        ("iin", "901123300258", "９０１１２３３００２５８", True)
    ]


def test_arabic_indic_digits_are_folded_and_flagged() -> None:
    indicators = extract("IIN ٩٠١١٢٣٣٠٠٢٥٨")
    assert [(i.value, i.suspicious) for i in indicators] == [("901123300258", True)]


def test_nbsp_inside_a_phone_is_a_separator_not_a_trick() -> None:
    text = "+7\u00a0701\u00a0123\u00a045\u00a067"
    indicators = extract(text)
    assert [(i.value, i.raw, i.start, i.end, i.suspicious) for i in indicators] == [
        ("+77011234567", text, 0, len(text), False)
    ]


def test_zero_width_space_inside_a_value_is_flagged() -> None:
    text = "ИИН 901123\u200b300258"
    indicators = extract(text)
    assert [(i.value, i.raw, i.suspicious) for i in indicators] == [
        ("901123300258", "901123\u200b300258", True)
    ]


def test_fullwidth_plus_is_accepted_without_flag() -> None:
    indicators = extract("＋7 701 123 45 67")
    assert [(i.value, i.suspicious) for i in indicators] == [("+77011234567", False)]


def test_homoglyph_iban_country_code() -> None:
    indicators = extract("счёт КZ86125KZT5004100100")
    assert [(i.value, i.raw, i.suspicious) for i in indicators] == [
        ("KZ86125KZT5004100100", "КZ86125KZT5004100100", True)
    ]


def test_cyrillic_a_in_kaspi_is_a_lookalike() -> None:
    indicators = extract("сайт kаspi.kz")
    assert [(i.value, i.details["lookalike_of"], i.suspicious) for i in indicators] == [
        ("xn--kspi-53d.kz", "kaspi.kz", True)
    ]


def test_ideographic_full_stop_domain() -> None:
    indicators = extract("зайдите на kaspi。kz")
    assert [(i.value, i.raw) for i in indicators] == [("kaspi.kz", "kaspi。kz")]


def test_offsets_survive_normalisation() -> None:
    text = "№1 ＋７ ７０１ １２３ ４５ ６７ then 185.22.174.5"
    indicators = extract(text)
    assert_offsets(text, indicators)
    assert [i.value for i in indicators] == ["+77011234567", "185.22.174.5"]


def test_same_value_twice_is_returned_twice() -> None:
    assert found("87011234567 и снова 8 701 123 45 67") == [
        ("phone", "+77011234567"),
        ("phone", "+77011234567"),
    ]


def test_bank_table_overrides_schwifty() -> None:
    indicators = extract("KZ72722S000000000001")
    assert [i.details["bank"] for i in indicators] == [
        {"name": "Kaspi Bank", "bic": "CASPKZKA", "code": "KASPI"}
    ]


def test_phone_operator_comes_from_reference_table() -> None:
    indicators = extract("+7 777 123 45 67")
    assert [(i.details["operator"], i.details["country"]) for i in indicators] == [
        ("Beeline Kazakhstan", "KZ")
    ]


def test_as_dict_flattens_details() -> None:
    indicator = extract("ИИН 901123300258")[0]
    assert indicator.as_dict() == {
        "type": "iin",
        "value": "901123300258",
        "raw": "901123300258",
        "start": 4,
        "end": 16,
        "suspicious": False,
        "birth_date": "1990-11-23",
        "sex": "male",
        "masked": "901123******",
    }


def test_bytes_are_decoded_leniently() -> None:
    assert found(b"\xff \xd0\xa2 87011234567") == [("phone", "+77011234567")]
