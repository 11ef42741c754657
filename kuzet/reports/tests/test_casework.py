"""An officer's action pressed twice does its work once; replies go in the reporter's language."""

from __future__ import annotations

import pytest

from kuzet.audit.models import AuditEvent
from kuzet.blocking.models import OutboxMessage
from kuzet.reports import services
from kuzet.reports.models import ReportStatus, StatusChange

pytestmark = pytest.mark.django_db


def _trail(report):
    """What an action leaves behind: history lines, messages to the reporter, audit entries."""
    return (
        StatusChange.objects.filter(report=report).count(),
        OutboxMessage.objects.filter(kind="reporter_notification").count(),
        AuditEvent.objects.filter(object_type="reports.report", object_id=str(report.pk))
        .exclude(action="read")
        .count(),
    )


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("bob", ReportStatus.UNDER_REVIEW),  # the duty officer's one status change
        ("alice", ReportStatus.UNDER_REVIEW),
        ("alice", ReportStatus.NEEDS_CLARIFICATION),
        ("alice", ReportStatus.REJECTED),
        ("alice", ReportStatus.CLOSED),
    ],
)
def test_a_status_asked_for_twice_changes_the_report_once(submit, make_persona, persona, status):
    officer = make_persona(persona)
    report = submit(reporter_phone="87015556677").report
    first = services.report_change_status(actor=officer, report=report, status=status)
    after_first = _trail(report)
    second = services.report_change_status(actor=officer, report=report, status=status)
    assert first.is_changed is True
    assert second.is_changed is False
    assert second.report.status == status
    assert _trail(report) == after_first
    assert after_first[1] == 1  # one SMS to the reporter, not two


def test_registering_twice_with_the_same_number_registers_once(submit, make_persona):
    alice = make_persona("alice")
    report = submit(reporter_phone="87015556677").report
    first = services.report_register(actor=alice, report=report, erdr_number="267500031000123")
    after_first = _trail(report)
    second = services.report_register(actor=alice, report=report, erdr_number="267500031000123")
    assert (first.is_changed, second.is_changed) == (True, False)
    assert _trail(report) == after_first
    corrected = services.report_register(actor=alice, report=report, erdr_number="267500031000124")
    assert corrected.is_changed is True
    corrected.report.refresh_from_db()
    assert corrected.report.erdr_number == "267500031000124"


def test_pressing_take_for_review_twice_in_the_page_says_nothing_changed(submit, signed_in):
    report = submit(reporter_phone="87015556677").report
    browser = signed_in("bob")
    url = f"/reports/{report.public_id}/"
    assert browser.post(url, {"action": "under_review"}).status_code == 302
    response = browser.post(url, {"action": "under_review"}, follow=True)
    assert response.status_code == 200
    assert "already “Under review”: nothing changed" in response.content.decode()
    assert StatusChange.objects.filter(report=report, status="under_review").count() == 1
    assert OutboxMessage.objects.filter(kind="reporter_notification").count() == 1


def test_the_reply_notice_goes_in_the_reporter_s_language_unless_the_officer_chooses(
    submit, make_persona
):
    alice = make_persona("alice")
    report = submit(reporter_phone="87015556677", language="kk").report
    services.report_message_reporter(actor=alice, report=report, body="Келіңіз")
    services.report_message_reporter(actor=alice, report=report, body="Приходите", language="ru")
    languages = [
        message.payload["language"]
        for message in OutboxMessage.objects.filter(kind="reporter_notification").order_by("id")
    ]
    assert languages == ["kk", "ru"]


def test_the_report_page_shows_the_reporter_s_language_and_defaults_the_reply_to_it(
    submit, signed_in
):
    report = submit(language="kk").report
    page = signed_in("alice").get(f"/reports/{report.public_id}/").content.decode()
    assert 'data-testid="reporter-language">Kazakh<' in page
    assert '<option value="kk" selected>' in page
    assert 'lang="kk"' in page
