"""Hosts are reported as the domain written, never as another registration.

The normaliser folds non-ASCII digits and deletes invisible characters so that numbers and
words can be matched; inside a host that would rewrite it into a different domain. Hosts are
therefore read with their digits and joiners as written, and IDNA 2008 (UTS 46) decides.
"""

from __future__ import annotations

import pytest

from kuzet.indicators import extract, parse_domain
from kuzet.indicators.model import InvalidIndicator


def found(text: str) -> list[tuple[str, str]]:
    return [(indicator.type.value, indicator.value) for indicator in extract(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # An Extended Arabic-Indic one is a letter of another registration, not "1".
        ("сайт ha۱ykbank.kz", [("domain", "xn--haykbank-dem.kz")]),
        (
            "https://ha۱ykbank.kz/login",
            [("url", "https://xn--haykbank-dem.kz/login"), ("domain", "xn--haykbank-dem.kz")],
        ),
        ("почта me@ha۱ykbank.kz", [("email", "me@xn--haykbank-dem.kz")]),
        # A Devanagari digit in a Latin label: valid, and still not the ASCII digit.
        ("kaspi२४.kz", [("domain", "xn--kaspi-9flo.kz")]),
        # An Arabic-Indic digit makes a Latin label invalid under the bidi rule: no domain.
        ("сайт ha١ykbank.kz", []),
        # A zero-width non-joiner a Persian word needs: deleting it is another domain.
        ("سایت می\u200cخواهم.ir", [("domain", "xn--mgbn2ecje63gr19l.ir")]),
        # A joiner IDNA refuses was slipped in to dodge a filter: read without it.
        ("ka\u200dspi-bonus.kz", [("domain", "kaspi-bonus.kz")]),
        # The digits of numbers around a host are still folded.
        ("ИИН ٩٠١١٢٣٣٠٠٢٥٨ сайт ok.kz", [("iin", "901123300258"), ("domain", "ok.kz")]),
    ],
)
def test_hosts_keep_their_digits_and_joiners(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    "host", ["xn--abc.kz", "xn--a.kz", "xn--80ak6aa92e-.com", "shop.xn--zz.kz", "xn--kaspi-.kz"]
)
def test_invalid_punycode_is_not_a_domain(host: str) -> None:
    with pytest.raises(InvalidIndicator):
        parse_domain(host)
    assert found(f"сайт {host} тут") == []


@pytest.mark.parametrize(
    ("host", "value"),
    [("xn--80ak6aa92e.com", "xn--80ak6aa92e.com"), ("XN--KSPI-53D.KZ", "xn--kspi-53d.kz")],
)
def test_valid_punycode_is_a_domain(host: str, value: str) -> None:
    assert parse_domain(host).value == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("сайт cafe\u0301.kz", "xn--caf-dma.kz"),
        ("ตัวอย่าง.ไทย", "xn--72c1a1bt4awk9o.xn--o3cw4h"),
        ("उदाहरण.भारत", "xn--p1b6ci4b4b3a.xn--h2brj9c"),
    ],
)
def test_bare_idns_with_combining_marks_are_found(text: str, value: str) -> None:
    assert found(text) == [("domain", value)]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # UTS 46 maps the lunate sigma to σ; NFKC would make it ς, another registration.
        ("сайт bcϲ.kz", "xn--bc-wbc.kz"),
        # A compatibility letter UTS 46 refuses is no host (NFKC would have made "1.").
        ("сайт a⒈b.kz", None),
    ],
)
def test_compatibility_letters_in_hosts_are_mapped_by_uts46(text: str, value: str | None) -> None:
    assert found(text) == ([("domain", value)] if value else [])


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # A label that starts with a digit and goes on in another script (IdnaTestV2).
        ("адрес 0Ӏ.눵.com тут", "xn--2e1b.com"),
        ("адрес ꧐Ӏ᮪ࣶ.눵.com тут", "xn--2e1b.com"),
        ("адрес 7ک.ir тут", None),
    ],
)
def test_a_label_starting_with_a_digit_is_still_a_host(text: str, value: str | None) -> None:
    assert [pair for pair in found(text) if pair[0] == "domain"] == (
        [("domain", value)] if value else []
    )


@pytest.mark.parametrize(
    ("host", "value"),
    [
        ("ha۱ykbank.kz", "xn--haykbank-dem.kz"),
        ("bcϲ.kz", "xn--bc-wbc.kz"),
        ("ka\u200dspi-bonus.kz", "kaspi-bonus.kz"),
    ],
)
def test_parse_reads_a_host_as_the_extractor_does(host: str, value: str) -> None:
    assert parse_domain(host).value == value
    assert found(f"сайт {host}") == [("domain", value)]
