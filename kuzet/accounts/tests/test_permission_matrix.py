"""THE permission matrix: persona × object × action, with "nothing changed" on every denial.

One table (``ROWS``) for every app: reports, attachments, imports, the inbox, hold alerts,
people and tokens, through the web pages, the partner API and the services themselves. A new
write action adds its rows here (allowed for the roles the capability table names, denied for
the others and for other tenants); ``test_every_write_capability_has_a_denied_row`` fails when
a capability has no denied row. The machinery is in ``matrix.py``.

The world: a citizen's golden-hour report routed to Almaty (alice, bob) naming a Kaspi account,
so Kaspi (frank) has a hold alert in its inbox (and Halyk one held back by its budget); an
evidence file on it; a report Kaspi submitted itself; an import of Kaspi's; Halyk's officer and
token as another bank.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from kuzet.accounts import services as accounts_services
from kuzet.accounts.models import ApiClient, Membership, Organisation, User
from kuzet.accounts.tests.matrix import Caller, Expect, MatrixRow, check_row, service_status
from kuzet.audit.models import AuditEvent
from kuzet.audit.services import SystemActor
from kuzet.blocking import services as blocking_services
from kuzet.blocking.models import (
    DeliveryMode,
    HoldAlert,
    HoldAlertStatus,
    PartnerEndpoint,
    PartnerInboxItem,
    Standing,
)
from kuzet.core.permissions import (
    CENTRAL_ADMINISTRATOR_CAPABILITIES,
    ROLE_CAPABILITIES,
    SCOPE_CAPABILITIES,
    Capability,
)
from kuzet.reports import services as report_services
from kuzet.reports.models import Attachment, Report, ReportImport

pytestmark = pytest.mark.django_db

KASPI_IBAN = "KZ72722S000000000001"
PEOPLE = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "henry", "ivan", "admin"]


@pytest.fixture
def world(make_persona, settings, tmp_path) -> dict[str, Any]:
    settings.MEDIA_ROOT = tmp_path
    for username in PEOPLE:
        make_persona(username)
    system = SystemActor("test")
    halyk = Organisation.objects.get(code="HALYK")
    kaspi = Organisation.objects.get(code="KASPI")
    halyk_officer = accounts_services.user_create(
        actor=system,
        username="halyk_officer",
        password="x" * 16,
        organisation=halyk,
        role="partner_officer",
    )
    halyk_token = accounts_services.api_client_create(
        actor=system, organisation=halyk, name="halyk engine", scopes=["profile:read"]
    ).api_client
    transfer = report_services.TransferInput(
        amount=Decimal("150000"),
        to_account=KASPI_IBAN,
        transferred_at=timezone.now() - timedelta(minutes=10),
    )
    citizen_report = report_services.report_submit(
        actor=None,
        channel="public_web",
        data=report_services.ReportInput(
            narrative="Позвонили из «службы безопасности банка».",
            region_code="KZ-75",
            transfers=(transfer,),
            reporter_phone="87015556677",
        ),
    ).report
    blocking_services.outbox_deliver_due()
    evidence = b"%PDF-1.4 evidence"
    digest = "ab" * 32
    path = report_services.evidence_path(digest)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(evidence)
    attachment = Attachment.objects.create(
        report=citizen_report,
        sha256=digest,
        safe_name="statement.pdf",
        content_type="application/pdf",
        size=len(evidence),
    )
    kaspi_report = report_services.report_submit(
        actor=system,
        channel="bank",
        source_organisation=kaspi,
        data=report_services.ReportInput(
            narrative="Клиент сообщил о мошеннической операции.",
            region_code="KZ-71",
            external_reference="KASPI-1",
        ),
    ).report
    kaspi_import = report_services.report_import_create(
        actor=system,
        organisation=kaspi,
        channel="bank",
        rows=[{"external_reference": "KASPI-I-1", "narrative": "x", "region": "KZ-71"}],
    )
    report_services.report_import_run(import_id=kaspi_import.pk)
    # An unverified alert to Halyk about the same transfer, held back by Halyk's hourly budget.
    kaspi_alert = HoldAlert.objects.get(bank=kaspi)
    held_back_alert = HoldAlert.objects.create(
        report=kaspi_alert.report,
        transfer=kaspi_alert.transfer,
        bank=halyk,
        amount=kaspi_alert.amount,
        minutes_since_transfer=kaspi_alert.minutes_since_transfer,
        standing=Standing.UNVERIFIED_REPORT,
        status=HoldAlertStatus.HELD_BACK,
    )
    return {
        "held_back_alert": held_back_alert,
        "citizen_report": citizen_report,
        "attachment": attachment,
        "kaspi_report": kaspi_report,
        "kaspi_import": kaspi_import,
        "inbox_item": PartnerInboxItem.objects.get(recipient=kaspi),
        "halyk_officer": halyk_officer,
        "halyk_token": halyk_token,
    }


# ---------------------------------------------------------------- what rows look at


def citizen_report(world: dict[str, Any]) -> Report:
    return world["citizen_report"]


def reads_of(target: Any) -> int:
    """How many reads of ``target`` the audit log holds (a read's "state")."""
    return AuditEvent.objects.filter(
        action="read", object_type=target._meta.label_lower, object_id=str(target.pk)
    ).count()


def report_state(report: Report) -> tuple[object, ...]:
    report = Report.objects.get(pk=report.pk)
    return (report.status, report.erdr_number, report.status_changes.count())


def messages_of(report: Report) -> int:
    return Report.objects.get(pk=report.pk).messages.count()


def report_count(_target: object) -> int:
    return Report.objects.count()


def import_count(_target: object) -> int:
    return ReportImport.objects.count()


def acknowledgement(item: PartnerInboxItem) -> tuple[object, ...]:
    item = PartnerInboxItem.objects.get(pk=item.pk)
    return (item.acknowledged_at, tuple(HoldAlert.objects.values_list("status", flat=True)))


def membership_state(membership: Membership) -> bool:
    return User.objects.get(pk=membership.user_id).is_active


def token_state(api_client: ApiClient) -> object:
    return ApiClient.objects.get(pk=api_client.pk).revoked_at


# ---------------------------------------------------------------- how rows act


def view_report(caller: Caller, report: Report) -> int:
    return int(caller.get(f"/reports/{report.public_id}/").status_code)


def post_report_action(**data: str) -> Any:
    def perform(caller: Caller, report: Report) -> int:
        return int(caller.post(f"/reports/{report.public_id}/", data).status_code)

    return perform


def take_report(caller: Caller, _target: object) -> int:
    data = {
        "submission_key": uuid.uuid4().hex,
        "is_on_behalf": "0",
        "victim_age_band": "unknown",
        "region_code": "KZ-75",
        "transfers-TOTAL_FORMS": "0",
        "transfers-INITIAL_FORMS": "0",
        "transfers-MIN_NUM_FORMS": "0",
        "transfers-MAX_NUM_FORMS": "10",
        "narrative": "Заявитель пришёл в дежурную часть: звонок от «банка».",
        "reporter_phone": "87015550000",
    }
    return int(caller.post("/reports/new/", data).status_code)


def download(caller: Caller, attachment: Attachment) -> int:
    return int(
        caller.get(
            f"/reports/{attachment.report.public_id}/attachments/{attachment.pk}/"
        ).status_code
    )


def api_read_report(caller: Caller, report: Report) -> int:
    return int(caller.get(f"/api/v1/reports/{report.public_id}").status_code)


def api_submit(caller: Caller, _target: object) -> int:
    body = {"external_reference": f"M-{uuid.uuid4().hex[:8]}", "narrative": "x", "region": "KZ-71"}
    return int(caller.post_json("/api/v1/reports", body).status_code)


def api_import(caller: Caller, _target: object) -> int:
    body = {"reports": [{"external_reference": "M-I-1", "narrative": "x", "region": "KZ-71"}]}
    return int(caller.post_json("/api/v1/reports/imports", body).status_code)


def api_import_rows(caller: Caller, report_import: ReportImport) -> int:
    return int(caller.get(f"/api/v1/reports/imports/{report_import.public_id}/rows").status_code)


def web_inbox(caller: Caller, _item: PartnerInboxItem) -> int:
    return int(caller.get("/inbox/").status_code)


def web_acknowledge(caller: Caller, item: PartnerInboxItem) -> int:
    return int(caller.post(f"/inbox/{item.message_id}/acknowledge/").status_code)


def api_inbox(caller: Caller, _item: PartnerInboxItem) -> int:
    return int(caller.get("/api/v1/inbox").status_code)


def api_acknowledge(caller: Caller, item: PartnerInboxItem) -> int:
    return int(caller.post(f"/api/v1/inbox/{item.message_id}/ack").status_code)


def web_release(caller: Caller, alert: HoldAlert) -> int:
    return int(caller.post(f"/inbox/held-back/{alert.public_id}/release/").status_code)


def service_release(caller: Caller, alert: HoldAlert) -> int:
    return service_status(
        lambda: blocking_services.hold_alert_release(actor=caller.actor, alert=alert)
    )


def alert_status(alert: HoldAlert) -> str:
    return HoldAlert.objects.get(pk=alert.pk).status


def disable_member(caller: Caller, membership: Membership) -> int:
    path = f"/accounts/members/{membership.pk}/disable/"
    return int(caller.post(path, {"reason": "matrix"}).status_code)


def revoke_token(caller: Caller, api_client: ApiClient) -> int:
    return int(caller.post(f"/accounts/api-clients/{api_client.public_id}/revoke/").status_code)


# Service calls: the same checks hold when no view stands in front of the service.


def service_register(caller: Caller, report: Report) -> int:
    return service_status(
        lambda: report_services.report_register(
            actor=caller.actor, report=report, erdr_number="267500031000123"
        )
    )


def service_status_to(status: str) -> Any:
    def perform(caller: Caller, report: Report) -> int:
        return service_status(
            lambda: report_services.report_change_status(
                actor=caller.actor, report=report, status=status
            )
        )

    return perform


def service_message(caller: Caller, report: Report) -> int:
    return service_status(
        lambda: report_services.report_message_reporter(
            actor=caller.actor, report=report, body="Please call us."
        )
    )


def service_acknowledge(caller: Caller, item: PartnerInboxItem) -> int:
    return service_status(
        lambda: blocking_services.inbox_acknowledge(actor=caller.actor, item=item)
    )


def service_staff_report(caller: Caller, _target: object) -> int:
    data = report_services.ReportInput(narrative="Звонок от «банка».", region_code="KZ-75")
    return service_status(
        lambda: report_services.report_submit(actor=caller.actor, channel="staff", data=data)
    )


def service_submit_for_kaspi(caller: Caller, _target: object) -> int:
    data = report_services.ReportInput(narrative="x", region_code="KZ-71", external_reference="S-1")
    kaspi = Organisation.objects.get(code="KASPI")
    return service_status(
        lambda: report_services.report_submit(
            actor=caller.actor, channel="bank", data=data, source_organisation=kaspi
        )
    )


def service_import_for_kaspi(caller: Caller, _target: object) -> int:
    kaspi = Organisation.objects.get(code="KASPI")
    return service_status(
        lambda: report_services.report_import_create(
            actor=caller.actor, organisation=kaspi, channel="bank", rows=[{"narrative": "x"}]
        )
    )


def service_issue_token(caller: Caller, _target: object) -> int:
    kaspi = Organisation.objects.get(code="KASPI")
    return service_status(
        lambda: accounts_services.api_client_create(
            actor=caller.actor, organisation=kaspi, name="m", scopes=["profile:read"]
        )
    )


def service_configure_delivery(caller: Caller, _target: object) -> int:
    kaspi = Organisation.objects.get(code="KASPI")
    return service_status(
        lambda: blocking_services.partner_endpoint_configure(
            actor=caller.actor,
            organisation=kaspi,
            mode=DeliveryMode.WEBHOOK,
            url="https://partner.example/kuzet",
        )
    )


def delivery_configuration(_target: object) -> list[tuple[str, str, str]]:
    return sorted(PartnerEndpoint.objects.values_list("mode", "url", "signing_key"))


def token_count(_target: object) -> int:
    return ApiClient.objects.count()


def service_disable(caller: Caller, membership: Membership) -> int:
    return service_status(
        lambda: accounts_services.user_disable(
            actor=caller.actor, user=membership.user, reason="matrix"
        )
    )


def membership_of(username: str) -> Any:
    return lambda world: Membership.objects.get(user__username=username)


A = Expect.ALLOWED
F = Expect.FILTERED
D = Expect.DENIED
REPORT = citizen_report
KASPI_REPORT = "kaspi_report"


def in_world(key: str) -> Any:
    return lambda world: world[key]


# fmt: off
ROWS: list[MatrixRow] = [
    # ---- reports: reading a report file (web)
    *[MatrixRow(p, "report.view", REPORT, view_report, s, e, reads_of) for p, s, e in [
        ("alice", 200, A), ("bob", 200, A), ("dave", 200, A), ("carol", 404, D),
        ("frank", 403, D), ("erin", 403, D), ("ivan", 403, D), ("henry", 403, D),
        ("admin", 403, D),
    ]],
    # ---- reports: registering in the ERDR opens a criminal case
    *[MatrixRow(p, "report.register", REPORT,
                post_report_action(action="register", erdr_number="267500031000123"),
                s, e, report_state) for p, s, e in [
        ("alice", 302, A), ("dave", 302, A), ("bob", 403, D), ("carol", 404, D),
        ("frank", 403, D), ("erin", 403, D), ("ivan", 403, D), ("admin", 403, D),
    ]],
    # ---- reports: taking a new report for review (the duty officer's one status change)
    *[MatrixRow(p, "report.review", REPORT, post_report_action(action="under_review"),
                s, e, report_state) for p, s, e in [
        ("bob", 302, A), ("alice", 302, A), ("carol", 404, D), ("frank", 403, D),
        ("erin", 403, D),
    ]],
    # ---- reports: rejecting and closing are case decisions
    *[MatrixRow(p, f"report.{action}", REPORT, post_report_action(action=action),
                s, e, report_state) for action in ("rejected", "closed", "needs_clarification")
      for p, s, e in [("alice", 302, A), ("dave", 302, A), ("bob", 403, D), ("carol", 404, D)]],
    # ---- reports: writing to the citizen
    *[MatrixRow(p, "report.message", REPORT,
                post_report_action(action="message", body="Please call us."),
                s, e, messages_of) for p, s, e in [
        ("alice", 302, A), ("dave", 302, A), ("bob", 403, D), ("carol", 404, D),
        ("erin", 403, D), ("frank", 403, D),
    ]],
    # ---- reports: taking a report at the 102 line or the front desk
    *[MatrixRow(p, "report.take", REPORT, take_report, s, e, report_count) for p, s, e in [
        ("bob", 302, A), ("alice", 302, A), ("frank", 403, D), ("erin", 403, D),
        ("ivan", 403, D), ("henry", 403, D), ("admin", 403, D),
    ]],
    # ---- reports through the partner API: only what one's own organisation submitted
    *[MatrixRow(p, "api.report.read", in_world(KASPI_REPORT), api_read_report, s, e, reads_of)
      for p, s, e in [
        ("token:KASPI:reports:read", 200, A), ("token:HALYK:reports:read", 404, D),
        ("token:KASPI:profile:read", 403, D), ("legacy-token:DCC:reports:read", 401, D),
        ("anonymous", 401, D),
    ]],
    *[MatrixRow(p, "api.report.read_citizen", REPORT, api_read_report, s, e, reads_of)
      for p, s, e in [
        ("token:KASPI:reports:read", 404, D), ("legacy-token:DCC:reports:read", 401, D),
        ("legacy-token:DP-KZ-75:reports:read", 401, D),
    ]],
    *[MatrixRow(p, "api.report.submit", REPORT, api_submit, s, e, report_count) for p, s, e in [
        ("token:KASPI:reports:write", 201, A), ("token:KASPI:reports:read", 403, D),
        ("legacy-token:DCC:reports:write", 401, D),
        ("legacy-token:FP-EXAMPLE-DE:reports:write", 401, D), ("anonymous", 401, D),
    ]],
    # ---- imports
    *[MatrixRow(p, "api.import.create", REPORT, api_import, s, e, import_count) for p, s, e in [
        ("token:KASPI:reports:write", 202, A), ("token:KCELL:reports:read", 403, D),
        ("legacy-token:DCC:reports:write", 401, D),
    ]],
    *[MatrixRow(p, "api.import.rows", in_world("kaspi_import"), api_import_rows, s, e, reads_of)
      for p, s, e in [
        ("token:KASPI:reports:write", 200, A), ("token:HALYK:reports:write", 404, D),
        ("token:KASPI:reports:read", 403, D),
    ]],
    # ---- attachments (evidence files)
    *[MatrixRow(p, "attachment.download", in_world("attachment"), download, s, e, reads_of)
      for p, s, e in [
        ("alice", 200, A), ("dave", 200, A), ("carol", 404, D), ("frank", 403, D),
        ("erin", 403, D),
    ]],
    # ---- the inbox and its hold alerts
    *[MatrixRow(p, "inbox.view", in_world("inbox_item"), web_inbox, s, e, reads_of)
      for p, s, e in [
        ("frank", 200, A), ("grace", 200, F), ("halyk_officer", 200, F), ("bob", 403, D),
        ("alice", 403, D),
    ]],
    *[MatrixRow(p, "inbox.acknowledge", in_world("inbox_item"), web_acknowledge, s, e,
                acknowledgement) for p, s, e in [
        ("frank", 302, A), ("halyk_officer", 404, D), ("grace", 404, D), ("bob", 403, D),
        ("alice", 403, D), ("admin", 403, D),
    ]],
    *[MatrixRow(p, "api.inbox.list", in_world("inbox_item"), api_inbox, s, e, reads_of)
      for p, s, e in [
        ("token:KASPI:inbox:read", 200, A), ("token:HALYK:inbox:read", 200, F),
        ("token:KASPI:profile:read", 403, D), ("legacy-token:DCC:inbox:read", 401, D),
    ]],
    *[MatrixRow(p, "api.inbox.acknowledge", in_world("inbox_item"), api_acknowledge, s, e,
                acknowledgement) for p, s, e in [
        ("token:KASPI:inbox:read,inbox:acknowledge", 200, A),
        ("token:KASPI:inbox:read", 403, D),
        ("token:HALYK:inbox:read,inbox:acknowledge", 404, D),
        ("legacy-token:DCC:inbox:read,inbox:acknowledge", 401, D),
    ]],
    *[MatrixRow(p, "hold_alert.release", in_world("held_back_alert"), web_release, s, e,
                alert_status) for p, s, e in [
        ("bob", 302, A), ("alice", 302, A), ("dave", 302, A), ("carol", 404, D),
        ("frank", 403, D), ("halyk_officer", 403, D), ("erin", 403, D), ("ivan", 403, D),
    ]],
    # ---- people and tokens
    *[MatrixRow(p, "member.disable", membership_of(target), disable_member, s, e,
                membership_state) for p, target, s, e in [
        ("dave", "ivan", 302, A), ("admin", "halyk_officer", 302, A), ("alice", "bob", 403, D),
        ("frank", "halyk_officer", 403, D), ("dave", "halyk_officer", 404, D),
        ("erin", "alice", 403, D),
    ]],
    *[MatrixRow(p, "token.revoke", in_world("halyk_token"), revoke_token, s, e, token_state)
      for p, s, e in [("admin", 302, A), ("frank", 403, D), ("dave", 404, D)]],
    # ---- the services themselves, with no view in front
    *[MatrixRow(p, "service.report_register", REPORT, service_register, s, e, report_state,
                is_service_call=True) for p, s, e in [
        ("alice", 200, A), ("bob", 403, D), ("carol", 403, D), ("frank", 403, D),
        ("token:KASPI:reports:write", 403, D),
    ]],
    *[MatrixRow(p, f"service.report_status.{status}", REPORT, service_status_to(status), s, e,
                report_state, is_service_call=True) for status, p, s, e in [
        ("under_review", "bob", 200, A), ("rejected", "bob", 403, D),
        ("closed", "bob", 403, D), ("rejected", "alice", 200, A), ("rejected", "carol", 403, D),
    ]],
    *[MatrixRow(p, "service.report_message", REPORT, service_message, s, e, messages_of,
                is_service_call=True) for p, s, e in [
        ("alice", 200, A), ("bob", 403, D), ("carol", 403, D),
    ]],
    *[MatrixRow(p, "service.report_take", REPORT, service_staff_report, s, e, report_count,
                is_service_call=True) for p, s, e in [
        ("bob", 200, A), ("frank", 403, D), ("erin", 403, D),
        ("token:KASPI:reports:write", 403, D),
    ]],
    *[MatrixRow(p, "service.report_submit_partner", REPORT, service_submit_for_kaspi, s, e,
                report_count, is_service_call=True) for p, s, e in [
        ("token:KASPI:reports:write", 200, A), ("token:HALYK:reports:write", 403, D),
        ("token:KASPI:reports:read", 403, D), ("frank", 403, D), ("bob", 403, D),
    ]],
    *[MatrixRow(p, "service.import_create", REPORT, service_import_for_kaspi, s, e,
                import_count, is_service_call=True) for p, s, e in [
        ("token:KASPI:reports:write", 200, A), ("token:HALYK:reports:write", 403, D),
        ("frank", 403, D),
    ]],
    *[MatrixRow(p, "service.inbox_acknowledge", in_world("inbox_item"), service_acknowledge,
                s, e, acknowledgement, is_service_call=True) for p, s, e in [
        ("frank", 200, A), ("grace", 403, D), ("halyk_officer", 403, D), ("bob", 403, D),
        ("token:KASPI:inbox:read", 403, D),
    ]],
    *[MatrixRow(p, "service.hold_alert_release", in_world("held_back_alert"), service_release,
                s, e, alert_status, is_service_call=True) for p, s, e in [
        ("bob", 200, A), ("frank", 403, D), ("erin", 403, D), ("token:HALYK:inbox:read", 403, D),
    ]],
    *[MatrixRow(p, "service.api_client_create", REPORT, service_issue_token, s, e, token_count,
                is_service_call=True) for p, s, e in [
        ("admin", 200, A), ("frank", 403, D), ("dave", 403, D), ("alice", 403, D),
    ]],
    *[MatrixRow(p, "service.partner_endpoint_configure", REPORT, service_configure_delivery,
                s, e, delivery_configuration, is_service_call=True) for p, s, e in [
        ("admin", 200, A), ("dave", 403, D), ("frank", 403, D), ("erin", 403, D),
        ("token:KASPI:inbox:read", 403, D),
    ]],
    *[MatrixRow(p, "service.user_disable", membership_of(target), service_disable, s, e,
                membership_state, is_service_call=True) for p, target, s, e in [
        ("dave", "ivan", 200, A), ("dave", "halyk_officer", 403, D), ("alice", "bob", 403, D),
        ("frank", "halyk_officer", 403, D),
    ]],
]
# fmt: on


@pytest.mark.parametrize("row", ROWS, ids=[row.test_id for row in ROWS])
def test_permission_matrix(world, row):
    check_row(row, world)


# Which matrix action exercises each write capability (a denied row must exist for it).
WRITE_CAPABILITY_ACTIONS = {
    Capability.TAKE_REPORTS: "report.take",
    Capability.REVIEW_REPORTS: "report.review",
    Capability.CHANGE_REPORT_STATUS: "report.rejected",
    Capability.REGISTER_REPORTS: "report.register",
    Capability.MESSAGE_REPORTERS: "report.message",
    Capability.SUBMIT_REPORTS: "api.report.submit",
    Capability.IMPORT_REPORTS: "api.import.create",
    Capability.ACKNOWLEDGE_INBOX: "inbox.acknowledge",
    Capability.RELEASE_HOLD_ALERTS: "hold_alert.release",
    Capability.MANAGE_MEMBERS: "member.disable",
    Capability.MANAGE_API_CLIENTS: "token.revoke",
    Capability.CONFIGURE_PARTNER_DELIVERY: "service.partner_endpoint_configure",
}
READ_CAPABILITIES = {
    Capability.VIEW_DIRECTORY,
    Capability.VIEW_AUDIT,
    Capability.VIEW_STATISTICS,
    Capability.VIEW_REPORTS,
    Capability.VIEW_SUBMITTED_REPORTS,
    Capability.VIEW_INBOX,
    # Held only by the Department's platform administrators, proven by member.disable and
    # token.revoke rows where admin acts on another organisation.
    Capability.MANAGE_ALL_MEMBERS,
    Capability.MANAGE_ALL_API_CLIENTS,
}


def test_every_write_capability_has_a_denied_row():
    granted = set().union(*ROLE_CAPABILITIES.values(), *SCOPE_CAPABILITIES.values())
    writes = set(Capability) - READ_CAPABILITIES
    assert writes == set(WRITE_CAPABILITY_ACTIONS)
    assert writes <= granted | CENTRAL_ADMINISTRATOR_CAPABILITIES
    for action in WRITE_CAPABILITY_ACTIONS.values():
        expectations = {row.expect for row in ROWS if row.action == action}
        assert expectations >= {Expect.ALLOWED, Expect.DENIED}, action
