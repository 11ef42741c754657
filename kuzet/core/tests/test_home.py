"""The home page shows each role the work waiting for it, each kind a count linking to its list,
and each list, followed from there, shows exactly what was counted."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kuzet.audit.services import SystemActor
from kuzet.blocking import services as blocking_services
from kuzet.blocking.models import HoldAlert, HoldAlertStatus, PartnerInboxItem
from kuzet.reports import services as report_services

pytestmark = pytest.mark.django_db

KASPI_IBAN = "KZ72722S000000000001"


def work(response):
    """The home page's items as {key: (count, url)}."""
    return {
        item.key: (item.count.value if item.count.is_exact else None, item.url)
        for item in response.context["work"]
    }


def listed(browser, url):
    """Tracking numbers a list page shows."""
    response = browser.get(url)
    assert response.status_code == 200
    return [report.tracking_number for report in response.context["page"]]


def received_hours_ago(hours, region_code="KZ-75"):
    item = report_services.IntakeItem(
        data=report_services.ReportInput(narrative="Звонок из «банка».", region_code=region_code),
        channel="public_web",
        received_at=timezone.now() - timedelta(hours=hours),
    )
    (outcome,) = report_services.report_submit_many(actor=SystemActor("test"), items=[item])
    return outcome.report


def test_an_investigator_sees_her_department_s_waiting_work_and_each_list_matches(
    signed_in, submit
):
    fresh = submit(to_account=KASPI_IBAN).report  # golden hour, an alert to Kaspi
    due_soon = received_hours_ago(22)
    overdue = received_hours_ago(25)
    received_hours_ago(22, region_code="KZ-71")  # Astana's, not Almaty's
    alice = signed_in("alice")
    items = work(alice.get("/"))
    assert {key: count for key, (count, _url) in items.items()} == {
        "urgent": 1,
        "due-soon": 1,
        "overdue": 1,
        "alerts-waiting": 1,
        "held-back": 0,
    }
    assert listed(alice, items["urgent"][1]) == [fresh.tracking_number]
    assert listed(alice, items["due-soon"][1]) == [due_soon.tracking_number]
    assert listed(alice, items["overdue"][1]) == [overdue.tracking_number]
    assert listed(alice, items["alerts-waiting"][1]) == [fresh.tracking_number]


def test_an_acknowledged_alert_no_longer_waits(signed_in, submit):
    submit(to_account=KASPI_IBAN)
    blocking_services.outbox_deliver_due()
    frank = signed_in("frank")
    assert work(frank.get("/"))["inbox-waiting"][0] == 1
    item = PartnerInboxItem.objects.get()
    frank.post(f"/inbox/{item.message_id}/acknowledge/")
    assert work(frank.get("/"))["inbox-waiting"][0] == 0
    assert work(signed_in("alice").get("/"))["alerts-waiting"][0] == 0


def test_the_bank_officer_s_waiting_list_is_oldest_first(signed_in, submit):
    first = submit(to_account=KASPI_IBAN, amount="100000").report
    second = submit(
        to_account=KASPI_IBAN, amount="200000", reporter_phone="87015556677", minutes_ago=20
    ).report
    blocking_services.outbox_deliver_due()
    frank = signed_in("frank")
    items = work(frank.get("/"))
    assert set(items) == {"inbox-waiting"}
    response = frank.get(items["inbox-waiting"][1])
    assert [item.payload["report"] for item in response.context["page"]] == [
        first.tracking_number,
        second.tracking_number,
    ]


def test_the_duty_officer_sees_held_back_alerts(signed_in, submit):
    submit(to_account=KASPI_IBAN)
    HoldAlert.objects.update(status=HoldAlertStatus.HELD_BACK)
    bob = signed_in("bob")
    items = work(bob.get("/"))
    assert items["held-back"][0] == 1
    assert items["alerts-waiting"][0] == 0
    assert len(bob.get(items["held-back"][1]).context["page"]) == 1


def test_the_auditor_sees_refusals_since_yesterday(signed_in, submit):
    report = submit().report
    signed_in("frank").get(f"/reports/{report.public_id}/")  # refused: a bank officer
    erin = signed_in("erin")
    items = work(erin.get("/"))
    assert set(items) == {"refusals", "failures"}
    assert items["refusals"][0] == 1
    response = erin.get(items["refusals"][1])
    assert response.status_code == 200
    assert [event.outcome for event in response.context["page"]] == ["denied"]


def test_the_home_page_lists_no_people_and_the_administrator_finds_them_one_click_away(
    signed_in, make_persona
):
    make_persona("bob")
    alice_home = signed_in("alice").get("/").content.decode()
    assert "bob" not in alice_home
    admin_home = signed_in("admin").get("/")
    links = [str(link["url"]) for link in admin_home.context["links"]]
    assert "/accounts/organisations/DCC/" in links
    assert admin_home.context["work"] == []


def test_a_count_stops_at_its_cap(signed_in, submit, monkeypatch):
    monkeypatch.setattr("kuzet.reports.worklists.MAXIMUM_WORK_COUNT", 1)
    submit(to_account=KASPI_IBAN)
    submit(to_account=KASPI_IBAN, reporter_phone="87015556677", amount="90000")
    page = signed_in("alice").get("/")
    assert work(page)["urgent"][0] is None
    assert "more than 1" in page.content.decode()
