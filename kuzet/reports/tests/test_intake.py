"""Intake's pure steps, run without a database: validation, triage and deciding.

No test here is marked ``django_db``: pytest-django refuses every query, so a step that starts
reading the database (or the clock, checked through dates relative to the ``now`` passed in)
fails here rather than slowing every batch unnoticed.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from kuzet.accounts.models import Organisation, Region
from kuzet.reports.inputs import ReportInput, TransferInput
from kuzet.reports.models import Channel
from kuzet.reports.services.intake import IntakeItem, ReportInvalid, fingerprint, score, validate
from kuzet.reports.services.intake.decide import Merge, NewReport, decide
from kuzet.reports.services.intake.lookups import Lookups
from kuzet.reports.services.intake.triage import department_for
from kuzet.reports.services.intake.validation import ValidRow

# A clock far from today's: a step that reads the real clock answers differently.
NOW = datetime(2020, 3, 1, 12, 0, tzinfo=UTC)
ALMATY = Region(pk=75, iso_code="KZ-75")
CENTRAL = Organisation(pk=1, code="DCC", kind="central")
ALMATY_DEPARTMENT = Organisation(pk=2, code="DP-KZ-75", kind="regional", region=ALMATY)


def transfer(minutes_before_now: int, amount: str = "150000") -> TransferInput:
    return TransferInput(
        amount=Decimal(amount),
        to_account="KZ86125KZT5004100100",
        transferred_at=NOW - timedelta(minutes=minutes_before_now),
    )


def test_validation_judges_dates_by_the_clock_it_is_given():
    data = ReportInput(narrative="Перевёл деньги мошенникам.", transfers=(transfer(-60),))
    with pytest.raises(ReportInvalid) as refused:
        validate(data, regions={}, now=NOW)
    assert set(refused.value.errors) == {"transfers[0].transferred_at"}
    assert validate(data, regions={}, now=NOW + timedelta(hours=2)).targets[0] is not None


def test_validation_finds_regions_only_in_the_regions_it_is_given():
    data = ReportInput(narrative="Звонили из банка.", region_code="KZ-75")
    assert validate(data, regions={"KZ-75": ALMATY}, now=NOW).region is ALMATY
    with pytest.raises(ReportInvalid) as refused:
        validate(data, regions={}, now=NOW)
    assert set(refused.value.errors) == {"region_code"}


@pytest.mark.parametrize(("golden_hour_minutes", "expected_points"), [(60, 30), (20, 10)])
def test_the_golden_hour_is_the_one_triage_is_given(golden_hour_minutes, expected_points):
    priority, _reasons = score(
        loss=Decimal(0),
        minutes_since_transfer=30,
        age_band="unknown",
        linked_reports=0,
        golden_hour_minutes=golden_hour_minutes,
    )
    assert priority == expected_points


def test_a_report_goes_to_its_regions_department_or_else_to_the_centre():
    departments = {ALMATY.pk: ALMATY_DEPARTMENT}
    assert department_for(ALMATY, departments=departments, central=CENTRAL) is ALMATY_DEPARTMENT
    assert department_for(None, departments=departments, central=CENTRAL) is CENTRAL
    astana = Region(pk=71, iso_code="KZ-71")
    assert department_for(astana, departments=departments, central=CENTRAL) is CENTRAL


def test_one_transfer_written_in_utc_and_in_local_time_has_one_fingerprint():
    """After 19:00 UTC it is already tomorrow in Kazakhstan: the day is taken there."""
    evening = datetime(2020, 3, 1, 19, 40, tzinfo=UTC)
    local = evening.astimezone(ZoneInfo("Asia/Almaty"))
    prints = {
        fingerprint(
            validate(
                ReportInput(
                    narrative="Перевёл.",
                    transfers=(
                        TransferInput(
                            amount=Decimal("250000"),
                            to_account="KZ86125KZT5004100100",
                            transferred_at=when,
                        ),
                    ),
                ),
                regions={},
                now=evening + timedelta(hours=1),
            )
        )
        for when in (evening, local)
    }
    assert len(prints) == 1


def lookups_for(rows: list[ValidRow]) -> Lookups:
    return Lookups(
        banks_by_code={},
        banks_by_iban={},
        banks_by_card_prefix={},
        departments={ALMATY.pk: ALMATY_DEPARTMENT},
        central=CENTRAL,
        fingerprints={row.index: fingerprint(row.validated) for row in rows},
        hashes={row.index: [] for row in rows},
        seen_in={},
        named_recently=Counter(),
        by_submission_key={},
        by_reference={},
        by_fingerprint={},
        by_contact={},
    )


def test_the_same_transfer_twice_in_one_batch_makes_one_report_and_one_merge():
    data = ReportInput(narrative="Перевёл.", region_code="KZ-75", transfers=(transfer(10),))
    rows = [
        ValidRow(
            index=index,
            item=IntakeItem(data=data, channel=Channel.PUBLIC_WEB),
            validated=validate(data, regions={"KZ-75": ALMATY}, now=NOW),
            received_at=NOW,
        )
        for index in range(2)
    ]
    first, second = decide(rows, lookups_for(rows))
    assert isinstance(first, NewReport)
    assert first.report.department is ALMATY_DEPARTMENT
    assert first.report.is_golden_hour is True
    assert isinstance(second, Merge)
    assert second.into is first.report
    assert second.is_same_submission is False
