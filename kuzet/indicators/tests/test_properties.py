"""Property tests: generated valid values round-trip through parse and extract, a changed
digit fails its checksum, and arbitrary text never raises."""

from __future__ import annotations

import hashlib

from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from schwifty import IBAN

from kuzet.indicators import (
    IndicatorType,
    extract,
    parse,
    parse_card,
    parse_crypto_wallet,
    parse_iban,
    parse_iin,
    parse_imei,
    parse_phone,
)
from kuzet.indicators.checksums import kazakh_check_digit, keccak256, luhn_is_valid
from kuzet.indicators.model import InvalidIndicator
from kuzet.indicators.normalise import normalise
from kuzet.reference import mobile_operators

SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def luhn_complete(prefix: str) -> str:
    check = next(digit for digit in "0123456789" if luhn_is_valid(prefix + digit))
    return prefix + check


def changed_digit(value: str, position: int, delta: int) -> str:
    index = position % len(value)
    return value[:index] + str((int(value[index]) + delta) % 10) + value[index + 1 :]


cards = st.builds(
    lambda prefix, body: luhn_complete(prefix + body),
    st.sampled_from(["4", "51", "55", "2200", "62"]),
    st.text("0123456789", min_size=11, max_size=11),
).filter(lambda number: len(number) in (13, 14, 15, 16, 17))


@st.composite
def iins(draw: st.DrawFn) -> str:
    year = draw(st.integers(1930, 2007))
    month = draw(st.integers(1, 12))
    day = draw(st.integers(1, 28))
    century = (3 if year < 2000 else 5) + draw(st.integers(0, 1))
    serial = draw(st.text("0123456789", min_size=4, max_size=4))
    prefix = f"{year % 100:02d}{month:02d}{day:02d}{century}{serial}"
    check = kazakh_check_digit(prefix)
    if check is None:
        prefix = prefix[:-1] + str((int(prefix[-1]) + 1) % 10)
        check = kazakh_check_digit(prefix)
    return prefix + str(check)


kazakh_mobiles = st.builds(
    lambda prefix, rest: "+7" + prefix + rest,
    st.sampled_from([p for operator in mobile_operators() for p in operator.prefixes]),
    st.text("0123456789", min_size=7, max_size=7),
)


@given(cards)
@SETTINGS
def test_card_round_trip(number: str) -> None:
    assert parse_card(number).value == number
    assert [(i.type.value, i.value) for i in extract(f"карта {number} списали")] == [
        ("card", number)
    ]


@given(cards, st.integers(0, 30), st.integers(1, 9))
@SETTINGS
def test_card_changed_digit_fails_luhn(number: str, position: int, delta: int) -> None:
    assert luhn_is_valid(changed_digit(number, position, delta)) is False


@given(iins().filter(lambda value: kazakh_check_digit(value[:11]) is not None))
@SETTINGS
def test_iin_round_trip(value: str) -> None:
    assert parse_iin(value).value == value
    assert [(i.type.value, i.value) for i in extract(f"ИИН {value}.")] == [("iin", value)]


@given(iins().filter(lambda value: kazakh_check_digit(value[:11]) is not None), st.integers(1, 9))
@SETTINGS
def test_iin_changed_check_digit_fails(value: str, delta: int) -> None:
    wrong = changed_digit(value, 11, delta)
    try:
        parse_iin(wrong)
    except InvalidIndicator as error:
        reason = error.reason
    assert reason.startswith("check digit should be")


@given(kazakh_mobiles)
@SETTINGS
def test_phone_round_trip(value: str) -> None:
    national = value[2:]
    written = f"8 ({national[:3]}) {national[3:6]}-{national[6:8]}-{national[8:]}"
    assert parse_phone(written).value == value
    assert [(i.type.value, i.value) for i in extract(f"звоните {written}")] == [("phone", value)]


@given(
    st.sampled_from(["722", "601", "551", "998", "965", "856", "125"]),
    st.text("0123456789", min_size=13, max_size=13),
)
@SETTINGS
def test_iban_round_trip(bank_code: str, account: str) -> None:
    value = str(IBAN.generate("KZ", bank_code=bank_code, account_code=account).compact)
    spaced = " ".join(value[i : i + 4] for i in range(0, 20, 4))
    assert parse_iban(spaced).value == value
    assert [(i.type.value, i.value) for i in extract(f"ИИК {spaced} БИК")] == [("iban", value)]


@given(
    st.sampled_from(["722", "601", "125"]),
    st.text("0123456789", min_size=13, max_size=13),
    st.integers(4, 19),
    st.integers(1, 9),
)
@SETTINGS
def test_iban_changed_digit_fails(bank_code: str, account: str, position: int, delta: int) -> None:
    value = str(IBAN.generate("KZ", bank_code=bank_code, account_code=account).compact)
    wrong = value[:position] + str((int(value[position]) + delta) % 10) + value[position + 1 :]
    try:
        parse_iban(wrong)
    except InvalidIndicator as error:
        reason = error.reason
    assert reason == "mod-97 check digits are wrong"


@given(st.text("0123456789", min_size=14, max_size=14), st.sampled_from(["35", "86"]))
@SETTINGS
def test_imei_round_trip(body: str, reporting_body: str) -> None:
    value = luhn_complete(reporting_body + body[:12])
    assert parse_imei(value).value == value
    assert [(i.type.value, i.value) for i in extract(f"IMEI {value}")] == [("imei", value)]


BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def base58check(version: int, payload: bytes) -> str:
    raw = bytes([version]) + payload
    raw += hashlib.sha256(hashlib.sha256(raw).digest()).digest()[:4]
    number = int.from_bytes(raw, "big")
    text = ""
    while number:
        number, remainder = divmod(number, 58)
        text = BASE58[remainder] + text
    return "1" * (len(raw) - len(raw.lstrip(b"\0"))) + text


@given(st.binary(min_size=20, max_size=20), st.sampled_from([0x00, 0x05, 0x41]))
@SETTINGS
def test_base58_wallet_round_trip(payload: bytes, version: int) -> None:
    value = base58check(version, payload)
    assert parse_crypto_wallet(value).value == value
    assert [i.value for i in extract(f"кошелёк {value}")] == [value]


@given(st.text(max_size=300))
@settings(max_examples=400, deadline=None)
@example("\ud800")
@example("\x00" * 50)
@example("\u0301" * 1000)
@example("+" * 100 + "7" * 100)
@example("KZ" + "1" * 60)
@example("@" * 40 + "a" * 40)
@example("http://" + "a." * 200 + "kz")
@example("hxxp[:]//[.][.][.](.)")
@example("４４００ ４３０１ ２３４５ ６７８９\u202e\u2066")
def test_arbitrary_text_never_raises(text: str) -> None:
    indicators = extract(text)
    assert [text[i.start : i.end] for i in indicators] == [i.raw for i in indicators]


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
@settings(max_examples=200, deadline=None)
def test_normalise_maps_every_span_inside_the_input(text: str) -> None:
    normalised = normalise(text)
    spans = [normalised.original_span(i, i + 1) for i in range(len(normalised.text))]
    assert all(0 <= start < end <= len(text) for start, end in spans)


@given(
    st.sampled_from(
        [
            "phone",
            "card",
            "iban",
            "iin",
            "bin",
            "email",
            "url",
            "domain",
            "ip",
            "crypto_wallet",
            "messenger_handle",
            "imei",
            "card_partial",
        ]
    ),
    st.text(max_size=80),
)
@settings(max_examples=300, deadline=None)
def test_parse_only_raises_invalid_indicator(kind: str, value: str) -> None:
    try:
        parse(kind, value)
    except InvalidIndicator:
        return


@st.composite
def bins(draw: st.DrawFn) -> str:
    registered = f"{draw(st.integers(0, 24)):02d}{draw(st.integers(1, 12)):02d}"
    kind = draw(st.sampled_from("456")) + draw(st.sampled_from("0123"))
    prefix = registered + kind + draw(st.text("0123456789", min_size=5, max_size=5))
    check = kazakh_check_digit(prefix)
    return prefix + str(check) if check is not None else ""


@given(bins().filter(bool))
@SETTINGS
def test_bin_round_trip(value: str) -> None:
    assert parse(IndicatorType.BIN, value).value == value
    assert [(i.type.value, i.value) for i in extract(f"БИН {value}")] == [("bin", value)]


@given(bins().filter(bool), st.integers(1, 9))
@SETTINGS
def test_bin_changed_check_digit_fails(value: str, delta: int) -> None:
    try:
        parse(IndicatorType.BIN, changed_digit(value, 11, delta))
    except InvalidIndicator as error:
        reason = error.reason
    assert reason.startswith("check digit should be")


@given(
    st.tuples(st.integers(1, 223), st.integers(0, 255), st.integers(0, 255), st.integers(0, 255))
)
@SETTINGS
def test_ipv4_round_trip(octets: tuple[int, int, int, int]) -> None:
    value = ".".join(str(octet) for octet in octets)
    assert parse(IndicatorType.IP, value).value == value
    assert [(i.type.value, i.value) for i in extract(f"IP {value} вход")] == [("ip", value)]


# The "zq" prefix keeps generated labels clear of the Public Suffix List's private entries
# (x0.com, for one, is itself a suffix and has no registrable domain).
labels = st.from_regex(r"zq[a-z0-9]{1,10}(-[a-z0-9]{1,8})?", fullmatch=True)
suffixes = st.sampled_from(["kz", "com", "online", "ru", "org.kz", "co.uk", "net"])


@given(labels, suffixes)
@SETTINGS
def test_domain_round_trip(label: str, suffix: str) -> None:
    value = f"{label}.{suffix}"
    assert parse(IndicatorType.DOMAIN, value.upper()).value == value
    assert [(i.type.value, i.value) for i in extract(f"сайт {value}, срочно")] == [
        ("domain", value)
    ]


@given(st.from_regex(r"[a-z][a-z0-9_]{0,8}(\.[a-z0-9_]{1,6})?", fullmatch=True), labels, suffixes)
@SETTINGS
def test_email_round_trip(local: str, label: str, suffix: str) -> None:
    value = f"{local}@{label}.{suffix}"
    assert parse(IndicatorType.EMAIL, value.upper()).value == value
    assert [(i.type.value, i.value) for i in extract(f"почта {value} ")] == [("email", value)]


@given(
    st.from_regex(r"[a-z][a-z0-9_]{3,30}[a-z0-9]", fullmatch=True).filter(lambda n: "__" not in n)
)
@SETTINGS
def test_telegram_handle_round_trip(name: str) -> None:
    expected = [("messenger_handle", f"telegram:{name}")]
    assert parse(IndicatorType.MESSENGER_HANDLE, f"@{name}").value == f"telegram:{name}"
    assert [(i.type.value, i.value) for i in extract(f"пишите @{name} срочно")] == expected
    assert [(i.type.value, i.value) for i in extract(f"канал https://t.me/{name}")] == expected


def eip55(body: str) -> str:
    digest = keccak256(body.encode("ascii")).hex()
    return "".join(
        character.upper() if character.isalpha() and int(nibble, 16) >= 8 else character
        for character, nibble in zip(body, digest[:40], strict=True)
    )


@given(
    st.binary(min_size=20, max_size=20).filter(lambda raw: any(c in "abcdef" for c in raw.hex()))
)
@SETTINGS
def test_ethereum_round_trip_and_case_change_fails(raw: bytes) -> None:
    body = raw.hex()
    mixed = "0x" + eip55(body)
    assert parse_crypto_wallet(mixed).value == "0x" + body
    assert [i.value for i in extract(f"ETH {mixed}")] == ["0x" + body]
    position = next(
        index for index, character in enumerate(mixed) if character in "abcdefABCDEF" and index > 1
    )
    flipped = mixed[:position] + mixed[position].swapcase() + mixed[position + 1 :]
    # An all-lower or all-upper address carries no checksum, so only a still-mixed one fails.
    assume(flipped[2:] not in (flipped[2:].lower(), flipped[2:].upper()))
    try:
        parse_crypto_wallet(flipped)
    except InvalidIndicator as error:
        reason = error.reason
    assert reason == "EIP-55 mixed-case checksum is wrong"
