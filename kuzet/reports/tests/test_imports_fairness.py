"""Imports: idempotent, bounded per partner (429 + Retry-After), worked round-robin."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from kuzet.accounts.models import ApiClient, Organisation
from kuzet.core.actors import SystemActor
from kuzet.reports import services
from kuzet.reports.models import ImportStatus, Report, ReportImport
from kuzet.reports.services import imports
from kuzet.reports.tests.test_api import WRITE, a_report, bearer

pytestmark = pytest.mark.django_db


def _post_import(client: Any, token: str, rows: list[dict[str, Any]], **headers: str) -> Any:
    return client.post(
        "/api/v1/reports/imports",
        json.dumps({"reports": rows}),
        content_type="application/json",
        **bearer(token, **headers),
    )


def _queue(organisation_code: str, rows: int, prefix: str) -> ReportImport:
    """An import stored and queued as the API does, without running the worker."""
    organisation = Organisation.objects.get(code=organisation_code)
    return services.report_import_create(
        actor=SystemActor("test"),
        organisation=organisation,
        channel="bank",
        rows=[a_report(f"{prefix}-{number}", transfers=[]) for number in range(rows)],
    )


def test_an_import_replayed_with_its_idempotency_key_is_created_once(
    client: Any, api_token: Any, django_capture_on_commit_callbacks: Any
) -> None:
    token = api_token("HALYK", scopes=WRITE)
    rows = [a_report("IDEM-1", transfers=[])]
    with django_capture_on_commit_callbacks(execute=True):
        first = _post_import(client, token, rows, HTTP_IDEMPOTENCY_KEY="import-1")
        again = _post_import(client, token, rows, HTTP_IDEMPOTENCY_KEY="import-1")
    assert (first.status_code, again.status_code) == (202, 202)
    assert first.json()["id"] == again.json()["id"]
    assert ReportImport.objects.count() == 1
    other_body = _post_import(client, token, [a_report("IDEM-2")], HTTP_IDEMPOTENCY_KEY="import-1")
    assert other_body.status_code == 422


def test_a_partner_over_its_imports_in_progress_gets_a_429_with_retry_after(
    client: Any, api_token: Any, settings: Any
) -> None:
    settings.IMPORTS_IN_PROGRESS_PER_PARTNER = 2
    token = api_token("HALYK", scopes=WRITE)
    # Without on-commit callbacks the worker never runs: both imports stay queued.
    assert _post_import(client, token, [a_report("Q-1")]).status_code == 202
    assert _post_import(client, token, [a_report("Q-2")]).status_code == 202
    refused = _post_import(client, token, [a_report("Q-3")])
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "2 imports queued or running" in refused.json()["detail"]
    assert ReportImport.objects.count() == 2
    # Another partner is not held back by this one's quota.
    assert (
        _post_import(client, api_token("FORTE", scopes=WRITE), [a_report("F-1")]).status_code == 202
    )


def test_a_partner_over_its_daily_rows_waits_until_the_oldest_import_leaves_the_window(
    client: Any, api_token: Any, settings: Any
) -> None:
    settings.IMPORT_ROWS_PER_PARTNER_PER_DAY = 3
    settings.IMPORTS_IN_PROGRESS_PER_PARTNER = 10
    token = api_token("HALYK", scopes=WRITE)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert _post_import(client, token, [a_report("D-1"), a_report("D-2")]).status_code == 202
    with time_machine.travel(start + timedelta(hours=1), tick=False):
        refused = _post_import(client, token, [a_report("D-3"), a_report("D-4")])
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) == 23 * 3600
    with time_machine.travel(start + timedelta(hours=24, seconds=1), tick=False):
        assert _post_import(client, token, [a_report("D-3"), a_report("D-4")]).status_code == 202


def test_a_small_import_finishes_after_at_most_one_chunk_of_a_big_one(
    reference_data: None, monkeypatch: Any, settings: Any
) -> None:
    settings.IMPORTS_IN_PROGRESS_PER_PARTNER = 10
    monkeypatch.setattr(imports, "CHUNK", 5)
    big = [_queue("HALYK", 15, "A1"), _queue("HALYK", 15, "A2")]
    small = _queue("FORTE", 1, "B")
    served: list[str] = []
    while (report_import := services.report_import_work_next()) is not None:
        served.append("B" if report_import.pk == small.pk else "A")
        small.refresh_from_db()
        if small.status == ImportStatus.DONE:
            break
    assert served.count("A") <= 1
    assert small.status == ImportStatus.DONE
    assert small.created == 1
    # The big imports are still all taken in afterwards.
    while services.report_import_work_next() is not None:
        pass
    for report_import in big:
        report_import.refresh_from_db()
        assert (report_import.status, report_import.processed) == (ImportStatus.DONE, 15)
    assert Report.objects.count() == 31


def test_partners_alternate_chunk_by_chunk(
    reference_data: None, monkeypatch: Any, settings: Any
) -> None:
    monkeypatch.setattr(imports, "CHUNK", 5)
    first = _queue("HALYK", 15, "H")
    _queue("FORTE", 15, "F")
    order = []
    while (report_import := services.report_import_work_next()) is not None:
        order.append("H" if report_import.pk == first.pk else "F")
    assert order == ["H", "F", "H", "F", "H", "F"]


def test_an_import_row_holding_a_nul_is_invalid_and_the_others_go_in(
    client: Any, api_token: Any, django_capture_on_commit_callbacks: Any
) -> None:
    token = api_token("HALYK", scopes=WRITE)
    rows = [a_report("NUL-1", transfers=[]), a_report("NUL-\x002"), a_report("NUL-3", transfers=[])]
    rows[2]["reporter_email"] = "a@b.kz"
    with django_capture_on_commit_callbacks(execute=True):
        response = _post_import(client, token, rows)
    assert response.status_code == 202
    status = client.get(f"/api/v1/reports/imports/{response.json()['id']}", **bearer(token))
    assert (status.json()["created"], status.json()["invalid"]) == (2, 1)
    assert ApiClient.objects.count() == 1
