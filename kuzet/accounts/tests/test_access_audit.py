"""Scoping that knows who and what, scopes by organisation kind, and the audit of API access.

Issue 10, sections 1 and 4: a Department token with ``reports:read`` read a citizen's report;
reading granted writing; API reads of personal data and refused tokens were not recorded.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, RequestFactory
from django.utils import timezone

from kuzet.accounts import services
from kuzet.accounts.middleware import ActionDeniedMiddleware
from kuzet.accounts.models import ApiClient, Organisation, TokenRefusal, User
from kuzet.api import api
from kuzet.audit import services as audit_services
from kuzet.audit.models import AuditEvent, Outcome
from kuzet.audit.services import SystemActor
from kuzet.blocking import services as blocking_services
from kuzet.blocking.models import PartnerInboxItem
from kuzet.core.actors import ActionDenied
from kuzet.core.permissions import SCOPE_KINDS, ApiScope, Capability, OrganisationKind
from kuzet.reports import services as report_services
from kuzet.reports.models import Report, ReportImport

pytestmark = pytest.mark.django_db

KASPI_IBAN = "KZ72722S000000000001"


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def refusals(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("sequence"))


# ---------------------------------------------------------------- scoping knows who


def test_a_department_token_does_not_read_a_citizens_report(api_token, submit, monkeypatch):
    # Even if the Department were allowed to hold reports:read, its token reads only what the
    # Department itself submitted, not every report because it is "central".
    monkeypatch.setitem(
        SCOPE_KINDS,
        ApiScope.REPORTS_READ,
        SCOPE_KINDS[ApiScope.REPORTS_READ] | {OrganisationKind.CENTRAL},
    )
    citizen_report = submit(region_code="KZ-75").report
    token = api_token("DCC", scopes=("reports:read",))
    response = Client().get(f"/api/v1/reports/{citizen_report.public_id}", **bearer(token))
    assert response.status_code == 404
    assert AuditEvent.objects.filter(action="read").count() == 0


@pytest.mark.parametrize("persona", ["ivan", "erin", "frank", "henry", "admin"])
def test_a_role_that_does_not_read_reports_sees_none(make_persona, submit, persona):
    submit(region_code="KZ-75")
    user = make_persona(persona)
    assert Report.objects.visible_to(user).count() == 0
    assert Report.objects.changeable_by(user).count() == 0


@pytest.mark.parametrize(("persona", "visible"), [("alice", 1), ("bob", 1), ("dave", 2)])
def test_report_readers_see_their_department(make_persona, submit, persona, visible):
    submit(region_code="KZ-75")
    submit(region_code="KZ-71", to_account="+77011234567")
    assert Report.objects.visible_to(make_persona(persona)).count() == visible


def test_reading_does_not_make_a_report_changeable(make_persona, submit):
    report = submit(region_code="KZ-75").report
    analyst = services.user_create(
        actor=SystemActor("test"),
        username="analyst",
        password="x" * 16,
        organisation=Organisation.objects.get(code="DP-KZ-75"),
        role="analyst",
    )
    assert list(Report.objects.visible_to(analyst)) == [report]
    assert Report.objects.changeable_by(analyst).count() == 0


# ---------------------------------------------------------------- scopes by organisation kind


@pytest.mark.parametrize(
    ("code", "scope"),
    [
        ("DCC", "reports:read"),
        ("DCC", "inbox:read"),
        ("DP-KZ-75", "reports:write"),
        ("FP-EXAMPLE-DE", "reports:write"),
        ("FP-EXAMPLE-DE", "inbox:read"),
        ("GPO", "inbox:read"),
        ("DCC", "screening:query"),
        ("FP-EXAMPLE-DE", "screening:query"),
    ],
)
def test_a_kind_cannot_be_issued_a_scope_it_may_not_hold(reference_data, code, scope):
    with pytest.raises(services.AccountError, match="may not hold the scopes"):
        services.api_client_create(
            actor=SystemActor("test"),
            organisation=Organisation.objects.get(code=code),
            name="x",
            scopes=[scope],
        )
    assert ApiClient.objects.count() == 0


@pytest.mark.parametrize(
    ("code", "scopes"),
    [
        ("KASPI", ["reports:write", "reports:read", "inbox:read", "inbox:acknowledge"]),
        ("KASPI", ["screening:query"]),
        ("KCELL", ["reports:write", "screening:query", "inbox:read"]),
        ("DCC", ["profile:read", "organisations:read"]),
        ("FP-EXAMPLE-DE", ["profile:read"]),
    ],
)
def test_a_kind_is_issued_the_scopes_it_may_hold(reference_data, code, scopes):
    issued = services.api_client_create(
        actor=SystemActor("test"),
        organisation=Organisation.objects.get(code=code),
        name="x",
        scopes=scopes,
    )
    assert issued.api_client.is_usable


def test_the_apikey_command_refuses_a_scope_the_kind_may_not_hold(reference_data):
    with pytest.raises(CommandError, match="may not hold the scopes reports:read"):
        call_command("apikey", "create", "--org", "DCC", "--scopes", "reports:read")
    assert ApiClient.objects.count() == 0


def test_a_token_whose_scopes_are_no_longer_allowed_is_refused_when_presented(api_token):
    token = api_token("DCC", scopes=("profile:read",))
    ApiClient.objects.update(scopes=["profile:read", "reports:read"])
    response = Client().get("/api/v1/me", **bearer(token))
    assert response.status_code == 401
    (entry,) = refusals("api.token.refused")
    assert entry.purpose == TokenRefusal.SCOPES_NOT_ALLOWED
    assert entry.object_id == str(ApiClient.objects.get().pk)


# ---------------------------------------------------------------- reads of personal data


def test_reading_a_report_through_the_api_is_recorded_with_its_purpose(api_token, submit):
    report = submit(
        channel="bank",
        source_organisation=Organisation.objects.get(code="KASPI"),
        external_reference="K-1",
    ).report
    token = api_token("KASPI", scopes=("reports:read",))
    assert Client().get(f"/api/v1/reports/{report.public_id}", **bearer(token)).status_code == 200
    entry = AuditEvent.objects.get(action="read")
    assert (entry.object_type, entry.object_id) == ("reports.report", str(report.pk))
    assert entry.purpose == "partner: status of a report it submitted"
    assert entry.actor_api_client == ApiClient.objects.get()
    assert entry.client_address == "127.0.0.1"


def test_each_inbox_item_returned_is_recorded_as_read(api_token, submit):
    submit(to_account=KASPI_IBAN)
    submit(to_account=KASPI_IBAN, amount="99000")
    blocking_services.outbox_deliver_due()
    token = api_token("KASPI", scopes=("inbox:read",))
    page = Client().get("/api/v1/inbox?limit=1", **bearer(token)).json()
    assert (len(page["items"]), page["count"]) == (1, 2)
    entry = AuditEvent.objects.get(action="read")
    shown = PartnerInboxItem.objects.get(message_id=page["items"][0]["message_id"])
    assert (entry.object_type, entry.object_id) == ("blocking.partnerinboxitem", str(shown.pk))
    assert entry.purpose == "partner inbox: requests addressed to the organisation"
    Client().get("/api/v1/inbox", **bearer(token))
    assert AuditEvent.objects.filter(action="read").count() == 3


def test_the_inbox_page_records_each_item_shown(signed_in, submit):
    submit(to_account=KASPI_IBAN)
    blocking_services.outbox_deliver_due()
    assert signed_in("frank").get("/inbox/").status_code == 200
    entry = AuditEvent.objects.get(action="read")
    assert entry.object_id == str(PartnerInboxItem.objects.get().pk)
    assert entry.actor_label == "frank"


def test_reading_import_rows_is_recorded(api_token, django_capture_on_commit_callbacks):
    token = api_token("KASPI", scopes=("reports:write",))
    body = {"reports": [{"external_reference": "I-1", "narrative": "x", "region": "KZ-71"}]}
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post(
            "/api/v1/reports/imports",
            json.dumps(body),
            content_type="application/json",
            **bearer(token),
        ).json()
    assert AuditEvent.objects.filter(action="read").count() == 0
    client.get(f"/api/v1/reports/imports/{created['id']}", **bearer(token))
    assert AuditEvent.objects.filter(action="read").count() == 0  # progress: no personal data
    client.get(f"/api/v1/reports/imports/{created['id']}/rows", **bearer(token))
    entry = AuditEvent.objects.get(action="read")
    assert entry.object_type == "reports.reportimport"
    assert entry.purpose.startswith("partner: results of its own import")


def test_bulk_intake_writes_no_read_entries(api_token):
    token = api_token("HALYK", scopes=("reports:write",))
    rows = [
        {"external_reference": f"B-{number}", "narrative": "x", "region": "KZ-71"}
        for number in range(5)
    ]
    response = Client().post(
        "/api/v1/reports/bulk",
        json.dumps({"reports": rows}),
        content_type="application/json",
        **bearer(token),
    )
    assert response.json()["created"] == 5
    assert AuditEvent.objects.filter(action="read").count() == 0
    assert AuditEvent.objects.exclude(outcome=Outcome.SUCCESS).count() == 0


# ---------------------------------------------------------------- refused access


def _revoked(api_client: ApiClient) -> None:
    ApiClient.objects.filter(pk=api_client.pk).update(revoked_at=timezone.now())


def _expired(api_client: ApiClient) -> None:
    ApiClient.objects.filter(pk=api_client.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )


def _organisation_disabled(api_client: ApiClient) -> None:
    Organisation.objects.filter(pk=api_client.organisation_id).update(is_active=False)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (_revoked, TokenRefusal.REVOKED),
        (_expired, TokenRefusal.EXPIRED),
        (_organisation_disabled, TokenRefusal.ORGANISATION_DISABLED),
    ],
)
def test_a_refused_token_is_recorded_with_its_reason(api_token, change, reason):
    token = api_token("KASPI")
    api_client = ApiClient.objects.get()
    change(api_client)
    assert Client().get("/api/v1/me", **bearer(token)).status_code == 401
    (entry,) = refusals("api.token.refused")
    assert entry.purpose == reason
    assert entry.outcome == Outcome.FAILURE
    assert entry.object_id == str(api_client.pk)
    assert entry.actor_api_client is None
    assert token not in json.dumps(list(AuditEvent.objects.values()), default=str)


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        (None, TokenRefusal.MISSING),
        ("Basic YWxpY2U6cGFzcw==", TokenRefusal.MALFORMED),
        ("Bearer not-a-kuzet-token", TokenRefusal.MALFORMED),
        ("Bearer kz_0123456789.guess", TokenRefusal.UNKNOWN),
    ],
)
def test_missing_and_guessed_tokens_are_recorded(reference_data, header, reason):
    headers = {"HTTP_AUTHORIZATION": header} if header else {}
    assert Client().get("/api/v1/me", **headers).status_code == 401
    (entry,) = refusals("api.token.refused")
    assert entry.purpose == reason
    assert entry.actor_label == "anonymous"


def test_a_wrong_secret_names_the_client_but_not_its_state(api_token):
    token = api_token("KASPI")
    _revoked(ApiClient.objects.get())
    prefix = token.split(".")[0]
    assert Client().get("/api/v1/me", **bearer(f"{prefix}.wrong")).status_code == 401
    (entry,) = refusals("api.token.refused")
    assert entry.purpose == TokenRefusal.WRONG_SECRET
    assert entry.organisation == Organisation.objects.get(code="KASPI")


def test_a_missing_scope_is_recorded(api_token):
    token = api_token("KASPI", scopes=("profile:read",))
    assert Client().get("/api/v1/inbox", **bearer(token)).status_code == 403
    (entry,) = refusals("api.access.denied")
    assert entry.purpose == "missing scope inbox:read"
    assert entry.outcome == Outcome.DENIED
    assert entry.actor_api_client == ApiClient.objects.get()


def test_a_flood_of_bad_tokens_writes_one_entry_per_address_and_minute(reference_data):
    client = Client()
    start = datetime(2026, 12, 3, 12, 0, 5, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as traveller:
        for _ in range(200):
            assert client.get("/api/v1/me", **bearer("kz_0123456789.guess")).status_code == 401
        assert len(refusals("api.token.refused")) == 1
        traveller.shift(timedelta(minutes=1))
        client.get("/api/v1/me", **bearer("kz_0123456789.guess"))
    first, second = refusals("api.token.refused")
    assert first.purpose == TokenRefusal.UNKNOWN
    assert second.purpose == f"{TokenRefusal.UNKNOWN}; 199 more in the minute before"


def test_many_addresses_cannot_flood_the_log_either(reference_data, monkeypatch):
    monkeypatch.setattr(audit_services, "FAILURE_ENTRIES_PER_MINUTE", 5)
    client = Client()
    with time_machine.travel(datetime(2026, 12, 3, 12, 0, 5, tzinfo=UTC), tick=False):
        for number in range(30):
            client.get("/api/v1/me", REMOTE_ADDR=f"198.51.100.{number}")
    assert len(refusals("api.token.refused")) == 5


def test_one_ipv6_network_counts_as_one_address(reference_data):
    client = Client()
    with time_machine.travel(datetime(2026, 12, 3, 12, 0, 5, tzinfo=UTC), tick=False):
        for number in range(1, 30):
            client.get("/api/v1/me", REMOTE_ADDR=f"2001:db8:1:2::{number:x}")
        client.get("/api/v1/me", REMOTE_ADDR="2001:db8:1:3::1")
    assert len(refusals("api.token.refused")) == 2


def test_probing_another_tenants_object_is_recorded_once_a_minute(api_token, submit):
    report = submit(
        channel="bank",
        source_organisation=Organisation.objects.get(code="KASPI"),
        external_reference="K-1",
    ).report
    token = api_token("HALYK", scopes=("reports:read",))
    with time_machine.travel(datetime(2026, 12, 3, 12, 0, 5, tzinfo=UTC), tick=False):
        for _ in range(20):
            response = Client().get(f"/api/v1/reports/{report.public_id}", **bearer(token))
            assert response.status_code == 404
    (entry,) = refusals("access.denied")
    assert entry.object_id == str(report.pk)


def test_a_service_refusal_behind_a_view_is_recorded(make_persona):
    bob = make_persona("bob")
    request = RequestFactory().post("/reports/x/")
    request.user = bob
    ActionDeniedMiddleware(lambda request: None).process_exception(  # type: ignore[arg-type]
        request, ActionDenied(Capability.REGISTER_REPORTS)
    )
    (entry,) = refusals("access.denied")
    assert entry.purpose == "missing capability: reports.register"
    assert entry.actor_user == bob


def test_the_api_description_says_what_is_recorded():
    description = " ".join(api.get_openapi_schema()["info"]["description"].split())
    for recorded in (
        "GET /reports/{public_id}",
        "GET /inbox",
        "GET /reports/imports/{import_id}/rows",
        "revoked or expired token",
        "missing scope",
        "one entry per message on the page",
        "first refusal of a kind from a client address",
    ):
        assert recorded in description, recorded
    assert "every call is audited" not in description


def test_a_disabled_user_has_no_capability(make_persona):
    bob = make_persona("bob")
    User.objects.filter(pk=bob.pk).update(is_active=False)
    bob.refresh_from_db()
    assert not bob.has_capability(Capability.TAKE_REPORTS)


def test_an_import_stops_when_its_token_is_revoked(api_token, django_capture_on_commit_callbacks):
    token = api_token("KASPI", scopes=("reports:write",))
    rows = [{"external_reference": f"R-{n}", "narrative": "x", "region": "KZ-71"} for n in range(3)]
    with django_capture_on_commit_callbacks(execute=False):
        response = Client().post(
            "/api/v1/reports/imports",
            json.dumps({"reports": rows}),
            content_type="application/json",
            **bearer(token),
        )
    assert response.status_code == 202
    _revoked(ApiClient.objects.get())
    report_import = report_services.report_import_run(import_id=ReportImport.objects.get().pk)
    assert (report_import.status, report_import.processed, report_import.invalid) == ("done", 3, 3)
    assert Report.objects.count() == 0
    assert AuditEvent.objects.get(action="reports.import.stop").outcome == Outcome.DENIED
