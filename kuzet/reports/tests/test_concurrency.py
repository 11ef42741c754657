"""Reports of one transfer arriving at the same moment still become one report."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connections
from django.utils import timezone

from kuzet.accounts.models import Organisation
from kuzet.audit.services import SystemActor
from kuzet.reports import services
from kuzet.reports.models import Report, ReportSource


@pytest.mark.django_db(transaction=True)
def test_one_new_transfer_reported_concurrently_makes_one_report(reference_data: None) -> None:
    transferred_at = timezone.now() - timedelta(minutes=20)
    banks = list(Organisation.objects.filter(code__in=["KASPI", "HALYK", "BCC", "FORTE"]))
    start = threading.Barrier(len(banks))
    results: list[services.SubmittedReport] = []
    errors: list[BaseException] = []

    def report_from(bank: Organisation) -> None:
        try:
            data = services.ReportInput(
                narrative="Клиент перевёл деньги «сотруднику банка».",
                external_reference=f"{bank.code}-1",
                transfers=(
                    services.TransferInput(
                        amount=Decimal("250000"),
                        to_account="KZ86125KZT5004100100",
                        transferred_at=transferred_at,
                    ),
                ),
            )
            start.wait(timeout=10)
            results.append(
                services.report_submit(
                    actor=SystemActor("test"), channel="bank", data=data, source_organisation=bank
                )
            )
        except BaseException as error:  # noqa: BLE001 — collected and asserted below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=report_from, args=(bank,)) for bank in banks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Report.objects.count() == 1
    assert sorted(result.is_duplicate for result in results) == [False, True, True, True]
    assert ReportSource.objects.filter(report=Report.objects.get()).count() == len(banks)
