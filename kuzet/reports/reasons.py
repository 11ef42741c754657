"""Why a report has its priority: the reasons triage writes, and how each reader sees them.

Triage stores its reasons as short English sentences from the closed set below, with their
figures in them ("loss 250000 KZT"), so a stored report reads the same in any export. Pages show
them in the reader's language: each stored sentence is matched back to its reason and figures
and written again from a translated template. A sentence from outside the set is shown as it is.
"""

from __future__ import annotations

import re
from enum import StrEnum

from django.utils.translation import gettext

from kuzet.core.formatting import format_money, format_number


class PriorityReason(StrEnum):
    """One reason a report is urgent, as stored (Python format fields name its figures)."""

    LOSS = "loss {amount} KZT"
    GOLDEN_HOUR = "money left {minutes} minutes ago"
    TODAY = "money left today"
    VULNERABLE = "vulnerable victim"
    LINKED = "identifiers seen in {count} other reports"

    def written(self, **figures: object) -> str:
        """The stored sentence with its figures."""
        return self.value.format(**figures)


def _pattern(reason: PriorityReason) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", reason.value)
    # Even parts are literal text, odd parts the names of figures (digits, maybe a decimal).
    source = "".join(
        re.escape(part) if index % 2 == 0 else rf"(?P<{part}>\d+(?:\.\d+)?)"
        for index, part in enumerate(parts)
    )
    return re.compile(rf"\A{source}\Z")


_PATTERNS = [(reason, _pattern(reason)) for reason in PriorityReason]


def reason_shown(stored: str) -> str:
    """A stored reason in the reader's language (the active translation)."""
    for reason, pattern in _PATTERNS:
        found = pattern.match(stored)
        if found is None:
            continue
        figures = found.groupdict()
        if reason is PriorityReason.LOSS:
            return gettext("loss of %(amount)s") % {"amount": format_money(figures["amount"])}
        if reason is PriorityReason.GOLDEN_HOUR:
            return gettext("money left %(minutes)s min ago") % {"minutes": figures["minutes"]}
        if reason is PriorityReason.TODAY:
            return gettext("money left today")
        if reason is PriorityReason.VULNERABLE:
            return gettext("vulnerable victim")
        return gettext("identifiers seen in %(count)s other reports") % {
            "count": format_number(figures["count"])
        }
    return stored
