"""bulk_insert writes what bulk_create would, on SQLite and through COPY on PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from kuzet.accounts.models import Organisation, Region
from kuzet.core.bulk import bulk_insert
from kuzet.reports.models import Report, ReportIndicator, StatusChange

pytestmark = pytest.mark.django_db


def test_rows_come_back_with_every_kind_of_value(reference_data: None) -> None:
    received = timezone.now() - timedelta(minutes=7)
    region = Region.objects.get(iso_code="KZ-75")
    department = Organisation.objects.get(code="DP-KZ-75")
    reports = [
        Report(
            received_at=received,
            channel="bank",
            narrative=f"Перевела «на безопасный счёт»\t№{number}\n",
            region=region,
            department=department if number % 2 else None,
            loss_amount=Decimal("150000.55"),
            priority=number,
            priority_reasons=[{"reason": "loss", "points": 3}],
            flags=["suspicious_identifier"] if number else [],
            fingerprint=f"{number:064x}",
        )
        for number in range(3)
    ]
    bulk_insert(reports)
    assert all(report.pk is not None for report in reports)
    assert len({report.pk for report in reports}) == 3
    for report in reports:
        stored = Report.objects.get(pk=report.pk)
        assert stored.public_id == report.public_id
        assert stored.received_at == received
        assert stored.created_at is not None  # auto_now_add ran
        assert stored.narrative == report.narrative
        assert stored.department_id == report.department_id
        assert stored.loss_amount == Decimal("150000.55")
        assert stored.priority_reasons == [{"reason": "loss", "points": 3}]
        assert stored.flags == report.flags
    # The instances are usable as saved objects: children refer to them.
    bulk_insert([StatusChange(report=report, status="submitted") for report in reports])
    assert StatusChange.objects.filter(report__in=reports).count() == 3


def test_a_violated_constraint_writes_nothing(reference_data: None) -> None:
    report = Report.objects.create(received_at=timezone.now(), channel="bank")
    row = {"report": report, "type": "phone", "value": "+77011234567", "value_hash": "a" * 64}
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk_insert([ReportIndicator(masked="x", source="typed", **row) for _ in range(2)])
    assert not ReportIndicator.objects.exists()


def test_nothing_to_insert_is_fine() -> None:
    assert bulk_insert([]) == []
