"""The queue's order and paging: urgent first, then priority, then the longest waiting."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import Case, IntegerField, Value, When
from django.test import Client
from django.utils import timezone

from kuzet.audit.services import SystemActor
from kuzet.reports import queue
from kuzet.reports import services as report_services
from kuzet.reports.models import Report, ReportStatus

pytestmark = pytest.mark.django_db


def many_reports(count: int) -> list[Report]:
    """``count`` reports in Almaty and Astana, every third fresh in its golden hour, with
    priorities that repeat (so ties are broken by age, then by number) and mixed statuses."""
    now = timezone.now()
    items = []
    for number in range(count):
        fresh = number % 3 == 0
        items.append(
            report_services.IntakeItem(
                data=report_services.ReportInput(
                    narrative="Позвонили из «службы безопасности банка».",
                    region_code="KZ-75" if number % 2 else "KZ-71",
                    transfers=(
                        report_services.TransferInput(
                            amount=Decimal(10_000 + number),
                            to_account="KZ72722S000000000001",
                            transferred_at=now - timedelta(minutes=10 if fresh else 600 + number),
                        ),
                    ),
                ),
                channel="public_web",
                received_at=now - timedelta(minutes=5 if fresh else 600 + number),
            )
        )
    outcomes = report_services.report_submit_many(actor=SystemActor("test"), items=items)
    reports = [outcome.report for outcome in outcomes]  # type: ignore[union-attr]
    statuses = list(ReportStatus.values)
    for number, report in enumerate(reports):
        Report.objects.filter(pk=report.pk).update(
            priority=(number * 7) % 5 * 10, status=statuses[number % len(statuses)]
        )
    return reports


def expected_order(reports: object, statuses: tuple[str, ...]) -> list[int]:
    """The order as the queue computed it before it was index-served: one ORDER BY over all."""
    urgent = queue.urgent_condition(timezone.now())
    return list(
        Report.objects.filter(pk__in=[report.pk for report in reports])  # type: ignore[attr-defined]
        .filter(status__in=statuses)
        .annotate(
            urgency=Case(When(urgent, then=Value(1)), default=Value(0), output_field=IntegerField())
        )
        .order_by("-urgency", "-priority", "received_at", "id")
        .values_list("id", flat=True)
    )


def shown(browser: Client, path: str) -> list[int]:
    page = browser.get(path).content.decode()
    return [
        Report.pk_from_tracking_number(number) or 0
        for number in re.findall(r">(\d\d-\d{7})</a>", page)
    ]


@pytest.mark.parametrize(("persona", "region"), [("dave", None), ("alice", "KZ-75")])
@pytest.mark.parametrize("status", ["open", "all", "submitted"])
def test_pages_follow_the_queue_order_without_repeating_or_skipping_a_report(
    signed_in: Callable[[str], Client], persona: str, region: str | None, status: str
) -> None:
    reports = many_reports(130)
    visible = [report for report in reports if region in (None, report.region.iso_code)]
    expected = expected_order(visible, queue.statuses_for(status))
    browser = signed_in(persona)
    seen: list[int] = []
    for number in range(1, 5):
        seen += shown(browser, f"/reports/?status={status}&page={number}")
    assert seen == expected


def test_urgent_reports_are_marked_and_counted_with_their_alerts(
    signed_in: Callable[[str], Client],
) -> None:
    many_reports(3)
    page = signed_in("dave").get("/reports/?status=all").content.decode()
    assert page.count("golden-tag") == 1
    assert page.count("<td>1</td>") == 3  # one hold alert each


def test_the_overdue_warning_stops_counting_at_its_cap(
    signed_in: Callable[[str], Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    reports = many_reports(6)
    Report.objects.filter(pk__in=[report.pk for report in reports]).update(
        status=ReportStatus.SUBMITTED, registration_due_at=timezone.now() - timedelta(hours=1)
    )
    browser = signed_in("dave")
    assert (
        "6 reports are past their 24-hour registration limit"
        in browser.get("/reports/").content.decode()
    )
    monkeypatch.setattr(queue, "MAXIMUM_OVERDUE_COUNT", 4)
    assert (
        "More than 4 reports are past their 24-hour registration limit"
        in browser.get("/reports/").content.decode()
    )


def test_a_page_deeper_than_the_bound_shows_the_deepest_page(
    signed_in: Callable[[str], Client],
) -> None:
    page = signed_in("dave").get("/reports/?page=999999999").content.decode()
    assert "Page 200" in page
    assert signed_in("dave").get("/reports/?page=x").status_code == 200
