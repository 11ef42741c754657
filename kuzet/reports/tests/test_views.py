"""Public form, receipt, tracking; staff intake, queue, report detail, attachments."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from kuzet.audit.models import AuditEvent
from kuzet.reports.models import Attachment, Report, ReportStatus

pytestmark = pytest.mark.django_db

KASPI_IBAN = "KZ72722S000000000001"


def form_data(client: Client, path: str = "/report/", **changes: str) -> dict[str, str]:
    page = client.get(path).content.decode()
    key = re.search(r'name="submission_key" value="([0-9a-f]+)"', page)
    data = {
        "submission_key": key.group(1) if key else "",
        "is_on_behalf": "0",
        "scheme": "fake_bank_security",
        "victim_age_band": "60_plus",
        "region_code": "KZ-71",
        "transfers-TOTAL_FORMS": "3",
        "transfers-INITIAL_FORMS": "0",
        "transfers-MIN_NUM_FORMS": "0",
        "transfers-MAX_NUM_FORMS": "10",
        "transfers-0-amount": "250000",
        "transfers-0-currency": "KZT",
        "transfers-0-to_account": KASPI_IBAN,
        "suspect_identifiers": "+7 701 111 22 33",
        "narrative": "Позвонили из банка, сказали перевести на безопасный счёт.",
        "reporter_phone": "87015556677",
        "consent": "on",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("language", "title"),
    [
        ("kk", "Алаяқтық туралы арыз беру"),
        ("ru", "Сообщить о мошенничестве"),
        ("en", "Report a fraud"),
    ],
)
def test_public_form_speaks_three_languages(client, reference_data, language, title):
    client.post("/i18n/setlang/", {"language": language, "next": "/report/"})
    page = client.get("/report/")
    assert page.status_code == 200
    assert title in page.content.decode()


def test_a_citizen_reports_and_follows_the_report(client, reference_data):
    response = client.post("/report/", form_data(client))
    assert response.status_code == 302
    receipt = client.get(response["Location"])
    assert receipt.status_code == 200
    report = Report.objects.get()
    assert report.tracking_number in receipt.content.decode()
    assert report.channel == "public_web"
    assert report.department.code == "DP-KZ-71"
    track_url = re.search(
        r'data-testid="tracking-link">[^<]*?(/report/track/[^<"]+)<', receipt.content.decode()
    ).group(1)
    tracking = client.get(track_url)
    assert tracking.status_code == 200
    assert "Submitted" in tracking.content.decode()
    added = client.post(track_url, {"body": "Ещё звонили с +7 705 999 88 77"})
    assert added.status_code == 302
    assert report.messages.get().body.startswith("Ещё звонили")


def test_a_double_clicked_submit_makes_one_report(client, reference_data):
    data = form_data(client)
    first = client.post("/report/", data)
    second = client.post("/report/", data)
    assert first.status_code == 302
    assert second.status_code == 200
    assert "We already have this report" in second.content.decode()
    assert Report.objects.get().tracking_number in second.content.decode()
    assert Report.objects.count() == 1


def test_a_wrong_secret_is_404(client, reference_data):
    location = client.post("/report/", form_data(client))["Location"]
    number = location.split("/")[3]
    assert client.get(f"/report/track/{number}/{'0' * 32}/").status_code == 404
    assert client.get("/report/track/nope/nope/").status_code == 404


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"consent": ""}, "Tick the box to confirm before sending."),
        ({"transfers-0-to_account": "hello"}, "Give the receiving IBAN"),
        ({"transfers-0-amount": "-3"}, "greater than or equal to 0.01"),
        ({"transfers-0-amount": ""}, "Give the amount that was sent."),
        ({"reporter_phone": "123"}, "A Kazakh phone number has 10 digits after +7 or 8"),
        ({"transfers-TOTAL_FORMS": "5000"}, "Please submit at most 10 forms."),
        ({"region_code": "KZ-ALA"}, "Select a valid choice."),
        ({"suspect_identifiers": "nothing useful"}, "We could not read"),
    ],
)
def test_bad_input_is_shown_on_the_field_and_saves_nothing(
    client, reference_data, changes, message
):
    response = client.post("/report/", form_data(client, **changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Report.objects.count() == 0


def test_the_form_shows_the_identifiers_it_found(client, reference_data):
    fragment = client.post(
        "/report/identifiers/",
        {"suspect_identifiers": "звонили 8 701 234 56 78, сайт kaspi-bonus.kz"},
    ).content.decode()
    assert "+77012345678" in fragment
    assert "kaspi-bonus.kz" in fragment


def png_with_location() -> bytes:
    image = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (43.0, 15.0, 0.0)}
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", exif=exif)
    return buffer.getvalue()


def test_attachments_are_kept_by_hash_and_downloaded_as_files(
    client, reference_data, signed_in, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    data = form_data(client)
    data["attachments"] = [
        SimpleUploadedFile("screen shot.png", png_with_location(), content_type="image/png")
    ]
    assert client.post("/report/", data).status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.content_type == "image/png"
    assert attachment.has_preview is True
    report = attachment.report
    download = signed_in("carol").get(f"/reports/{report.public_id}/attachments/{attachment.pk}/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("virus.exe", b"MZ\x90\x00" + b"\x00" * 100),
        ("page.png", b"<html><script>alert(1)</script>"),
        ("archive.zip", b"PK\x03\x04" + b"\x00" * 100),
    ],
)
def test_dangerous_attachments_are_refused_and_nothing_is_saved(
    client, reference_data, name, content
):
    data = form_data(client)
    data["attachments"] = [SimpleUploadedFile(name, content)]
    response = client.post("/report/", data)
    assert response.status_code == 400
    assert Report.objects.count() == 0


def test_duty_officer_records_a_report_into_their_queue(signed_in):
    bob = signed_in("bob")
    response = bob.post("/reports/new/", form_data(bob, "/reports/new/", region_code="KZ-75"))
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.channel == "staff"
    assert report.department.code == "DP-KZ-75"
    queue = bob.get("/reports/").content.decode()
    assert report.tracking_number in queue


def test_queues_are_separate_per_department(signed_in, submit):
    almaty = submit(region_code="KZ-75").report
    astana = submit(region_code="KZ-71", to_account="+77011234567").report
    alice_queue = signed_in("alice").get("/reports/").content.decode()
    assert almaty.tracking_number in alice_queue
    assert astana.tracking_number not in alice_queue
    assert signed_in("carol").get(f"/reports/{almaty.public_id}/").status_code == 404
    assert signed_in("alice").get(f"/reports/{almaty.public_id}/").status_code == 200
    dave_queue = signed_in("dave").get("/reports/").content.decode()
    assert almaty.tracking_number in dave_queue
    assert astana.tracking_number in dave_queue


@pytest.mark.parametrize(
    ("persona", "expected"), [("frank", 403), ("henry", 403), ("erin", 403), ("admin", 403)]
)
def test_partners_auditors_and_administrators_have_no_queue(signed_in, persona, expected):
    assert signed_in(persona).get("/reports/").status_code == expected
    assert signed_in(persona).get("/reports/new/").status_code == expected


def test_golden_hour_reports_lead_the_queue(signed_in, submit):
    late = submit(minutes_ago=600, amount="9000000").report
    golden = submit(minutes_ago=5, amount="1000", to_account=KASPI_IBAN).report
    queue = signed_in("alice").get("/reports/").content.decode()
    assert queue.index(golden.tracking_number) < queue.index(late.tracking_number)


def test_reading_a_report_is_audited_with_its_purpose(signed_in, submit):
    report = submit().report
    signed_in("alice").get(f"/reports/{report.public_id}/")
    event = AuditEvent.objects.get(action="read", object_id=str(report.pk))
    assert event.purpose == "case work: report review"
    assert event.actor_label == "alice"


def test_investigator_registers_the_report(signed_in, submit):
    report = submit().report
    alice = signed_in("alice")
    response = alice.post(
        f"/reports/{report.public_id}/", {"action": "register", "erdr_number": "267500031000123"}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.REGISTERED
    bad = alice.post(
        f"/reports/{report.public_id}/", {"action": "register", "erdr_number": "<script>"}
    )
    assert bad.status_code == 400


def test_another_department_cannot_act_on_a_report(signed_in, submit):
    report = submit(region_code="KZ-75").report
    response = signed_in("carol").post(f"/reports/{report.public_id}/", {"action": "rejected"})
    assert response.status_code == 404
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_a_second_form_about_the_same_transfer_joins_the_first_report(client, reference_data):
    client.post("/report/", form_data(client))
    again = client.post("/report/", form_data(client, narrative="Это снова я, забыла добавить."))
    assert again.status_code == 200
    assert "Your report was received" in again.content.decode()
    report = Report.objects.get()
    assert [source.narrative for source in report.sources.all()][
        1
    ] == "Это снова я, забыла добавить."


def test_the_reporter_adds_a_screenshot_later(client, reference_data, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    location = client.post("/report/", form_data(client))["Location"]
    track = location.replace("/receipt/", "/track/")
    added = client.post(
        track,
        {"body": "", "attachments": [SimpleUploadedFile("later.png", png_with_location())]},
    )
    assert added.status_code == 302
    assert Report.objects.get().attachments.get().safe_name == "later.png"
    empty = client.post(track, {"body": ""})
    assert empty.status_code == 400


def test_a_flagged_report_names_its_flags_in_words_on_the_staff_pages(signed_in, submit):
    report = submit(minutes_ago=None, narrative="Номер: +７ ７０１ ２３４ ５６ ７８").report
    alice = signed_in("alice")
    alice.post("/i18n/setlang/", {"language": "en", "next": "/reports/"})
    for page in (alice.get(f"/reports/{report.public_id}/"), alice.get("/reports/")):
        text = page.content.decode()
        assert "Disguised identifier" in text
        assert "suspicious_identifier" not in text


def test_officers_see_an_attachments_warnings_and_its_preview_without_metadata(
    client, reference_data, signed_in, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    original = png_with_location() + b"<script>alert(1)</script>"
    data = form_data(client)
    data["attachments"] = [SimpleUploadedFile("screen.jpg", original, content_type="image/jpeg")]
    assert client.post("/report/", data).status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.warnings == ["extension_corrected", "embedded_markup"]
    carol = signed_in("carol")
    carol.post("/i18n/setlang/", {"language": "en", "next": "/reports/"})
    report_page = f"/reports/{attachment.report.public_id}/"
    page = carol.get(report_page).content.decode()
    assert "Its name gave another image type" in page
    assert "It also contains web page code or a script" in page
    preview = carol.get(f"{report_page}attachments/{attachment.pk}/preview/")
    assert preview.status_code == 200
    assert preview["Content-Type"] == "image/png"
    assert preview["X-Content-Type-Options"] == "nosniff"
    pixels = b"".join(preview.streaming_content)
    assert b"<script" not in pixels
    assert dict(Image.open(io.BytesIO(pixels)).getexif()) == {}
    assert f'href="{report_page}attachments/{attachment.pk}/preview/"' in page
    reads = AuditEvent.objects.filter(action="read", object_type="reports.attachment")
    assert reads.get().purpose == "case work: evidence"
    # Almaty's officer cannot see an Astana report's evidence, not even its preview.
    other = signed_in("alice").get(f"{report_page}attachments/{attachment.pk}/preview/")
    assert other.status_code == 404
