"""Amounts and moments written the way the reader's language writes them.

Django ships no number or date formats for Kazakh, and its Russian ones are not applied unless
localisation of every number is switched on site-wide (which would also reformat identifiers,
years and ids). So the staff pages format money and times explicitly, from this table:
``250 000 ₸`` and ``03.12.2026 19:45`` in Kazakh and Russian, ``250,000 ₸`` and
``3 Dec 2026, 19:45`` in English. Times are shown in Kazakhstan's time (``TIME_ZONE``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.utils import dateformat, timezone
from django.utils.translation import get_language

NO_BREAK_SPACE = "\u00a0"


@dataclass(frozen=True)
class LanguageFormat:
    """How one language groups digits, marks decimals and writes a moment."""

    thousands: str
    decimal: str
    # A ``django.utils.dateformat`` format: day first, 24-hour clock in every language.
    moment: str


FORMATS: dict[str, LanguageFormat] = {
    "kk": LanguageFormat(thousands=NO_BREAK_SPACE, decimal=",", moment="d.m.Y H:i"),
    "ru": LanguageFormat(thousands=NO_BREAK_SPACE, decimal=",", moment="d.m.Y H:i"),
    "en": LanguageFormat(thousands=",", decimal=".", moment="j M Y, H:i"),
}

CURRENCY_SIGNS = {"KZT": "₸", "RUB": "₽", "USD": "$", "EUR": "€"}


def _format_for(language: str | None) -> LanguageFormat:
    return FORMATS.get((language or get_language() or "ru")[:2], FORMATS["ru"])


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
    style = _format_for(language)
    places = 0 if number == number.to_integral_value() else 2
    sign = "-" if number < 0 else ""
    whole, _point, fraction = f"{abs(number):.{places}f}".partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    written = sign + style.thousands.join(groups)
    return f"{written}{style.decimal}{fraction}" if fraction else written


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
    return dateformat.format(value, _format_for(language).moment)
