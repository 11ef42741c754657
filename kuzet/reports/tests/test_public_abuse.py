"""The public form under abuse: replayed keys, merges, floods from one address, the challenge."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
import time_machine
from captcha.models import CaptchaStore
from django.test import Client
from django.utils import timezone

from kuzet.reports.models import Report
from kuzet.reports.tests.test_views import KASPI_IBAN, form_data

pytestmark = pytest.mark.django_db


def secret_in(location: str) -> str:
    return location.rstrip("/").split("/")[-1]


def test_a_replayed_submission_key_from_another_client_learns_nothing(client, reference_data):
    data = form_data(client)
    first = client.post("/report/", data)
    secret = secret_in(first["Location"])
    report = Report.objects.get()
    stranger = Client()
    replayed = stranger.post("/report/", data)
    page = replayed.content.decode()
    assert replayed.status_code == 200
    assert "We already have this report" in page
    assert secret not in page
    assert report.tracking_number not in page
    assert not replayed.has_header("Location")


def test_the_submission_key_is_stored_only_as_a_digest(client, reference_data):
    data = form_data(client)
    client.post("/report/", data)
    stored = Report.objects.get().submission_key
    assert stored is not None
    assert data["submission_key"] not in stored
    assert len(stored) == 64


def test_the_tracking_secret_does_not_derive_from_the_submission_key(client, reference_data):
    """The secret was an HMAC of the key: anyone who saw the key could rebuild the link."""
    data = form_data(client)
    first_secret = secret_in(client.post("/report/", data)["Location"])
    Report.objects.all().delete()
    second_secret = secret_in(Client().post("/report/", data)["Location"])
    assert first_secret != second_secret
    assert Report.objects.get().tracking_secret_digest == Report.digest_secret(second_secret)


def test_a_citizen_whose_report_merged_into_a_banks_report_sees_only_their_receipt(
    client, reference_data, api_token
):
    transferred = (timezone.now() - timedelta(minutes=20)).isoformat()
    token = api_token("HALYK", scopes=("reports:write", "reports:read"))
    bank = client.post(
        "/api/v1/reports",
        json.dumps(
            {
                "external_reference": "HALYK-9",
                "narrative": "Клиент сообщил о мошенничестве.",
                "region": "KZ-71",
                "transfers": [
                    {"amount": "250000", "to_account": KASPI_IBAN, "transferred_at": transferred}
                ],
            }
        ),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    bank_report = Report.objects.get()
    citizen = Client()
    data = form_data(citizen)
    data["transfers-0-transferred_at"] = timezone.localtime(
        timezone.now() - timedelta(minutes=20)
    ).strftime("%Y-%m-%dT%H:%M")
    response = citizen.post("/report/", data)
    page = response.content.decode()
    assert bank.status_code == 201
    assert response.status_code == 200
    assert "Your report was received" in page
    assert bank_report.tracking_number not in page
    assert str(bank_report.public_id) not in page
    assert bank_report.department.name not in page
    assert Report.objects.count() == 1
    assert bank_report.sources.count() == 2


@pytest.fixture
def low_thresholds(settings):
    """Low thresholds, and a clock standing at the start of an hour: the windows are aligned
    to the clock, so no test may straddle a window's end."""
    settings.PUBLIC_FORM_CHALLENGE_PER_HOUR = 2
    settings.PUBLIC_FORM_REFUSE_PER_HOUR = 5
    start = timezone.now().replace(minute=0, second=0, microsecond=0)
    with time_machine.travel(start, tick=False):
        yield


def a_new_transfer(client: Client, number: int) -> dict[str, str]:
    return form_data(client, **{"transfers-0-amount": str(1000 + number)})


def test_below_the_threshold_no_challenge_is_asked(client, reference_data, low_thresholds):
    assert "id_challenge" not in client.get("/report/").content.decode()
    for number in range(2):
        assert client.post("/report/", a_new_transfer(client, number)).status_code == 302
    assert Report.objects.count() == 2


def test_above_the_threshold_the_form_needs_the_challenge(client, reference_data, low_thresholds):
    for number in range(2):
        client.post("/report/", a_new_transfer(client, number))
    page = client.get("/report/").content.decode()
    assert 'name="challenge_1"' in page
    refused = client.post("/report/", a_new_transfer(client, 3))
    assert refused.status_code == 400
    assert "This field is required" in refused.content.decode()
    assert Report.objects.count() == 2


def test_solving_the_challenge_sends_the_report(client, reference_data, low_thresholds):
    for number in range(2):
        client.post("/report/", a_new_transfer(client, number))
    data = a_new_transfer(client, 3)
    page = client.get("/report/").content.decode()
    hashkey = re.search(r'name="challenge_0" value="([0-9a-f]+)"', page).group(1)
    answer = CaptchaStore.objects.get(hashkey=hashkey).response
    data.update({"challenge_0": hashkey, "challenge_1": answer})
    assert client.post("/report/", data).status_code == 302
    assert Report.objects.count() == 3


def test_a_wrong_answer_is_refused(client, reference_data, low_thresholds):
    for number in range(2):
        client.post("/report/", a_new_transfer(client, number))
    data = a_new_transfer(client, 3)
    page = client.get("/report/").content.decode()
    hashkey = re.search(r'name="challenge_0" value="([0-9a-f]+)"', page).group(1)
    data.update({"challenge_0": hashkey, "challenge_1": "wrong"})
    response = client.post("/report/", data)
    assert response.status_code == 400
    assert "That did not match the picture" in response.content.decode()
    assert Report.objects.count() == 2


def test_far_above_the_threshold_the_address_waits_with_retry_after(
    client, reference_data, low_thresholds
):
    for number in range(5):
        client.post("/report/", a_new_transfer(client, number))
    refused = client.post("/report/", a_new_transfer(client, 9))
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 3600
    assert "call 102" in refused.content.decode()


def test_another_address_is_not_affected(client, reference_data, low_thresholds):
    for number in range(6):
        client.post("/report/", a_new_transfer(client, number))
    other = Client(REMOTE_ADDR="198.51.100.44")
    assert "challenge_1" not in other.get("/report/").content.decode()
    assert other.post("/report/", a_new_transfer(other, 20)).status_code == 302


def test_the_tracking_page_counts_writes_too(client, reference_data, low_thresholds):
    location = client.post("/report/", a_new_transfer(client, 0))["Location"]
    track = location.replace("/receipt/", "/track/")
    for _ in range(4):
        client.post(track, {"body": "Ещё одна деталь."})
    refused = client.post(track, {"body": "Ещё одна деталь."})
    assert refused.status_code == 429
    assert refused.has_header("Retry-After")


def test_the_challenge_picture_is_drawn_by_kuzet_itself(client, reference_data):
    hashkey = CaptchaStore.generate_key()
    picture = client.get(f"/captcha/image/{hashkey}/")
    assert picture.status_code == 200
    assert picture["Content-Type"] == "image/png"
