"""A merge must not disclose another tenant's report: partner B learns only that it was received."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kuzet.reports.models import Report

pytestmark = pytest.mark.django_db

KASPI_IBAN = "KZ72722S000000000001"
WRITE = ("reports:write", "reports:read")


def a_report(reference: str) -> dict[str, object]:
    return {
        "external_reference": reference,
        "narrative": "Клиент сообщил о мошеннической операции.",
        "region": "KZ-71",
        "transfers": [
            {
                "amount": "226000.00",
                "to_account": KASPI_IBAN,
                "transferred_at": (timezone.now() - timedelta(minutes=7))
                .replace(second=0, microsecond=0)
                .isoformat(),
            }
        ],
    }


def post(client, token, path, body):
    return client.post(
        path,
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


@pytest.fixture
def halyks_report(client, api_token):
    """Partner A (Halyk) reports a transfer first."""
    response = post(client, api_token("HALYK", scopes=WRITE), "/api/v1/reports", a_report("A-1"))
    assert response.status_code == 201
    return Report.objects.get()


def assert_nothing_of(report: Report, text: str) -> None:
    assert report.tracking_number not in text
    assert str(report.public_id) not in text
    assert report.department.code not in text
    assert '"priority"' not in text
    assert '"hold_alerts"' not in text


def test_a_single_submission_merged_into_another_partners_report_gets_a_receipt(
    client, api_token, halyks_report
):
    token = api_token("FORTE", scopes=WRITE)
    response = post(client, token, "/api/v1/reports", a_report("B-1"))
    assert response.status_code == 200
    body = response.json()
    assert body == {
        "external_reference": "B-1",
        "outcome": "merged",
        "is_duplicate": True,
        "detail": body["detail"],
    }
    assert_nothing_of(halyks_report, response.content.decode())
    assert halyks_report.sources.count() == 2


def test_resending_the_merged_reference_still_discloses_nothing(client, api_token, halyks_report):
    token = api_token("FORTE", scopes=WRITE)
    post(client, token, "/api/v1/reports", a_report("B-1"))
    again = post(client, token, "/api/v1/reports", a_report("B-1"))
    assert again.status_code == 200
    assert_nothing_of(halyks_report, again.content.decode())


def test_the_other_partner_cannot_read_the_merged_report(client, api_token, halyks_report):
    token = api_token("FORTE", scopes=WRITE)
    post(client, token, "/api/v1/reports", a_report("B-1"))
    response = client.get(
        f"/api/v1/reports/{halyks_report.public_id}", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 404


def test_the_first_partner_still_reads_its_own_report(client, api_token, halyks_report):
    token = api_token("HALYK", scopes=WRITE)
    response = client.get(
        f"/api/v1/reports/{halyks_report.public_id}", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 200
    assert response.json()["tracking_number"] == halyks_report.tracking_number


def test_a_bulk_row_merged_into_another_partners_report_has_no_report(
    client, api_token, halyks_report
):
    token = api_token("FORTE", scopes=WRITE)
    response = post(client, token, "/api/v1/reports/bulk", {"reports": [a_report("B-1")]})
    assert response.status_code == 200
    assert response.json()["results"] == [
        {"row": 0, "outcome": "merged", "report": None, "errors": None}
    ]
    assert_nothing_of(halyks_report, response.content.decode())


def test_a_csv_row_merged_into_another_partners_report_has_no_report(
    client, api_token, halyks_report
):
    token = api_token("FORTE", scopes=WRITE)
    transfer = a_report("B-1")["transfers"][0]
    content = (
        "external_reference,narrative,region,amount,to_account,transferred_at\n"
        f"B-1,Клиент сообщил.,KZ-71,226000.00,{KASPI_IBAN},{transfer['transferred_at']}\n"
    )
    response = client.post(
        "/api/v1/reports/bulk.csv",
        {"file": SimpleUploadedFile("reports.csv", content.encode(), content_type="text/csv")},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200
    assert response.json()["results"][0]["outcome"] == "merged"
    assert response.json()["results"][0]["report"] is None
    assert_nothing_of(halyks_report, response.content.decode())


def test_an_import_row_merged_into_another_partners_report_has_no_tracking_number(
    client, api_token, halyks_report, django_capture_on_commit_callbacks
):
    token = api_token("FORTE", scopes=WRITE)
    with django_capture_on_commit_callbacks(execute=True):
        created = post(client, token, "/api/v1/reports/imports", {"reports": [a_report("B-1")]})
    import_id = created.json()["id"]
    rows = client.get(
        f"/api/v1/reports/imports/{import_id}/rows", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert rows.json()["items"] == [
        {"row": 0, "outcome": "merged", "tracking_number": None, "errors": None}
    ]
    assert_nothing_of(halyks_report, rows.content.decode())


def test_a_partner_resending_its_own_reference_gets_its_own_report_back(client, api_token):
    token = api_token("HALYK", scopes=WRITE)
    first = post(client, token, "/api/v1/reports", a_report("A-1"))
    again = post(client, token, "/api/v1/reports", a_report("A-1"))
    assert again.status_code == 200
    assert again.json()["tracking_number"] == first.json()["tracking_number"]
