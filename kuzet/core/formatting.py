"""Amounts and moments written the way the reader's language writes them.

Django ships no number formats for Kazakh, and its Russian ones apply only when localisation of
every number is switched on site-wide (which would also reformat identifiers, years and ids). So
the staff pages format money and times explicitly: numbers by Babel from the Unicode CLDR data
(``250 000 ₸`` in Kazakh and Russian, ``250,000 ₸`` in English), moments by Django's date
format in Kazakhstan's time (``TIME_ZONE``): ``03.12.2026 19:45`` and ``3 Dec 2026, 19:45``.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation

from babel.numbers import format_decimal
from django.utils import dateformat, timezone
from django.utils.translation import get_language

NO_BREAK_SPACE = "\u00a0"

# The CLDR locale of each interface language, and how each writes a moment (day first, 24 h).
LOCALES = {"kk": "kk_KZ", "ru": "ru_KZ", "en": "en_GB"}
MOMENTS = {"kk": "d.m.Y H:i", "ru": "d.m.Y H:i", "en": "j M Y, H:i"}

CURRENCY_SIGNS = {"KZT": "₸", "RUB": "₽", "USD": "$", "EUR": "€"}


def _language(language: str | None) -> str:
    code = (language or get_language() or "ru")[:2]
    return code if code in LOCALES else "ru"


def format_number(value: object, language: str | None = None) -> str:
    """A number with its digits grouped by thousands; kopecks/tiyn only when there are some.

    What is not a number is returned as written (a partner's payload can carry anything).
    """
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if not number.is_finite():
        return str(value)
    pattern = "#,##0" if number == number.to_integral_value() else "#,##0.00"
    return format_decimal(number, format=pattern, locale=LOCALES[_language(language)])


def format_money(value: object, currency: str = "KZT", language: str | None = None) -> str:
    """An amount and its currency: ``250 000 ₸`` (never split across lines)."""
    if value is None or value == "":
        return ""
    code = (currency or "KZT").upper()
    return f"{format_number(value, language)}{NO_BREAK_SPACE}{CURRENCY_SIGNS.get(code, code)}"


def format_moment(value: datetime | None, language: str | None = None) -> str:
    """A date and time in Kazakhstan's time, written as the reader's language writes it."""
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return dateformat.format(value, MOMENTS[_language(language)])
