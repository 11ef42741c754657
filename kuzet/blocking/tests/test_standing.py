"""Hold alerts say what they rest on, and unverified ones cannot flood a bank."""

from __future__ import annotations

import json

import pytest
from django.utils import translation

from kuzet.audit.models import AuditEvent
from kuzet.blocking import services
from kuzet.blocking.models import (
    HoldAlert,
    HoldAlertStatus,
    OutboxMessage,
    PartnerInboxItem,
    Standing,
)

pytestmark = pytest.mark.django_db

KASPI_IBAN = "KZ72722S000000000001"


def test_an_alert_from_the_public_form_says_it_is_an_unconfirmed_victim_report(submit):
    submit(channel="public_web", to_account=KASPI_IBAN)
    alert = HoldAlert.objects.get()
    assert alert.standing == Standing.UNVERIFIED_REPORT
    payload = OutboxMessage.objects.get().payload
    assert payload["standing"] == "unverified_report"
    assert payload["standing_summary"]["en"].startswith("Unconfirmed victim report")
    assert set(payload["standing_summary"]) == {"kk", "ru", "en"}
    everything = json.dumps(payload, ensure_ascii=False)
    assert "criminal-prosecution body (" not in everything
    assert "Suspend the incoming funds" not in payload["request"]["en"]
    assert payload["standing_summary"]["ru"] != payload["standing_summary"]["en"]
    assert payload["standing_summary"]["kk"] != payload["standing_summary"]["en"]


@pytest.mark.parametrize("channel", ["staff", "bank"])
def test_an_alert_an_officer_or_the_victims_bank_reported_is_confirmed(submit, channel):
    submit(channel=channel, to_account=KASPI_IBAN)
    assert HoldAlert.objects.get().standing == Standing.CONFIRMED
    payload = OutboxMessage.objects.get().payload
    assert payload["request"]["en"].startswith("Suspend the incoming funds")


def test_standings_are_ordered_weakest_first():
    assert Standing.UNVERIFIED_REPORT.rank < Standing.CONFIRMED.rank < Standing.ORDER.rank


def test_unverified_alerts_over_the_banks_budget_are_held_back(submit, settings):
    settings.UNVERIFIED_ALERTS_PER_BANK_PER_HOUR = 3
    for number in range(5):
        submit(to_account=KASPI_IBAN, amount=str(1000 + number))
    statuses = sorted(HoldAlert.objects.values_list("status", flat=True))
    assert statuses.count(HoldAlertStatus.HELD_BACK) == 2
    assert OutboxMessage.objects.filter(kind="hold_alert").count() == 3
    assert AuditEvent.objects.filter(action="blocking.hold_alert.hold_back").count() == 2


def test_confirmed_alerts_are_never_held_back(submit, settings):
    settings.UNVERIFIED_ALERTS_PER_BANK_PER_HOUR = 0
    submit(channel="staff", to_account=KASPI_IBAN)
    assert HoldAlert.objects.get().status == HoldAlertStatus.QUEUED


def test_one_batch_of_many_unverified_reports_is_held_to_the_budget(reference_data, settings):
    """The finding: 100 anonymous reports in seconds sent 100 alerts to one bank."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from kuzet.reports import services as report_services

    settings.UNVERIFIED_ALERTS_PER_BANK_PER_HOUR = 20
    settings.COORDINATED_NAMING_THRESHOLD = 1000
    items = [
        report_services.IntakeItem(
            data=report_services.ReportInput(
                narrative="Перевёл деньги мошеннику.",
                region_code="KZ-75",
                transfers=(
                    report_services.TransferInput(
                        amount=Decimal(1000 + number),
                        to_account=KASPI_IBAN,
                        transferred_at=timezone.now() - timedelta(minutes=5),
                    ),
                ),
            ),
            channel="public_web",
        )
        for number in range(100)
    ]
    report_services.report_submit_many(actor=None, items=items)
    assert OutboxMessage.objects.filter(kind="hold_alert", recipient__code="KASPI").count() == 20
    assert HoldAlert.objects.filter(status=HoldAlertStatus.HELD_BACK).count() == 80


def test_the_duty_officer_sees_held_back_alerts_and_can_send_one(signed_in, submit, settings):
    settings.UNVERIFIED_ALERTS_PER_BANK_PER_HOUR = 0
    submit(to_account=KASPI_IBAN, region_code="KZ-75")
    alert = HoldAlert.objects.get()
    bob = signed_in("bob")
    page = bob.get("/inbox/held-back/")
    assert page.status_code == 200
    assert alert.report.tracking_number in page.content.decode()
    assert bob.post(f"/inbox/held-back/{alert.public_id}/release/").status_code == 302
    alert.refresh_from_db()
    assert alert.status == HoldAlertStatus.QUEUED
    assert OutboxMessage.objects.get().payload["standing"] == "unverified_report"
    assert AuditEvent.objects.filter(action="blocking.hold_alert.release").count() == 1


@pytest.mark.parametrize("persona", ["frank", "erin", "henry"])
def test_people_without_the_capability_cannot_send_a_held_back_alert(
    signed_in, submit, settings, persona
):
    settings.UNVERIFIED_ALERTS_PER_BANK_PER_HOUR = 0
    submit(to_account=KASPI_IBAN)
    alert = HoldAlert.objects.get()
    assert (
        signed_in(persona).post(f"/inbox/held-back/{alert.public_id}/release/").status_code == 403
    )
    alert.refresh_from_db()
    assert alert.status == HoldAlertStatus.HELD_BACK
    assert not OutboxMessage.objects.exists()


def test_another_regions_officer_cannot_send_a_held_back_alert(signed_in, submit, settings):
    settings.UNVERIFIED_ALERTS_PER_BANK_PER_HOUR = 0
    submit(to_account=KASPI_IBAN, region_code="KZ-75")
    alert = HoldAlert.objects.get()
    assert (
        signed_in("carol").post(f"/inbox/held-back/{alert.public_id}/release/").status_code == 404
    )
    alert.refresh_from_db()
    assert alert.status == HoldAlertStatus.HELD_BACK


def test_the_service_refuses_an_actor_without_the_capability(make_persona, submit, settings):
    from django.core.exceptions import PermissionDenied

    settings.UNVERIFIED_ALERTS_PER_BANK_PER_HOUR = 0
    submit(to_account=KASPI_IBAN)
    with pytest.raises(PermissionDenied):
        services.hold_alert_release(actor=make_persona("frank"), alert=HoldAlert.objects.get())
    assert HoldAlert.objects.get().status == HoldAlertStatus.HELD_BACK


def test_the_bank_reads_the_standing_in_its_inbox_page_and_api(
    signed_in, submit, client, api_token
):
    submit(to_account=KASPI_IBAN)
    services.outbox_deliver_due()
    with translation.override("ru"):
        page = signed_in("frank").get("/inbox/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Unconfirmed victim report" in page
    token = api_token("KASPI", scopes=("inbox:read",))
    body = client.get("/api/v1/inbox", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert body["items"][0]["standing"] == "unverified_report"
    assert PartnerInboxItem.objects.get().is_unverified


@pytest.mark.django_db(transaction=True)
def test_concurrent_unverified_reports_do_not_overshoot_the_budget(reference_data, settings):
    """Each report counted the alerts already sent before any of them wrote its own."""
    import threading
    from datetime import timedelta
    from decimal import Decimal

    from django.db import connections
    from django.utils import timezone

    from kuzet.reports import services as report_services

    settings.UNVERIFIED_ALERTS_PER_BANK_PER_HOUR = 2
    reporters = 6
    start = threading.Barrier(reporters)
    errors: list[BaseException] = []

    def report(number: int) -> None:
        try:
            data = report_services.ReportInput(
                narrative="Позвонили из «службы безопасности банка».",
                region_code="KZ-75",
                transfers=(
                    report_services.TransferInput(
                        amount=Decimal(5000 + number),
                        to_account=KASPI_IBAN,
                        transferred_at=timezone.now() - timedelta(minutes=10),
                    ),
                ),
            )
            start.wait(timeout=10)
            report_services.report_submit(actor=None, channel="public_web", data=data)
        except BaseException as error:  # noqa: BLE001 — collected and asserted below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=report, args=(number,)) for number in range(reporters)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert HoldAlert.objects.count() == reporters
    assert HoldAlert.objects.exclude(status=HoldAlertStatus.HELD_BACK).count() == 2
