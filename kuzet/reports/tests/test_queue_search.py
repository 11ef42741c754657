"""Finding a report in the queue by tracking number or by an identifier it names, through the
keyed hash intake stored; never by matching personal data in clear."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def found(browser, text):
    response = browser.get("/reports/", {"q": text})
    assert response.status_code == 200
    page = response.context["page"]
    return None if page is None else [report.tracking_number for report in page]


def test_by_tracking_number(signed_in, submit):
    report = submit().report
    submit(reporter_phone="87015556677", narrative="Другой звонок.")
    alice = signed_in("alice")
    assert found(alice, report.tracking_number) == [report.tracking_number]
    year, number = report.tracking_number.split("-")
    assert found(alice, f"{int(year) - 1:02d}-{number}") == []


@pytest.mark.parametrize(
    "written",
    ["+7 701 234 56 78", "8 (701) 234-56-78", "87012345678", "звонили с 8 701 234 56 78"],
)
def test_by_an_identifier_written_any_way_the_engine_reads(signed_in, submit, written):
    named = submit(suspect_identifiers=("+77012345678",)).report
    submit(reporter_phone="87015556677", narrative="Другой звонок.")
    assert found(signed_in("alice"), written) == [named.tracking_number]


def test_by_the_receiving_account_of_a_transfer(signed_in, submit):
    named = submit(to_account="KZ72722S000000000001").report
    assert found(signed_in("dave"), "KZ72 722S 0000 0000 0001") == [named.tracking_number]


def test_part_of_an_identifier_finds_nothing_and_no_clear_text_is_matched(signed_in, submit):
    submit(suspect_identifiers=("+77012345678",))
    alice = signed_in("alice")
    with CaptureQueriesContext(connection) as queries:
        assert found(alice, "+7 701 234 56 79") == []
    statements = " ".join(query["sql"] for query in queries.captured_queries)
    assert " LIKE " not in statements.upper()
    assert "value_hash" in statements


def test_text_without_an_identifier_says_what_to_type(signed_in, submit):
    submit()
    response = signed_in("alice").get("/reports/", {"q": "мошенник"})
    assert response.context["page"] is None
    assert 'data-testid="search-unreadable"' in response.content.decode()


def test_another_department_s_report_is_not_found(signed_in, submit):
    report = submit(suspect_identifiers=("+77012345678",)).report  # routed to Almaty
    carol = signed_in("carol")  # Astana
    assert found(carol, "+77012345678") == []
    assert found(carol, report.tracking_number) == []


def test_a_fresh_row_counts_down_its_golden_hour_and_shows_its_whole_status(signed_in, submit):
    report = submit().report  # received now: urgent for two golden hours
    page = signed_in("alice").get("/reports/").content.decode()
    row = page[page.index(report.tracking_number) :]
    row = row[: row.index("</tr>")]
    assert 'class="countdown"' in row
    assert 'data-until="' in row
    assert "119 min left" in row or "120 min left" in row
    assert '<td class="status" data-testid="queue-status">Submitted</td>' in row


def test_a_search_by_identifier_is_audited_with_hashes_never_the_value(signed_in, submit):
    from kuzet.audit.models import AuditEvent

    named = submit(suspect_identifiers=("+77012345678",)).report
    found(signed_in("alice"), "8 (701) 234-56-78")
    entry = AuditEvent.objects.get(action="reports.report.search")
    assert entry.purpose == (
        "staff queue: search by tracking number or identifier; by identifiers, 1 found"
    )
    assert entry.after_digest
    stored = " ".join(str(value) for value in AuditEvent.objects.values().get(pk=entry.pk).values())
    assert "7012345678" not in stored
    assert str(named.public_id) not in entry.purpose
