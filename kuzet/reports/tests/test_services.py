"""Intake: validation, deduplication, scoring, routing, golden-hour alerts, atomicity."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import DatabaseError
from django.utils import timezone

from kuzet.accounts.models import Organisation
from kuzet.audit.models import AuditEvent
from kuzet.audit.services import SystemActor
from kuzet.blocking import services as blocking_services
from kuzet.blocking.models import HoldAlert, HoldAlertStatus, OutboxMessage, PartnerInboxItem
from kuzet.reports import services
from kuzet.reports.models import Report, ReportIndicator, ReportStatus

pytestmark = pytest.mark.django_db

KASPI_IBAN = "KZ72722S000000000001"  # synthetic, valid mod 97, Kaspi's bank code 722


def test_a_fresh_transfer_alerts_the_receiving_bank_through_the_outbox(submit):
    submitted = submit(to_account=KASPI_IBAN, minutes_ago=12)
    report = submitted.report
    assert report.is_golden_hour is True
    alert = HoldAlert.objects.get(report=report)
    assert alert.bank.code == "KASPI"
    assert alert.minutes_since_transfer == 12
    assert alert.status == HoldAlertStatus.QUEUED
    message = OutboxMessage.objects.get()
    assert message.recipient.code == "KASPI"
    assert message.payload["account"] == KASPI_IBAN
    assert blocking_services.outbox_deliver_due() == 1
    alert.refresh_from_db()
    assert alert.status == HoldAlertStatus.DELIVERED
    item = PartnerInboxItem.objects.get()
    assert item.recipient.code == "KASPI"
    assert item.payload["alert_id"] == str(alert.public_id)


def test_delivering_twice_applies_once(submit):
    submit(to_account=KASPI_IBAN)
    blocking_services.outbox_deliver_due()
    # As if the worker died before marking it: its lease runs out and the message is due again.
    OutboxMessage.objects.update(delivered_at=None, next_attempt_at=timezone.now())
    assert blocking_services.outbox_deliver_due() == 1
    assert PartnerInboxItem.objects.count() == 1


def test_acknowledging_stamps_the_alert_clock(submit):
    submit(to_account=KASPI_IBAN)
    blocking_services.outbox_deliver_due()
    item = PartnerInboxItem.objects.get()
    blocking_services.inbox_acknowledge(actor=SystemActor("test"), item=item)
    alert = HoldAlert.objects.get()
    assert alert.status == HoldAlertStatus.ACKNOWLEDGED
    assert alert.acknowledged_at is not None


def test_a_failing_partner_is_retried_with_back_off(submit, monkeypatch):
    from kuzet.blocking.channels import inbox
    from kuzet.blocking.channels.base import DeliveryFailed

    def refuse(self, message):
        raise DeliveryFailed("partner timed out")

    monkeypatch.setattr(inbox.InboxChannel, "deliver", refuse)
    submit(to_account=KASPI_IBAN)
    assert blocking_services.outbox_deliver_due() == 0
    message = OutboxMessage.objects.get()
    assert message.attempts == 1
    assert message.delivered_at is None
    assert message.next_attempt_at > timezone.now()
    assert message.last_error == "partner timed out"


@pytest.mark.parametrize(
    ("to_account", "minutes_ago"),
    [(KASPI_IBAN, 61), (KASPI_IBAN, 600), ("4400430000000007", 5), ("+77011234567", 5)],
)
def test_no_alert_when_too_late_or_bank_unknown(submit, to_account, minutes_ago):
    submit(to_account=to_account, minutes_ago=minutes_ago)
    assert HoldAlert.objects.count() == 0
    assert OutboxMessage.objects.count() == 0


def test_the_same_transfer_from_two_channels_is_one_report(submit):
    victim = submit(to_account=KASPI_IBAN, amount="80000")
    bank = submit(
        channel="bank",
        to_account="kz72 722s 0000 0000 0001",
        amount="80000.00",
        source_organisation=Organisation.objects.get(code="HALYK"),
        narrative="Клиент сообщил о мошеннической операции.",
    )
    assert bank.is_duplicate is True
    assert bank.report.pk == victim.report.pk
    assert Report.objects.count() == 1
    assert [source.channel for source in victim.report.sources.all()] == ["public_web", "bank"]
    assert HoldAlert.objects.count() == 1


def test_different_victims_paying_one_mule_stay_separate(submit):
    submit(to_account=KASPI_IBAN, amount="80000")
    submit(to_account=KASPI_IBAN, amount="95000")
    assert Report.objects.count() == 2


def test_the_same_reporter_resending_is_merged(submit):
    first = submit(
        minutes_ago=None, reporter_phone="87015556677", narrative="Карта 4400 4300 0000 0007"
    )
    second = submit(
        minutes_ago=None, reporter_phone="+7 701 555 66 77", narrative="Опять: 4400430000000007"
    )
    assert second.is_duplicate is True
    assert second.report.pk == first.report.pk


def test_a_partner_resending_its_reference_gets_the_same_report(submit):
    halyk = Organisation.objects.get(code="HALYK")
    first = submit(
        channel="bank", source_organisation=halyk, external_reference="H-1", minutes_ago=None
    )
    again = submit(
        channel="bank", source_organisation=halyk, external_reference="H-1", minutes_ago=None
    )
    assert again.is_duplicate is True
    assert again.report.pk == first.report.pk


@pytest.mark.parametrize(
    ("region", "department"), [("KZ-75", "DP-KZ-75"), ("KZ-62", "DP-KZ-62"), ("", "DCC")]
)
def test_routing_to_the_regional_department(submit, region, department):
    assert submit(region_code=region).report.department.code == department


def test_priority_explains_itself(submit):
    report = submit(to_account=KASPI_IBAN, amount="1000000", victim_age_band="60_plus").report
    assert report.priority_reasons == [
        "loss 1000000 KZT",
        "money left 10 minutes ago",
        "vulnerable victim",
    ]
    later = submit(minutes_ago=None, narrative="Спам на почту").report
    assert report.priority > later.priority
    assert later.priority == 0


def test_registration_clock_and_threshold(submit, settings):
    report = submit(amount=str(settings.REGISTRATION_THRESHOLD_KZT)).report
    assert report.registration_due_at == report.received_at + timedelta(hours=24)
    assert report.is_over_registration_threshold is True
    assert (
        submit(amount="1000", to_account="+77011234567").report.is_over_registration_threshold
        is False
    )


def test_identifiers_are_extracted_hashed_and_masked(submit):
    report = submit(
        narrative=(
            "Звонили с 8 (701) 234-56-78, сайт hxxps://kaspi-bonus[.]kz, карта 4400430000000007"
        ),
        minutes_ago=None,
    ).report
    stored = {(item.type, item.masked) for item in report.indicators.all()}
    assert ("phone", "+7701***5678") in stored
    assert ("card", "440043******0007") in stored
    assert all(len(item.value_hash) == 64 for item in report.indicators.all())


def test_fifty_fresh_reporters_naming_one_account_are_flagged_and_send_no_holds(submit, settings):
    settings.COORDINATED_NAMING_THRESHOLD = 5
    for number in range(8):
        submit(
            to_account=KASPI_IBAN,
            amount=str(10_000 + number),
            reporter_phone=f"+7701000{number:04d}",
        )
    flagged = sum("coordinated_naming" in report.flags for report in Report.objects.all())
    assert flagged == 3
    assert HoldAlert.objects.count() == 5
    assert Report.objects.count() == 8


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (
            {"transfers": (services.TransferInput(amount=Decimal("-1"), to_account=KASPI_IBAN),)},
            "transfers[0].amount",
        ),
        (
            {"transfers": (services.TransferInput(amount=Decimal("NaN"), to_account=KASPI_IBAN),)},
            "transfers[0].amount",
        ),
        (
            {"transfers": (services.TransferInput(amount=Decimal("10"), to_account="nonsense"),)},
            "transfers[0].to_account",
        ),
        (
            {
                "transfers": (
                    services.TransferInput(
                        amount=Decimal("10"), to_account=KASPI_IBAN, currency="₸₸₸"
                    ),
                )
            },
            "transfers[0].currency",
        ),
        (
            {
                "transfers": (
                    services.TransferInput(
                        amount=Decimal("10"),
                        to_account=KASPI_IBAN,
                        transferred_at=timezone.now() + timedelta(days=1),
                    ),
                )
            },
            "transfers[0].transferred_at",
        ),
        ({"region_code": "KZ-ALA"}, "region_code"),
        ({"reporter_phone": "12"}, "reporter_phone"),
        ({"scheme": "bitcoin"}, "scheme"),
        ({"language": "de"}, "language"),
        ({"suspect_identifiers": ("just words",)}, "suspect_identifiers[0]"),
        ({"narrative": "x" * 20_001}, "narrative"),
        ({"narrative": "", "transfers": ()}, "narrative"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(reference_data, change, field):
    data = services.ReportInput(**{"narrative": "Мошенники", **change})
    with pytest.raises(services.ReportInvalid) as raised:
        services.report_submit(actor=None, channel="public_web", data=data)
    assert field in raised.value.errors
    assert Report.objects.count() == 0
    assert AuditEvent.objects.filter(action="reports.report.submit").count() == 0


def test_disguised_identifiers_are_flagged(submit):
    report = submit(minutes_ago=None, narrative="Номер: +７ ７０１ ２３４ ５６ ７８").report
    assert "suspicious_identifier" in report.flags
    assert ReportIndicator.objects.get(report=report, type="phone").is_suspicious is True


def test_nul_characters_never_reach_the_database(submit):
    report = submit(minutes_ago=None, narrative="до\x00бро").report
    assert report.narrative == "добро"


def test_a_failure_midway_leaves_nothing_behind(submit, monkeypatch):
    def broken(**kwargs):
        raise DatabaseError("outbox unavailable")

    monkeypatch.setattr(blocking_services, "hold_alerts_create", broken)
    with pytest.raises(DatabaseError):
        submit(to_account=KASPI_IBAN)
    assert Report.objects.count() == 0
    assert ReportIndicator.objects.count() == 0
    assert HoldAlert.objects.count() == 0


def test_register_and_change_status(submit, make_persona):
    alice = make_persona("alice")
    report = submit().report
    services.report_change_status(actor=alice, report=report, status=ReportStatus.UNDER_REVIEW)
    services.report_register(actor=alice, report=report, erdr_number="267500031000123")
    report.refresh_from_db()
    assert report.status == ReportStatus.REGISTERED
    assert [change.status for change in report.status_changes.all()] == [
        "submitted",
        "under_review",
        "registered",
    ]
    with pytest.raises(services.ReportInvalid):
        services.report_register(actor=alice, report=report, erdr_number="'; drop table")


def test_reporter_and_officer_exchange_messages(submit, make_persona):
    report = submit().report
    services.report_add_reporter_message(report=report, body="Ещё номер: +7 705 111 22 33")
    services.report_message_reporter(actor=make_persona("alice"), report=report, body="Приходите")
    assert [message.direction for message in report.messages.all()] == [
        "from_reporter",
        "to_reporter",
    ]
    assert report.indicators.filter(type="phone", masked="+7705***2233").exists()


def test_the_reporter_is_told_in_their_language_through_the_outbox(
    submit, make_persona, settings, tmp_path
):
    settings.VAR_DIR = tmp_path
    report = submit(reporter_phone="87015556677", language="kk").report
    services.report_change_status(
        actor=make_persona("alice"), report=report, status=ReportStatus.UNDER_REVIEW
    )
    message = OutboxMessage.objects.get(kind="reporter_notification")
    assert message.recipient is None
    assert message.payload["phone"] == "+77015556677"
    assert report.tracking_number in message.payload["text"]
    assert "Қаралуда" in message.payload["text"]
    blocking_services.outbox_deliver_due()
    assert report.tracking_number in (tmp_path / "notifications.jsonl").read_text(encoding="utf-8")


def test_no_contact_no_notification(submit, make_persona):
    report = submit().report
    services.report_change_status(actor=make_persona("alice"), report=report, status="closed")
    assert not OutboxMessage.objects.filter(kind="reporter_notification").exists()
