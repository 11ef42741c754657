"""Priority reasons are stored in one closed set and shown in the reader's language."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from kuzet.reports.models import AgeBand
from kuzet.reports.reasons import PriorityReason, reason_shown
from kuzet.reports.services.intake import score


def reasons_of_a_fresh_large_loss() -> list[str]:
    _priority, reasons = score(
        loss=Decimal("250000"),
        minutes_since_transfer=12,
        age_band=AgeBand.FROM_60,
        linked_reports=3,
        golden_hour_minutes=60,
    )
    return reasons


def test_triage_writes_only_reasons_of_the_closed_set():
    reasons = reasons_of_a_fresh_large_loss()
    assert reasons == [
        PriorityReason.LOSS.written(amount="250000"),
        PriorityReason.GOLDEN_HOUR.written(minutes=12),
        PriorityReason.VULNERABLE.written(),
        PriorityReason.LINKED.written(count=3),
    ]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("kk", ["шығын: 250\u00a0000\u00a0₸", "ақша 12 мин бұрын аударылды", "осал жәбірленуші"]),
        ("ru", ["ущерб: 250\u00a0000\u00a0₸", "деньги ушли 12 мин назад", "уязвимый потерпевший"]),
        ("en", ["loss of 250,000\u00a0₸", "money left 12 min ago", "vulnerable victim"]),
    ],
)
def test_a_stored_reason_is_shown_in_the_readers_language(language, expected):
    with translation.override(language):
        shown = [reason_shown(reason) for reason in reasons_of_a_fresh_large_loss()]
    assert shown[:3] == expected
    assert "KZT" not in " ".join(shown)


def test_a_sentence_from_outside_the_set_is_shown_as_it_is():
    with translation.override("kk"):
        assert reason_shown("set by hand") == "set by hand"
