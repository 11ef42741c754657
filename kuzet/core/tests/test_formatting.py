"""Amounts and moments on staff pages, as each language writes them."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from kuzet.core.formatting import format_money, format_number

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("language", "amount", "currency", "expected"),
    [
        ("kk", Decimal("250000.00"), "KZT", f"250{NBSP}000{NBSP}₸"),
        ("ru", Decimal("250000"), "KZT", f"250{NBSP}000{NBSP}₸"),
        ("en", Decimal("250000"), "KZT", f"250,000{NBSP}₸"),
        ("ru", "1250.5", "USD", f"1{NBSP}250,50{NBSP}$"),
        ("en", "1250.5", "USD", f"1,250.50{NBSP}$"),
        ("kk", 7_000_000_000, "KZT", f"7{NBSP}000{NBSP}000{NBSP}000{NBSP}₸"),
        ("ru", 999, "KZT", f"999{NBSP}₸"),
        ("ru", "12", "CHF", f"12{NBSP}CHF"),
    ],
)
def test_money_in_each_language(language, amount, currency, expected):
    with translation.override(language):
        rendered = Template("{% load kuzet_format %}{{ amount|money:currency }}").render(
            Context({"amount": amount, "currency": currency})
        )
    assert rendered == expected


def test_what_is_not_a_number_is_shown_as_written():
    assert format_number("see attachment", "ru") == "see attachment"
    assert format_money(None) == ""


@pytest.mark.parametrize(
    ("language", "expected"),
    [("kk", "03.12.2026 19:45"), ("ru", "03.12.2026 19:45"), ("en", "3 Dec 2026, 19:45")],
)
def test_a_moment_in_kazakhstan_s_time_in_each_language(language, expected):
    moment = datetime(2026, 12, 3, 14, 45, tzinfo=UTC)
    with translation.override(language):
        rendered = Template("{% load kuzet_format %}{{ moment|moment }}").render(
            Context({"moment": moment})
        )
    assert rendered == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "amount", "heading"),
    [
        ("kk", f"150{NBSP}000{NBSP}₸", "Сізді күтіп тұр"),
        ("ru", f"150{NBSP}000{NBSP}₸", "Ждёт вас"),
        ("en", f"150,000{NBSP}₸", "Waiting for you"),
    ],
)
def test_staff_pages_write_amounts_in_the_reader_s_language(
    signed_in, submit, settings, language, amount, heading
):
    report = submit(amount="150000").report
    alice = signed_in("alice")
    alice.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    assert heading in alice.get("/").content.decode()
    assert f'<td class="number">{amount}</td>' in alice.get("/reports/").content.decode()
    assert amount in alice.get(f"/reports/{report.public_id}/").content.decode()
