"""The public form as a frightened victim meets it: errors found at once, the money first, the
tracking link delivered to their phone and recoverable, nothing that leads to the staff side."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kuzet.audit.models import AuditEvent
from kuzet.blocking.models import MessageKind, OutboxMessage
from kuzet.blocking.services import outbox_deliver_due
from kuzet.reports.models import Report, ReportAction
from kuzet.reports.tests.test_views import form_data, png_with_location

pytestmark = pytest.mark.django_db


class _Page(HTMLParser):
    """The ids on a page, the aria-describedby references, the summary's links, <title>."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.described_by: list[str] = []
        self.invalid: list[str] = []
        self.summary_links: list[str] = []
        self.title = ""
        self.links: list[str] = []
        self.checked_age: list[str] = []
        self._in_summary = False
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if "id" in found:
            self.ids.add(found["id"])
        if "aria-describedby" in found:
            self.described_by.extend(found["aria-describedby"].split())
        if found.get("aria-invalid") == "true":
            self.invalid.append(found.get("id", ""))
        if found.get("id") == "error-summary":
            self._in_summary = True
        if tag == "a":
            self.links.append(found.get("href", ""))
            if self._in_summary:
                self.summary_links.append(found.get("href", ""))
        if tag == "title":
            self._in_title = True
        if found.get("name") == "victim_age_band" and "checked" in found:
            self.checked_age.append(found.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def parsed(content: bytes) -> _Page:
    page = _Page()
    page.feed(content.decode())
    return page


def test_a_failed_submit_lists_every_error_at_the_top_with_links_to_real_fields(
    client, reference_data
):
    data = form_data(
        client,
        **{"transfers-0-amount": "", "reporter_phone": "12", "reporter_email": "not an e-mail"},
    )
    del data["victim_age_band"]
    del data["consent"]
    response = client.post("/report/", data)
    assert response.status_code == 400
    page = parsed(response.content)
    content = response.content.decode()
    # The summary is the form's first child and is focused on load (autofocus, tabindex).
    assert re.search(r'id="error-summary" tabindex="-1" autofocus', content)
    assert content.index('id="error-summary"') < content.index('id="id_transfers-0-amount"')
    assert page.summary_links == [
        "#id_transfers-0-amount",
        "#id_victim_age_band_0",
        "#id_reporter_email",
        "#id_consent",
    ]
    for link in page.summary_links:
        assert link[1:] in page.ids
    # Every field in error says so and points at its message, which exists.
    assert {"id_transfers-0-amount", "id_reporter_email", "id_consent"} <= set(page.invalid)
    assert page.described_by
    for reference in page.described_by:
        assert reference in page.ids, reference
    assert "id_victim_age_band_error" in page.ids


def test_the_service_errors_join_the_summary(client, reference_data):
    response = client.post("/report/", form_data(client, reporter_phone="12"))
    assert response.status_code == 400
    page = parsed(response.content)
    assert page.summary_links == ["#id_reporter_phone"]
    assert 'aria-describedby="id_reporter_phone_error"' in response.content.decode()


def test_the_age_band_is_never_chosen_for_the_victim(client, reference_data):
    page = parsed(client.get("/report/").content)
    assert page.checked_age == []
    assert "id_victim_age_band_5" in page.ids  # "Prefer not to say" stays a choice
    data = form_data(client)
    del data["victim_age_band"]
    assert client.post("/report/", data).status_code == 400
    assert not Report.objects.exists()
    assert client.post("/report/", form_data(client)).status_code == 302
    assert Report.objects.get().victim_age_band == "60_plus"


def test_the_money_comes_first_and_one_transfer_is_shown(client, reference_data):
    content = client.get("/report/").content.decode()
    assert content.index("id_transfers-0-transferred_at") < content.index("id_victim_age_band_0")
    assert content.index("id_transfers-0-amount") < content.index("id_scheme_0")
    assert content.index("id_transfers-0-to_account") < content.index("id_narrative")
    # Block 1 open; the next ones each behind an "add another transfer" that needs no script.
    assert content.count('<details class="more-transfer"') == 4
    assert 'id="transfers-1-block">' in content  # closed: no "open"
    assert 'name="transfers-TOTAL_FORMS" value="5"' in content


@pytest.mark.parametrize("total", ["1", "3", "7"])
def test_any_number_of_transfer_blocks_is_accepted(client, reference_data, total):
    data = form_data(client, **{"transfers-TOTAL_FORMS": total})
    if total == "7":
        data |= {"transfers-6-amount": "1000", "transfers-6-to_account": "+7 701 555 11 22"}
    response = client.post("/report/", data)
    assert response.status_code == 302
    assert Report.objects.get().transfers.count() == (2 if total == "7" else 1)


def test_a_second_transfer_with_a_mistake_opens_its_block(client, reference_data):
    data = form_data(client, **{"transfers-1-to_account": "KZ72722S000000000001"})
    response = client.post("/report/", data)
    assert response.status_code == 400
    content = response.content.decode()
    assert 'id="transfers-1-block" open' in content
    assert parsed(response.content).summary_links == ["#id_transfers-1-amount"]


def test_the_attachments_are_listed_on_the_tracking_page_not_in_its_title(
    client, reference_data, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    data = form_data(client)
    data["attachments"] = [SimpleUploadedFile("screen.png", png_with_location())]
    location = client.post("/report/", data)["Location"]
    page = client.get(location.replace("/receipt/", "/track/"))
    found = parsed(page.content)
    assert "screen.png" not in found.title
    assert found.title.strip() == "My report · kuzet"
    assert "files-title" in found.ids
    body = page.content.decode().split("</title>", 1)[1]
    assert "screen.png" in body


@pytest.mark.parametrize(
    "path", ["/report/", "/report/recover/", "receipt", "track", "/report/?broken=1"]
)
def test_public_pages_do_not_lead_to_the_staff_sign_in(client, reference_data, path):
    if path in {"receipt", "track"}:
        location = client.post("/report/", form_data(client))["Location"]
        path = location if path == "receipt" else location.replace("/receipt/", "/track/")
    page = parsed(client.get(path).content)
    assert "/accounts/login/" not in page.links
    assert "/" not in page.links  # the staff home page sends a stranger to the sign-in


# ---------------------------------------------------------------- the tracking link


def _notifications() -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(kind=MessageKind.REPORTER_NOTIFICATION).order_by("id"))


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("kk", "арызы алынды"),
        ("ru", "получено"),
        ("en", "received"),
    ],
)
def test_a_victim_who_gave_a_phone_gets_the_tracking_link_in_their_language(
    client, reference_data, language, words
):
    client.post("/i18n/setlang/", {"language": language, "next": "/report/"})
    response = client.post("/report/", form_data(client))
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.language == language
    (message,) = _notifications()
    assert message.recipient is None
    assert message.payload["phone"] == "+77015556677"
    assert message.payload["language"] == language
    assert report.tracking_number in message.payload["text"]
    assert words in message.payload["text"]
    link = re.search(r"https?://testserver(/report/track/\S+/)", message.payload["text"]).group(1)
    assert response["Location"].replace("/receipt/", "/track/") == link
    assert client.get(link).status_code == 200
    assert 'data-testid="link-sent"' in client.get(response["Location"]).content.decode()
    assert AuditEvent.objects.filter(action=ReportAction.TRACKING_LINK_SEND).count() == 1


def test_no_contact_no_message(client, reference_data):
    client.post("/report/", form_data(client, reporter_phone=""))
    assert _notifications() == []


def test_the_outbox_forgets_the_secret_once_the_message_is_delivered(client, reference_data):
    location = client.post("/report/", form_data(client))["Location"]
    secret = location.rstrip("/").rsplit("/", 1)[1]
    assert secret in _notifications()[0].payload["text"]
    assert outbox_deliver_due() >= 1
    (message,) = _notifications()
    assert message.delivered_at is not None
    assert secret not in str(message.payload)
    assert "[…]" in message.payload["text"]
    assert "text_after_delivery" not in message.payload


def _recover(client, number: str, contact: str):
    return client.post("/report/recover/", {"tracking_number": number, "contact": contact})


def test_a_lost_link_is_sent_again_with_a_new_secret_never_shown(client, reference_data):
    client.post("/i18n/setlang/", {"language": "kk", "next": "/report/"})
    old = client.post("/report/", form_data(client))["Location"].replace("/receipt/", "/track/")
    report = Report.objects.get()
    client.post("/i18n/setlang/", {"language": "en", "next": "/report/"})
    answer = _recover(client, report.tracking_number, "8 701 555 66 77")
    assert answer.status_code == 200
    assert "/report/track/" not in answer.content.decode()
    sent = _notifications()[-1]
    assert sent.payload["language"] == "kk"  # the reporter's language, not the asker's
    assert "жаңа сілтеме" in sent.payload["text"]
    new = re.search(r"https?://testserver(/report/track/\S+/)", sent.payload["text"]).group(1)
    assert new != old
    assert client.get(new).status_code == 200
    assert client.get(old).status_code == 404
    event = AuditEvent.objects.get(action=ReportAction.TRACKING_LINK_RECOVER)
    assert event.object_id == str(report.pk)


@pytest.mark.parametrize(
    ("number", "contact"),
    [("own", "+7 702 000 00 00"), ("26-9999999", "87015556677"), ("own", "a@example.org")],
)
def test_a_wrong_number_or_contact_gets_the_same_answer_and_changes_nothing(
    client, reference_data, number, contact
):
    client.post("/report/", form_data(client))
    report = Report.objects.get()
    digest = report.tracking_secret_digest
    right = _recover(client, report.tracking_number, "87015556677").content.decode()
    report.refresh_from_db()
    digest = report.tracking_secret_digest
    before = len(_notifications())
    wrong = _recover(client, report.tracking_number if number == "own" else number, contact)
    assert wrong.status_code == 200
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert strip.sub("", wrong.content.decode()) == strip.sub("", right)
    report.refresh_from_db()
    assert report.tracking_secret_digest == digest
    assert len(_notifications()) == before


def test_recovery_is_rate_limited(client, reference_data):
    client.post("/report/", form_data(client))
    report = Report.objects.get()
    answers = [
        _recover(client, report.tracking_number, "87015556677").status_code for _ in range(4)
    ]
    assert answers == [200, 200, 200, 200]
    assert len(_notifications()) == 1 + 3  # the report's own link, then three a day at most
    statuses = [_recover(client, "26-0000001", "x@example.org").status_code for _ in range(7)]
    assert statuses[-1] == 429
