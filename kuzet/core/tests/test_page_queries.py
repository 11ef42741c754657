"""Every list page and API list runs a fixed number of queries, whatever the number of rows.

Each case is measured with one row behind the list and with sixty (more than a page of 50):
the same pinned count both times proves that nothing is fetched per row (no N+1) and that the
page does not grow with the table. The counts include the session, the user and, where the
page is audited, the audit entry; on PostgreSQL an audit entry also takes the chain's advisory
lock, so that database counts one more query per audited page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kuzet.accounts.models import ApiClient
from kuzet.audit.services import SystemActor
from kuzet.blocking import services as blocking_services
from kuzet.reports import services as report_services

pytestmark = pytest.mark.django_db

KASPI_IBAN = "KZ72722S000000000001"


def reports_with_alerts(count: int) -> None:
    """``count`` Almaty reports, each with its own golden-hour transfer to Kaspi (one hold alert
    each, delivered to Kaspi's inbox); priorities and ages differ, a few are past the golden
    hour, so the queue's order and its urgent part both have rows."""
    now = timezone.now()
    items = [
        report_services.IntakeItem(
            data=report_services.ReportInput(
                narrative="Позвонили из «службы безопасности банка».",
                region_code="KZ-75",
                transfers=(
                    report_services.TransferInput(
                        amount=Decimal(10_000 + 1_000 * number),
                        to_account=KASPI_IBAN,
                        transferred_at=now - timedelta(minutes=5 + 30 * number),
                    ),
                ),
            ),
            channel="public_web",
            received_at=now - timedelta(minutes=30 * number),
        )
        for number in range(count)
    ]
    outcomes = report_services.report_submit_many(actor=SystemActor("test"), items=items)
    assert all(isinstance(outcome, report_services.SubmittedReport) for outcome in outcomes)
    blocking_services.outbox_deliver_due(limit=1000)


def import_with_rows(count: int, token: str) -> str:
    """An import of ``count`` rows by the token's bank, taken in; its public id."""
    client = ApiClient.objects.get(token_prefix=token.split(".")[0])
    rows: list[dict[str, Any]] = [
        {"external_reference": f"Q-{number}", "region": "KZ-75", "narrative": "x" * 20}
        for number in range(count)
    ]
    report_import = report_services.report_import_create(
        actor=client, organisation=client.organisation, channel="bank", rows=rows
    )
    report_services.report_import_run(import_id=report_import.pk)
    return str(report_import.public_id)


def measured(request: Callable[[], Any]) -> tuple[int, Any]:
    count, response, _statements = captured(request)
    return count, response


def captured(request: Callable[[], Any]) -> tuple[int, Any, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = request()
    return len(queries), response, [query["sql"] for query in queries.captured_queries]


# Tables that grow with the country: a page may read from them only what it shows.
GROWING_TABLES = (
    "reports_report",
    "audit_auditevent",
    "blocking_partnerinboxitem",
    "blocking_holdalert",
    "reports_reportimportrow",
)


def reads_beyond_the_page(statements: list[str]) -> list[str]:
    """SELECTs on a growing table that are not cut by a LIMIT or by the page's ids, and
    aggregates (counts per row, totals) not confined to the page's ids or to a capped subquery.
    """
    found = []
    for sql in statements:
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        if not any(f'"{table}"' in sql for table in GROWING_TABLES):
            continue
        on_page_ids = re.search(r'"id" IN \(', sql) is not None
        bounded = on_page_ids or " LIMIT " in sql
        grouped_over_everything = " GROUP BY " in sql and not on_page_ids
        if not bounded or grouped_over_everything:
            found.append(sql)
    return found


# Pinned counts: (SQLite, PostgreSQL). A change here is a change in what a page costs.
PAGES: dict[str, tuple[str, str, tuple[int, int]]] = {
    "queue of the Department, open": ("dave", "/reports/", (13, 13)),
    "queue of the Department, all": ("dave", "/reports/?status=all", (16, 16)),
    "queue of the Department, one status": ("dave", "/reports/?status=submitted", (11, 11)),
    "queue of Almaty": ("alice", "/reports/", (13, 13)),
    "audit log": ("erin", "/audit/?page=2", (12, 13)),
    "audit log of one object type": ("erin", "/audit/?object_type=reports.report", (12, 13)),
    "partner inbox page": ("frank", "/inbox/?page=2", (9, 9)),
    "organisations": ("dave", "/accounts/organisations/", (8, 8)),
    # The queue's focused lists (the home page's links) and its search.
    "queue, golden hour only": ("alice", "/reports/?only=urgent", (10, 10)),
    "queue, alerts not acknowledged": ("alice", "/reports/?only=alerts-waiting", (10, 10)),
    # A search is audited: one entry, the chain append (4 statements; 5 on PostgreSQL, its lock).
    "queue, search by identifier": ("dave", f"/reports/?q={KASPI_IBAN}", (14, 15)),
    "partner inbox, waiting oldest first": ("frank", "/inbox/?unacknowledged=true", (13, 14)),
    "audit log, refusals": ("erin", "/audit/?outcome=denied", (12, 13)),
    # The home page of each role: counts of the waiting work, each capped and index-served.
    "home of an investigator": ("alice", "/", (12, 12)),
    "home of a duty officer": ("bob", "/", (12, 12)),
    "home of the Department's head": ("dave", "/", (12, 12)),
    "home of an auditor": ("erin", "/", (9, 9)),
    "home of a bank officer": ("frank", "/", (9, 9)),
    "home of an administrator": ("admin", "/", (7, 7)),
}


@pytest.mark.parametrize("rows", [1, 60])
@pytest.mark.parametrize("name", list(PAGES))
def test_a_list_page_runs_the_same_queries_for_one_row_and_sixty(
    signed_in: Callable[[str], Client], name: str, rows: int
) -> None:
    persona, path, expected = PAGES[name]
    browser = signed_in(persona)
    reports_with_alerts(rows)
    count, response = measured(lambda: browser.get(path))
    assert response.status_code == 200
    assert count == expected[connection.vendor == "postgresql"]


@pytest.mark.parametrize("name", list(PAGES))
def test_a_list_page_reads_only_its_page_of_the_growing_tables(
    signed_in: Callable[[str], Client], name: str
) -> None:
    persona, path, _expected = PAGES[name]
    browser = signed_in(persona)
    reports_with_alerts(60)
    _count, response, statements = captured(lambda: browser.get(path))
    assert response.status_code == 200
    assert reads_beyond_the_page(statements) == []


# Every call also counts against the client's allowance (the rate counter's upsert and the
# sweep of expired windows); the inbox and import rows record the page they return as read (the
# audit chain's head and one bulk insert, plus PostgreSQL's advisory lock).
API_LISTS: dict[str, tuple[str, tuple[str, ...], str, tuple[int, int]]] = {
    "inbox": ("KASPI", ("inbox:read",), "/api/v1/inbox?limit=50", (10, 11)),
    "inbox, unacknowledged": (
        "KASPI",
        ("inbox:read",),
        "/api/v1/inbox?unacknowledged=true&offset=50",
        (6, 6),  # an empty page: no read to record
    ),
    "organisations": ("KASPI", ("organisations:read",), "/api/v1/organisations", (6, 6)),
}


@pytest.mark.parametrize("rows", [1, 60])
@pytest.mark.parametrize("name", list(API_LISTS))
def test_an_api_list_runs_the_same_queries_for_one_row_and_sixty(
    client: Client, api_token: Callable[..., str], name: str, rows: int
) -> None:
    organisation, scopes, path, expected = API_LISTS[name]
    token = api_token(organisation, scopes=scopes)
    reports_with_alerts(rows)
    count, response, statements = captured(
        lambda: client.get(path, HTTP_AUTHORIZATION=f"Bearer {token}")
    )
    assert response.status_code == 200
    assert count == expected[connection.vendor == "postgresql"]
    assert reads_beyond_the_page(statements) == []


@pytest.mark.parametrize("rows", [1, 60])
@pytest.mark.parametrize("outcome", ["", "created"])
def test_an_import_s_rows_are_listed_with_the_same_queries_for_one_row_and_sixty(
    client: Client, api_token: Callable[..., str], outcome: str, rows: int
) -> None:
    token = api_token("HALYK", scopes=("reports:write",))
    import_id = import_with_rows(rows, token)
    count, response, statements = captured(
        lambda: client.get(
            f"/api/v1/reports/imports/{import_id}/rows?outcome={outcome}&limit=50",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
    )
    assert response.status_code == 200
    assert len(response.json()["items"]) == min(rows, 50)
    assert count == (12, 13)[connection.vendor == "postgresql"]
    assert reads_beyond_the_page(statements) == []


def reports_waiting_for_registration(count: int) -> None:
    """``count`` Almaty reports whose 24-hour limit falls within the next hours, and ``count``
    past it."""
    now = timezone.now()
    items = [
        report_services.IntakeItem(
            data=report_services.ReportInput(
                narrative="Позвонили из «службы безопасности банка».", region_code="KZ-75"
            ),
            channel="public_web",
            received_at=now - timedelta(hours=hours, minutes=number),
        )
        for number in range(count)
        for hours in (22, 25)
    ]
    outcomes = report_services.report_submit_many(actor=SystemActor("test"), items=items)
    assert all(isinstance(outcome, report_services.SubmittedReport) for outcome in outcomes)


FOCUSED_LISTS: dict[str, tuple[str, str, tuple[int, int]]] = {
    "registration due soon": ("dave", "/reports/?only=due-soon", (10, 10)),
    "overdue, Almaty": ("alice", "/reports/?only=overdue", (10, 10)),
}


@pytest.mark.parametrize("rows", [1, 60])
@pytest.mark.parametrize("name", list(FOCUSED_LISTS))
def test_a_focused_list_runs_the_same_queries_for_one_row_and_sixty(
    signed_in: Callable[[str], Client], name: str, rows: int
) -> None:
    persona, path, expected = FOCUSED_LISTS[name]
    browser = signed_in(persona)
    reports_waiting_for_registration(rows)
    count, response, statements = captured(lambda: browser.get(path))
    assert response.status_code == 200
    assert len(response.context["page"].rows) == min(rows, 50)
    assert count == expected[connection.vendor == "postgresql"]
    assert reads_beyond_the_page(statements) == []
