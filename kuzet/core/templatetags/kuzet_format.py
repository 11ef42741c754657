"""``{% load kuzet_format %}``: ``{{ amount|money }}``, ``{{ amount|money:currency }}``,
``{{ moment|moment }}``, formatted for the reader's language (``kuzet.core.formatting``)."""

from __future__ import annotations

from datetime import datetime

from django import template

from kuzet.core.formatting import format_moment, format_money

register = template.Library()


@register.filter
def money(value: object, currency: str = "KZT") -> str:
    return format_money(value, currency)


@register.filter
def moment(value: datetime | None) -> str:
    return format_moment(value)


@register.filter
def minutes_until(value: datetime | None, now: datetime) -> int:
    """Whole minutes from ``now`` until ``value`` (0 once it has passed): a countdown."""
    if value is None:
        return 0
    return max(0, int((value - now).total_seconds() // 60))
