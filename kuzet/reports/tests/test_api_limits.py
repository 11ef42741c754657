"""Partner API limits: each client its own allowance per kind of call; 429 with Retry-After."""

from __future__ import annotations

import json

import pytest
import time_machine
from django.utils import timezone

from kuzet.reports.models import Report

pytestmark = pytest.mark.django_db

WRITE = ("reports:write", "reports:read", "inbox:read")


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def a_report(reference: str) -> dict[str, object]:
    return {"external_reference": reference, "narrative": "Клиент сообщил о мошенничестве."}


def post_report(client, token, reference):
    return client.post(
        "/api/v1/reports",
        json.dumps(a_report(reference)),
        content_type="application/json",
        **bearer(token),
    )


@pytest.fixture
def small_limits(settings):
    """Small allowances, and a clock standing at the start of a minute: the windows are aligned
    to the clock, so no test may straddle a window's end."""
    settings.API_RATE_LIMITS_PER_MINUTE = {"read": 3, "write": 2, "bulk": 1, "import": 1}
    start = timezone.now().replace(second=0, microsecond=0)
    with time_machine.travel(start, tick=False):
        yield


def test_a_client_over_its_write_allowance_gets_429_with_retry_after(
    client, api_token, small_limits
):
    token = api_token("HALYK", scopes=WRITE)
    assert post_report(client, token, "R-1").status_code == 201
    assert post_report(client, token, "R-2").status_code == 201
    refused = post_report(client, token, "R-3")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused.json()["code"] == "rate_limited"
    assert Report.objects.count() == 2


def test_one_partner_over_its_allowance_does_not_starve_another(client, api_token, small_limits):
    halyk = api_token("HALYK", scopes=WRITE)
    kaspi = api_token("KASPI", scopes=WRITE)
    for reference in ("R-1", "R-2", "R-3", "R-4"):
        post_report(client, halyk, reference)
    assert post_report(client, kaspi, "K-1").status_code == 201


def test_reads_have_their_own_allowance(client, api_token, small_limits):
    token = api_token("HALYK", scopes=WRITE)
    post_report(client, token, "R-1")
    post_report(client, token, "R-2")
    assert post_report(client, token, "R-3").status_code == 429
    assert client.get("/api/v1/inbox", **bearer(token)).status_code == 200


def test_bulk_calls_have_a_smaller_allowance(client, api_token, small_limits):
    token = api_token("HALYK", scopes=WRITE)
    body = json.dumps({"reports": [a_report("B-1")]})
    first = client.post(
        "/api/v1/reports/bulk", body, content_type="application/json", **bearer(token)
    )
    second = client.post(
        "/api/v1/reports/bulk", body, content_type="application/json", **bearer(token)
    )
    assert (first.status_code, second.status_code) == (200, 429)
    assert second.has_header("Retry-After")
