"""Report fixtures: a report factory that goes through the real intake service."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from kuzet.reports import services


@pytest.fixture
def submit(reference_data: None) -> Callable[..., services.SubmittedReport]:
    def make(
        *,
        channel: str = "public_web",
        minutes_ago: int | None = 10,
        to_account: str = "KZ86125KZT5004100100",
        amount: str = "150000",
        source_organisation: Any = None,
        **fields: Any,
    ) -> services.SubmittedReport:
        transfers = ()
        if minutes_ago is not None:
            transfers = (
                services.TransferInput(
                    amount=Decimal(amount),
                    to_account=to_account,
                    transferred_at=timezone.now() - timedelta(minutes=minutes_ago),
                ),
            )
        data = services.ReportInput(
            narrative=fields.pop("narrative", "Позвонили из «службы безопасности банка»."),
            region_code=fields.pop("region_code", "KZ-75"),
            transfers=fields.pop("transfers", transfers),
            **fields,
        )
        return services.report_submit(
            actor=None, channel=channel, data=data, source_organisation=source_organisation
        )

    return make
