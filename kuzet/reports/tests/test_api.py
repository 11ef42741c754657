"""The partner report API: single, bulk JSON, bulk CSV, idempotency, scoping, inbox."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kuzet.accounts.services import AccountError
from kuzet.blocking import services as blocking_services
from kuzet.reports.models import Report

pytestmark = pytest.mark.django_db

KASPI_IBAN = "KZ72722S000000000001"
WRITE = ("reports:write", "reports:read", "inbox:read")


def bearer(token: str, **headers: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}", **headers}


def a_report(reference: str = "HALYK-1", **overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "external_reference": reference,
        "narrative": "Клиент сообщил о мошеннической операции.",
        "region": "KZ-71",
        "transfers": [
            {
                "amount": "226000.00",
                "to_account": KASPI_IBAN,
                "transferred_at": (timezone.now() - timedelta(minutes=7)).isoformat(),
                "reference": "TRF-57",
            }
        ],
    }
    body.update(overrides)
    return body


def post(client, token, path, body, **headers):
    return client.post(
        path, json.dumps(body), content_type="application/json", **bearer(token, **headers)
    )


def test_a_bank_submits_a_report_and_the_receiving_bank_is_alerted(client, api_token):
    response = post(client, api_token("HALYK", scopes=WRITE), "/api/v1/reports", a_report())
    assert response.status_code == 201
    body = response.json()
    assert body["department"] == "DP-KZ-71"
    assert body["is_golden_hour"] is True
    assert body["hold_alerts"] == 1
    assert Report.objects.get().sources.get().organisation.code == "HALYK"


def test_resending_the_same_reference_returns_the_same_report(client, api_token):
    token = api_token("HALYK", scopes=WRITE)
    first = post(client, token, "/api/v1/reports", a_report())
    again = post(client, token, "/api/v1/reports", a_report())
    assert again.status_code == 200
    assert again.json()["is_duplicate"] is True
    assert again.json()["tracking_number"] == first.json()["tracking_number"]
    assert Report.objects.count() == 1


def test_idempotency_key_replays_the_stored_answer(client, api_token):
    token = api_token("HALYK", scopes=WRITE)
    body = a_report()
    first = post(client, token, "/api/v1/reports", body, HTTP_IDEMPOTENCY_KEY="k-1")
    again = post(client, token, "/api/v1/reports", body, HTTP_IDEMPOTENCY_KEY="k-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert Report.objects.count() == 1


def test_idempotency_key_with_another_body_is_422(client, api_token):
    """The IETF draft's answer: the request is wrong (a 409 would invite a retry)."""
    token = api_token("HALYK", scopes=WRITE)
    post(client, token, "/api/v1/reports", a_report(), HTTP_IDEMPOTENCY_KEY="k-2")
    other = post(client, token, "/api/v1/reports", a_report("HALYK-2"), HTTP_IDEMPOTENCY_KEY="k-2")
    assert other.status_code == 422
    assert "different request body" in other.json()["detail"]
    assert Report.objects.count() == 1


def test_a_rejected_request_does_not_burn_its_key(client, api_token):
    token = api_token("HALYK", scopes=WRITE)
    bad = a_report(region="KZ-ZZ")
    assert (
        post(client, token, "/api/v1/reports", bad, HTTP_IDEMPOTENCY_KEY="k-3").status_code == 422
    )
    fixed = post(
        client, token, "/api/v1/reports", bad | {"region": "KZ-71"}, HTTP_IDEMPOTENCY_KEY="k-3"
    )
    assert fixed.status_code == 201


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"surprise": True}, "surprise"),
        ({"region": "KZ-ZZ"}, "region_code"),
        ({"external_reference": ""}, "external_reference"),
        ({"language": "de"}, "language"),
        ({"transfers": [{"amount": "-5", "to_account": KASPI_IBAN}]}, "amount"),
        (
            {
                "transfers": [
                    {
                        "amount": "5",
                        "to_account": KASPI_IBAN,
                        "transferred_at": "2026-01-01T10:00:00",
                    }
                ]
            },
            "transferred_at",
        ),
        ({"transfers": [{"amount": "5", "to_account": "not an account"}]}, "to_account"),
        ({"transfers": [{"amount": "1e999", "to_account": KASPI_IBAN}]}, "amount"),
        ({"suspect_identifiers": ["x"] * 31}, "suspect_identifiers"),
    ],
)
def test_bad_fields_are_named_in_a_4xx(client, api_token, change, where):
    response = post(client, api_token("HALYK", scopes=WRITE), "/api/v1/reports", a_report(**change))
    assert response.status_code in {400, 422}
    assert where in json.dumps(response.json())
    assert Report.objects.count() == 0


@pytest.mark.parametrize(
    "raw",
    [b"{", b"[" * 100_000, b'{"external_reference": NaN}', b"\xff\xfe", b'"just a string"', b""],
)
def test_broken_json_is_a_4xx_never_a_500(client, api_token, raw):
    response = client.post(
        "/api/v1/reports",
        raw,
        content_type="application/json",
        **bearer(api_token("HALYK", scopes=WRITE)),
    )
    assert 400 <= response.status_code < 500


def test_bulk_json_reports_each_row(client, api_token):
    rows = [a_report("B-1"), a_report("B-2", region="KZ-99"), {"nonsense": 1}, a_report("B-1")]
    response = post(
        client, api_token("HALYK", scopes=WRITE), "/api/v1/reports/bulk", {"reports": rows}
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["created"], body["merged"], body["invalid"]) == (1, 1, 2)
    assert [row["outcome"] for row in body["results"]] == [
        "created",
        "invalid",
        "invalid",
        "merged",
    ]
    assert "region_code" in body["results"][1]["errors"]
    assert Report.objects.count() == 1


def test_bulk_refuses_more_than_a_thousand_rows(client, api_token):
    rows = [a_report(f"R-{number}") for number in range(1001)]
    response = post(
        client, api_token("HALYK", scopes=WRITE), "/api/v1/reports/bulk", {"reports": rows}
    )
    assert response.status_code == 422
    assert Report.objects.count() == 0


def test_bulk_csv(client, api_token):
    content = (
        "external_reference,narrative,region,amount,to_account,transferred_at\n"
        f"C-1,Мошенник,KZ-75,50000,{KASPI_IBAN},2026-01-05T10:00:00+05:00\n"
        'C-2,=HYPERLINK("x"),KZ-99,1,nothing,\n'
    ).encode()
    response = client.post(
        "/api/v1/reports/bulk.csv",
        {"file": SimpleUploadedFile("reports.csv", content, content_type="text/csv")},
        **bearer(api_token("HALYK", scopes=WRITE)),
    )
    assert response.status_code == 200
    assert [row["outcome"] for row in response.json()["results"]] == ["created", "invalid"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"external_reference,secret\nX,1\n", "Unknown or missing header columns: secret"),
        (b"\xff\xfe\x00x", "not UTF-8"),
    ],
)
def test_bad_csv_files_get_a_clear_400(client, api_token, content, message):
    response = client.post(
        "/api/v1/reports/bulk.csv",
        {"file": SimpleUploadedFile("r.csv", content, content_type="text/csv")},
        **bearer(api_token("HALYK", scopes=WRITE)),
    )
    assert response.status_code == 400
    assert message in response.json()["detail"]


def test_scope_and_kind_are_checked(client, api_token):
    read_only = api_token("HALYK", scopes=("reports:read",))
    assert post(client, read_only, "/api/v1/reports", a_report()).status_code == 403
    with pytest.raises(AccountError, match="may not hold the scopes"):
        api_token("FP-EXAMPLE-DE", scopes=WRITE)
    assert Report.objects.count() == 0


def test_a_partner_reads_only_its_own_reports(client, api_token):
    halyk = api_token("HALYK", scopes=WRITE)
    created = post(client, halyk, "/api/v1/reports", a_report()).json()
    path = f"/api/v1/reports/{created['public_id']}"
    assert client.get(path, **bearer(halyk)).status_code == 200
    assert client.get(path, **bearer(api_token("FORTE", scopes=WRITE))).status_code == 404
    assert client.get("/api/v1/reports/not-a-uuid", **bearer(halyk)).status_code == 422


def test_the_receiving_bank_reads_and_acknowledges_its_alert(client, api_token):
    post(client, api_token("HALYK", scopes=WRITE), "/api/v1/reports", a_report())
    blocking_services.outbox_deliver_due()
    kaspi = api_token("KASPI", scopes=("inbox:read", "inbox:acknowledge"))
    inbox = client.get("/api/v1/inbox", **bearer(kaspi)).json()
    assert inbox["count"] == 1
    item = inbox["items"][0]
    assert item["kind"] == "hold_alert"
    assert item["payload"]["account"] == KASPI_IBAN
    assert (
        client.get("/api/v1/inbox", **bearer(api_token("HALYK", scopes=WRITE))).json()["count"] == 0
    )
    reader = api_token("KASPI", scopes=("inbox:read",))
    assert client.post(f"/api/v1/inbox/{item['message_id']}/ack", **bearer(reader)).status_code == (
        403
    )
    acknowledged = client.post(f"/api/v1/inbox/{item['message_id']}/ack", **bearer(kaspi))
    assert acknowledged.status_code == 200
    assert acknowledged.json()["acknowledged_at"] is not None
    other_bank = api_token("FORTE", scopes=("inbox:read", "inbox:acknowledge"))
    assert (
        client.post(f"/api/v1/inbox/{item['message_id']}/ack", **bearer(other_bank)).status_code
        == 404
    )


def test_a_large_import_is_taken_in_by_the_worker_with_progress(
    client, api_token, django_capture_on_commit_callbacks
):
    token = api_token("HALYK", scopes=WRITE)
    rows = [a_report(f"I-{number}", region="KZ-75") for number in range(1200)]
    rows[5] = {"external_reference": "I-bad", "region": "KZ-99", "narrative": "x"}
    rows[7] = {"nonsense": True}
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, token, "/api/v1/reports/imports", {"reports": rows})
    assert response.status_code == 202
    status = client.get(f"/api/v1/reports/imports/{response.json()['id']}", **bearer(token)).json()
    assert (status["status"], status["total"], status["processed"]) == ("done", 1200, 1200)
    assert (status["created"], status["merged"], status["invalid"]) == (1, 1197, 2)
    invalid = client.get(
        f"/api/v1/reports/imports/{response.json()['id']}/rows?outcome=invalid", **bearer(token)
    ).json()
    assert [row["row"] for row in invalid["items"]] == [5, 7]
    assert "region_code" in invalid["items"][0]["errors"]


def test_an_interrupted_import_resumes_where_it_stopped(api_token, reference_data):
    from kuzet.accounts.models import ApiClient
    from kuzet.reports import services
    from kuzet.reports.models import ReportImport

    token = api_token("HALYK", scopes=WRITE)
    client_row = ApiClient.objects.get(token_prefix=token.split(".")[0])
    rows = [a_report(f"J-{number}", transfers=[]) for number in range(700)]
    report_import = ReportImport.objects.create(
        organisation=client_row.organisation, api_client=client_row, channel="bank", total=700
    )
    from kuzet.reports.models import ReportImportRow

    ReportImportRow.objects.bulk_create(
        ReportImportRow(report_import=report_import, row=index, payload=row)
        for index, row in enumerate(rows)
    )
    assert services.report_import_run_chunk(report_import=report_import) is True
    report_import.refresh_from_db()
    assert report_import.processed == 500  # the worker "dies" here
    finished = services.report_import_run(import_id=report_import.pk)
    assert (finished.processed, finished.created, finished.status) == (700, 700, "done")
    assert Report.objects.count() == 700


def test_another_partner_cannot_see_an_import(
    client, api_token, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            client,
            api_token("HALYK", scopes=WRITE),
            "/api/v1/reports/imports",
            {"reports": [a_report("K-1")]},
        )
    path = f"/api/v1/reports/imports/{response.json()['id']}"
    assert client.get(path, **bearer(api_token("FORTE", scopes=WRITE))).status_code == 404
