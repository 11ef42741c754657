"""The work waiting in the queue: focused lists, their counts for the home page, and search.

Each focus is a slice of the reports small in real life and served by an index, so its page and
its count cost what they return, not what the table holds:

- ``urgent``: golden-hour reports still fresh enough for a hold to catch the money (a range of
  the last two golden hours on ``received_at``);
- ``due-soon``: reports whose 24-hour ERDR registration limit falls within the next few hours,
  and ``overdue``: those past it (``reports_awaiting_registration``, a partial index of the
  reports still waiting for registration);
- ``alerts-waiting``: reports with a hold alert the bank has not acknowledged
  (``blocking_alert_waiting``, a partial index of the alerts still waiting).

Search finds a report by its tracking number, or by any identifier it names: the text is read
by the indicator engine, each identifier is put in its canonical form and keyed-hashed as intake
stored it, and reports are found through the hash index. Nothing is matched against personal
data in clear (no ``LIKE``): an identifier that is not written the way the engine reads it
finds nothing rather than everything that looks like it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.db.models import Count

from kuzet import indicators
from kuzet.blocking.models import WAITING_ALERT_STATUSES, HoldAlert
from kuzet.core.pagination import CappedCount, Page, capped_count, page_of
from kuzet.reports.models import Report, ReportIndicator, ReportQuerySet
from kuzet.reports.queue import (
    AWAITING_REGISTRATION,
    OPEN_STATUSES,
    ORDER,
    PAGE_SIZE,
    urgent_condition,
)
from kuzet.reports.services.intake.hashing import identifier_hash

# "About to pass their 24 hours": the registration limit falls within this much time.
REGISTRATION_DUE_SOON = timedelta(hours=4)
# Counts on the home page stop here ("more than 1000").
MAXIMUM_WORK_COUNT = 1000
# Search reads at most this much of what an officer typed.
MAXIMUM_SEARCH_LENGTH = 500


class Focus(StrEnum):
    """A focused list of the queue (``?only=``)."""

    URGENT = "urgent"
    DUE_SOON = "due-soon"
    OVERDUE = "overdue"
    ALERTS_WAITING = "alerts-waiting"


def focused(reports: ReportQuerySet, focus: Focus, *, now: datetime) -> ReportQuerySet:
    """The reports of one focus, in the order an officer works them."""
    if focus is Focus.URGENT:
        return reports.filter(urgent_condition(now), status__in=OPEN_STATUSES).order_by(*ORDER)
    if focus is Focus.DUE_SOON:
        return reports.filter(
            status__in=AWAITING_REGISTRATION,
            registration_due_at__gte=now,
            registration_due_at__lt=now + REGISTRATION_DUE_SOON,
        ).order_by("registration_due_at", "id")
    if focus is Focus.OVERDUE:
        return reports.filter(
            status__in=AWAITING_REGISTRATION, registration_due_at__lt=now
        ).order_by("registration_due_at", "id")
    waiting = HoldAlert.objects.filter(status__in=WAITING_ALERT_STATUSES).values("report_id")
    return reports.filter(pk__in=waiting).order_by("-received_at", "-id")


def focus_count(reports: ReportQuerySet, focus: Focus, *, now: datetime) -> CappedCount:
    """How many reports a focus holds, counted up to ``MAXIMUM_WORK_COUNT``."""
    return capped_count(focused(reports, focus, now=now), MAXIMUM_WORK_COUNT)


def waiting_alert_count(alerts: Any) -> CappedCount:
    """Hold alerts (already scoped to the reader) the bank has not acknowledged yet."""
    return capped_count(alerts.filter(status__in=WAITING_ALERT_STATUSES), MAXIMUM_WORK_COUNT)


def rows_of_page(reports: ReportQuerySet, ids: list[int], *, now: datetime) -> list[Any]:
    """The page's reports in the order of ``ids``, with department, region and alert count
    (one query), each marked ``is_urgent`` and, when urgent, with ``urgent_until``."""
    position = {pk: index for index, pk in enumerate(ids)}
    rows: list[Any] = list(
        reports.filter(pk__in=position)
        .select_related("department", "region")
        .annotate(alert_count=Count("hold_alerts", distinct=True))
        .order_by()
    )
    rows.sort(key=lambda report: position[report.pk])
    window = timedelta(minutes=2 * settings.GOLDEN_HOUR_MINUTES)
    for report in rows:
        report.is_urgent = report.is_golden_hour and report.received_at >= now - window
        report.urgent_until = report.received_at + window
    return rows


def focus_page(
    reports: ReportQuerySet, focus: Focus, *, now: datetime, page_value: object
) -> Page[Report]:
    """One page of a focus: its ids in the focus's order, then the rows for them."""
    ids = page_of(
        focused(reports, focus, now=now).values_list("id", flat=True), page_value, PAGE_SIZE
    )
    return Page(
        rows=rows_of_page(reports, list(ids.rows), now=now),
        number=ids.number,
        has_next=ids.has_next,
    )


def search_hashes(text: str) -> list[str]:
    """The keyed hashes of the identifiers found in ``text``, as intake stored them."""
    found = indicators.extract(text[:MAXIMUM_SEARCH_LENGTH])
    return sorted({identifier_hash(item.type.value, item.value) for item in found})


def search_page(
    reports: ReportQuerySet, text: str, *, now: datetime, page_value: object
) -> Page[Report] | None:
    """Reports matching a tracking number or the identifiers in ``text``, newest first.

    None when the text holds neither: the page then says what it can search by.
    """
    text = text.strip()[:MAXIMUM_SEARCH_LENGTH]
    pk = Report.pk_from_tracking_number(text)
    if pk is not None:
        rows = [
            report
            for report in rows_of_page(reports, [pk], now=now)
            if report.tracking_number == text
        ]
        return Page(rows=rows, number=1, has_next=False)
    hashes = search_hashes(text)
    if not hashes:
        return None
    naming = ReportIndicator.objects.filter(value_hash__in=hashes).values("report_id")
    ids = page_of(
        reports.filter(pk__in=naming).order_by("-received_at", "-id").values_list("id", flat=True),
        page_value,
        PAGE_SIZE,
    )
    return Page(
        rows=rows_of_page(reports, list(ids.rows), now=now),
        number=ids.number,
        has_next=ids.has_next,
    )
