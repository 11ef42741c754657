"""The auditors' page: filters that cannot be applied say why; objects found by their names."""

from __future__ import annotations

import pytest

from kuzet.accounts.models import Organisation
from kuzet.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("since=2026-13-45", "since", "Give the date as year-month-day"),
        ("until=yesterday", "until", "Give the date as year-month-day"),
        ("since=2026-03-02&until=2026-03-01", "until", "must not be before its start"),
        ("action=reports.nonsense", "action", "No action is called “reports.nonsense”"),
        ("outcome=maybe", "outcome", "Select a valid choice"),
        ("object=26-notanumber", "object", "No object has this name"),
        ("object_type=cases.case", "object_type", "Select a valid choice"),
    ],
)
def test_a_filter_that_cannot_be_applied_shows_its_error_and_no_entries(
    signed_in, submit, query, field, message
):
    submit()
    response = signed_in("erin").get(f"/audit/?{query}")
    assert response.status_code == 400
    assert message in str(response.context["form"].errors[field])
    assert 'data-testid="filter-errors"' in response.content.decode()
    assert list(response.context["page"]) == []


def test_an_htmx_filter_shows_its_errors_in_the_results(signed_in):
    response = signed_in("erin").get("/audit/?since=nonsense", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'data-testid="filter-errors"' in response.content.decode()


@pytest.mark.parametrize("action", ["reports.report.submit", "reports.report", "reports.", "read"])
def test_known_actions_and_their_starts_are_accepted(signed_in, submit, action):
    submit()
    response = signed_in("erin").get(f"/audit/?action={action}")
    assert response.status_code == 200
    assert all(event.action.startswith(action) for event in response.context["page"])


def test_an_auditor_finds_a_report_s_entries_by_its_tracking_number(signed_in, submit):
    report = submit().report
    other = submit(reporter_phone="87015556677", narrative="Другой звонок.").report
    alice = signed_in("alice")
    alice.get(f"/reports/{report.public_id}/")
    alice.get(f"/reports/{other.public_id}/")
    response = signed_in("erin").get(f"/audit/?object={report.tracking_number}")
    assert response.status_code == 200
    shown = list(response.context["page"])
    assert {(event.object_type, event.object_id) for event in shown} == {
        ("reports.report", str(report.pk))
    }
    assert {event.action for event in shown} >= {"reports.report.submit", "read"}


def test_an_auditor_finds_an_organisation_by_its_code_and_a_person_by_username(
    signed_in, make_persona
):
    frank = make_persona("frank")
    erin = signed_in("erin")
    kaspi = Organisation.objects.get(code="KASPI")
    by_code = erin.get("/audit/?object=kaspi&object_type=accounts.organisation")
    assert by_code.status_code == 200
    assert all(event.object_id == str(kaspi.pk) for event in by_code.context["page"])
    by_name = erin.get("/audit/?object=frank&object_type=accounts.user")
    assert by_name.status_code == 200
    assert [event.action for event in by_name.context["page"]] == ["accounts.user.create"]
    assert by_name.context["page"].rows[0].object_id == str(frank.pk)


def test_refusals_are_listed_by_outcome(signed_in, submit):
    report = submit().report
    signed_in("frank").get(f"/reports/{report.public_id}/")  # a bank officer: refused
    response = signed_in("erin").get("/audit/?outcome=denied")
    assert response.status_code == 200
    shown = list(response.context["page"])
    assert shown
    assert {event.outcome for event in shown} == {"denied"}
    assert AuditEvent.objects.filter(outcome="success").exists()


def test_entries_name_their_objects_as_auditors_know_them(signed_in, submit, make_persona):
    report = submit().report
    make_persona("frank")
    response = signed_in("erin").get("/audit/")
    names = {(event.object_type, event.object_name) for event in response.context["page"]}
    assert ("reports.report", report.tracking_number) in names
    assert ("accounts.user", "frank") in names
    page = response.content.decode()
    assert f"object={report.tracking_number}" in page
