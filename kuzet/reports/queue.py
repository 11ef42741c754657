"""The department's queue, one page at a time, in an order that indexes serve.

The order is the one officers work by: reports whose money left within the golden hour and that
are still fresh enough for a hold to catch it first ("urgent"), then by priority, highest first,
then the longest waiting first (the 24-hour registration clock), then by number.

"Urgent" depends on the clock, so no index can hold it, and the queue's statuses ("open" is three
of them) would make one ordered index scan impossible too. So the page is assembled from parts
that each read only the rows they return, whatever the size of the table:

- the urgent reports: a range of the last two golden hours on ``received_at`` (a few hundred
  rows nationally at most), sorted by the same order;
- for each status asked for, the reports in ``(status, -priority, received_at, id)`` order, read
  from the queue indexes alone (``reports_queue_national``, or ``reports_queue_department`` with
  the department first; every column the part reads is in the index), each stopping after the
  rows the page needs, the urgent ones left out;
- the parts merged in Python, the page's 50 rows cut, and those 50 fetched with their
  department, region and hold-alert count in one query.

The number of queries therefore depends on the filter (one part per status), never on the
number of reports; the cost of a page grows with its depth (``offset`` rows per part), which
``core.pagination.MAXIMUM_PAGE_DEPTH`` bounds.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Q

from kuzet.core.pagination import CappedCount, Page, capped_count, page_number_from
from kuzet.reports.models import Report, ReportQuerySet, ReportStatus

PAGE_SIZE = 50
# The warning above the queue counts overdue reports up to here ("1,000+").
MAXIMUM_OVERDUE_COUNT = 1000
OPEN_STATUSES: tuple[str, ...] = (
    ReportStatus.SUBMITTED,
    ReportStatus.UNDER_REVIEW,
    ReportStatus.NEEDS_CLARIFICATION,
)
# Reports that still wait for their ERDR registration (the 24-hour clock runs).
AWAITING_REGISTRATION: tuple[str, ...] = (ReportStatus.SUBMITTED, ReportStatus.UNDER_REVIEW)
ORDER = ("-priority", "received_at", "id")

SortKey = tuple[int, int, datetime]


def statuses_for(choice: str) -> tuple[str, ...]:
    """The statuses a queue filter stands for: "open", one status, or else all of them."""
    if choice == "open":
        return OPEN_STATUSES
    if choice in ReportStatus.values:
        return (choice,)
    return tuple(ReportStatus.values)


def urgent_condition(now: datetime) -> Q:
    """Money left within the golden hour and the report is younger than two golden hours.

    Older golden-hour reports keep their priority but not the top of the queue.
    """
    urgent_since = now - timedelta(minutes=2 * settings.GOLDEN_HOUR_MINUTES)
    return Q(is_golden_hour=True, received_at__gte=urgent_since)


def _keys(reports: ReportQuerySet, wanted: int) -> list[SortKey]:
    """(id, priority, received_at) of the first ``wanted`` rows in queue order."""
    rows = reports.order_by(*ORDER).values_list("id", "priority", "received_at")[:wanted]
    return [(pk, priority, received_at) for pk, priority, received_at in rows]


def _merged(parts: Sequence[list[SortKey]]) -> Iterator[SortKey]:
    return heapq.merge(*parts, key=lambda row: (-row[1], row[2], row[0]))


def queue_page(
    reports: ReportQuerySet, *, statuses: Sequence[str], now: datetime, page_value: object
) -> Page[Report]:
    """The page named by ``page_value`` of ``reports`` (already scoped to the reader)."""
    number = page_number_from(page_value, PAGE_SIZE)
    offset = (number - 1) * PAGE_SIZE
    wanted = offset + PAGE_SIZE + 1
    urgent_part = _keys(reports.filter(urgent_condition(now), status__in=statuses), wanted)
    # The other parts leave the urgent reports out here rather than in SQL: the condition
    # would need columns the queue indexes do not hold, and each part would then read the
    # table instead of only its index. When there are more urgent reports than the page needs,
    # the page is made of urgent reports alone and the other parts do not matter.
    already = {key[0] for key in urgent_part}
    other_parts = [
        [
            key
            for key in _keys(reports.filter(status=status), wanted + len(already))
            if key[0] not in already
        ]
        for status in statuses
    ]
    ordered = itertools.chain(
        ((key, True) for key in urgent_part), ((key, False) for key in _merged(other_parts))
    )
    window = list(itertools.islice(ordered, offset, offset + PAGE_SIZE + 1))
    on_page = window[:PAGE_SIZE]
    urgent_ids = {key[0] for key, is_urgent in on_page if is_urgent}
    position = {key[0]: index for index, (key, _is_urgent) in enumerate(on_page)}
    rows: list[Any] = list(
        reports.filter(pk__in=position)
        .select_related("department", "region")
        .annotate(alert_count=Count("hold_alerts", distinct=True))
        .order_by()
    )
    rows.sort(key=lambda report: position[report.pk])
    urgent_for = timedelta(minutes=2 * settings.GOLDEN_HOUR_MINUTES)
    for report in rows:
        report.is_urgent = report.pk in urgent_ids
        # When the report leaves the top of the queue: the row's golden-hour countdown.
        report.urgent_until = report.received_at + urgent_for
    return Page(rows=rows, number=number, has_next=len(window) > PAGE_SIZE)


def overdue_count(reports: ReportQuerySet, *, now: datetime) -> CappedCount:
    """Reports past their 24-hour registration limit, counted up to ``MAXIMUM_OVERDUE_COUNT``
    (served by ``reports_awaiting_registration``)."""
    overdue = reports.filter(status__in=AWAITING_REGISTRATION, registration_due_at__lt=now)
    return capped_count(overdue, MAXIMUM_OVERDUE_COUNT)
