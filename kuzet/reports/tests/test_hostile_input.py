"""Hostile and odd input is a clear 4xx on both databases; nothing secret reaches the log."""

from __future__ import annotations

import io
import json
import logging
from typing import Any

import pytest
from django.test import Client

from kuzet.reports import views
from kuzet.reports.models import Report
from kuzet.reports.tests.test_api import WRITE, a_report, bearer, post

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"external_reference": "HALYK-\x00-1"}, "external_reference"),
        ({"reporter_email": "victim\x00@mail.kz"}, "reporter_email"),
        ({"reporter_name": "Асем\x1b[31m"}, "reporter_name"),
        ({"suspect_identifiers": ["+77011234567\x00"]}, "suspect_identifiers"),
        (
            {
                "transfers": [
                    {
                        "amount": "5",
                        "to_account": "KZ86125KZT5004100100",
                        "sending_bank": "KA\x00SPI",
                    }
                ]
            },
            "sending_bank",
        ),
    ],
)
def test_a_control_character_in_any_field_is_a_422_naming_it(
    client: Any, api_token: Any, change: dict[str, Any], field: str
) -> None:
    response = post(client, api_token("HALYK", scopes=WRITE), "/api/v1/reports", a_report(**change))
    assert response.status_code == 422
    assert field in json.dumps(response.json())
    assert Report.objects.count() == 0


def test_a_narrative_keeps_its_line_breaks(client: Any, api_token: Any) -> None:
    body = a_report(narrative="Первая строка.\r\nВторая строка.\tКонец.")
    response = post(client, api_token("HALYK", scopes=WRITE), "/api/v1/reports", body)
    assert response.status_code == 201


def test_one_nul_row_does_not_fail_a_bulk_call(client: Any, api_token: Any) -> None:
    rows = [a_report(f"GOOD-{number}") for number in range(5)]
    rows[2] = a_report("BAD-\x00", reporter_email="x\x00@y.kz")
    response = post(
        client, api_token("HALYK", scopes=WRITE), "/api/v1/reports/bulk", {"reports": rows}
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["created"] + body["merged"], body["invalid"]) == (4, 1)
    assert set(body["results"][2]["errors"]) == {"external_reference", "reporter_email"}


def test_a_nul_in_a_bulk_csv_row_is_reported_for_that_row(client: Any, api_token: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: PLC0415

    content = "external_reference,narrative,region\nC-1,Первый,KZ-75\nC-\x002,Второй,KZ-75\n"
    response = client.post(
        "/api/v1/reports/bulk.csv",
        {"file": SimpleUploadedFile("rows.csv", content.encode(), "text/csv")},
        **bearer(api_token("HALYK", scopes=WRITE)),
    )
    assert response.status_code == 200
    assert [row["outcome"] for row in response.json()["results"]] == ["created", "invalid"]


def test_a_csv_bulk_call_honours_its_idempotency_key(client: Any, api_token: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: PLC0415

    token = api_token("HALYK", scopes=WRITE)
    content = "external_reference,narrative,region\nCSV-1,Первый,KZ-75\n".encode()
    answers = [
        client.post(
            "/api/v1/reports/bulk.csv",
            {"file": SimpleUploadedFile("rows.csv", content, "text/csv")},
            **bearer(token, HTTP_IDEMPOTENCY_KEY="csv-1"),
        )
        for _ in range(2)
    ]
    assert [answer.status_code for answer in answers] == [200, 200]
    assert answers[0].json() == answers[1].json()
    assert Report.objects.count() == 1


@pytest.mark.parametrize(
    "path", ["/api/v1/organisations/KAS%00PI", "/api/v1/organisations?limit=5%00", "/report/%01/"]
)
def test_a_control_character_in_the_address_is_a_400(
    client: Any, api_token: Any, path: str
) -> None:
    token = api_token("HALYK", scopes=("organisations:read",))
    assert client.get(path, **bearer(token)).status_code == 400


@pytest.mark.parametrize("number", ["26-1²", "²6-1", "26-١٢", "26-", "-1", "26-1234567890123"])
def test_an_odd_tracking_number_is_a_404(client: Any, number: str) -> None:
    assert client.get(f"/report/track/{number}/some-secret/").status_code == 404


@pytest.fixture
def server_log() -> Any:
    """What the configured console handler writes, captured."""
    handler = next(handler for handler in logging.getLogger().handlers if handler.name == "console")
    assert isinstance(handler, logging.StreamHandler)
    captured = io.StringIO()
    previous = handler.setStream(captured)
    yield captured
    handler.setStream(previous)


def test_a_failing_tracking_page_logs_neither_the_secret_nor_personal_data(
    reference_data: None, monkeypatch: Any, server_log: io.StringIO
) -> None:
    email = "asem" + "@mail.kz"  # built here so the traceback's source line cannot show it

    def fails(**arguments: Any) -> None:
        raise ValueError(f"duplicate key: (email)=({email})")

    monkeypatch.setattr(views.services, "report_find_by_secret", fails)
    client = Client(raise_request_exception=False)
    response = client.get("/report/track/26-17/TopSecretTrackingValue/?phone=+77011234567")
    assert response.status_code == 500
    written = server_log.getvalue()
    assert "Internal Server Error" in written
    assert "ValueError" in written
    assert "TopSecretTrackingValue" not in written
    assert email not in written
    assert "77011234567" not in written


def test_an_error_page_shows_the_reference_every_log_line_of_its_request_carries(
    reference_data: None, monkeypatch: Any, server_log: io.StringIO
) -> None:
    def fails(**arguments: Any) -> None:
        raise ValueError("a fault")

    monkeypatch.setattr(views.services, "report_find_by_secret", fails)
    client = Client(raise_request_exception=False)
    response = client.get("/report/track/26-17/some-secret/")
    reference = response["X-Request-ID"]
    assert response.status_code == 500
    assert len(reference) == 32
    assert reference in response.content.decode()
    assert f"[{reference}] Internal Server Error" in server_log.getvalue()


def test_a_request_reference_sent_by_the_client_is_kept_only_when_well_formed(client: Any) -> None:
    proxy_reference = "0123456789abcdef0123456789abcdef"
    assert client.get("/healthz", HTTP_X_REQUEST_ID=proxy_reference)["X-Request-ID"] == (
        proxy_reference
    )
    injected = client.get("/healthz", HTTP_X_REQUEST_ID="x\nFAKE LOG LINE")["X-Request-ID"]
    assert "FAKE" not in injected
    assert len(injected) == 32


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("reporter_name", "Асем\x1b[2J"),
        ("transfers-0-to_account", "KZ86125KZT5004100100\x7f"),
        ("narrative", "Позвонили\x00 из банка."),
    ],
)
def test_the_public_form_refuses_control_characters_on_the_field(
    client: Any, reference_data: None, field: str, value: str
) -> None:
    from kuzet.reports.tests.test_views import form_data  # noqa: PLC0415

    response = client.post("/report/", form_data(client, **{field: value}))
    assert response.status_code == 400
    assert Report.objects.count() == 0


def test_the_public_form_keeps_line_breaks_in_the_narrative(
    client: Any, reference_data: None
) -> None:
    from kuzet.reports.tests.test_views import form_data  # noqa: PLC0415

    data = form_data(client, narrative="Позвонили из банка.\r\nСказали перевести деньги.")
    assert client.post("/report/", data).status_code == 302


@pytest.mark.parametrize("key", ["na\x00me", "\udb95", "x" * 500])
def test_a_bulk_row_with_a_hostile_unknown_key_is_answered_and_stored(
    client: Any, api_token: Any, key: str
) -> None:
    """Found by schemathesis on PostgreSQL: the row's error named the key, and storing the
    idempotent answer with a NUL or a lone surrogate in it failed the whole call with a 500."""
    token = api_token("HALYK", scopes=("reports:write",))
    body = json.dumps({"reports": [{"narrative": "Позвонили из банка.", key: 1}]})
    response = client.post(
        "/api/v1/reports/bulk",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_IDEMPOTENCY_KEY="hostile-key",
    )
    assert response.status_code == 200
    fields = response.json()["results"][0]["errors"]
    assert fields
    assert all("\x00" not in field and len(field) <= 120 for field in fields)
