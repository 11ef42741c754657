"""Sign-in, lockout, sessions and bad input to the sign-in pages."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from kuzet.accounts.models import User
from kuzet.audit.models import AuditEvent
from kuzet.audit.services import SystemActor
from kuzet.testing import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

GENERIC = "The username, password or code is not right"


def current_code(user: User) -> str:
    device = TOTPDevice.objects.get(user=user)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def without_tokens(response: object, username: str) -> str:
    body = response.content.decode()  # type: ignore[attr-defined]
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
    return body.replace(f'value="{username}"', "")


def sign_in(client: Client, username: str, password: str, code: str | None) -> object:
    client.post("/accounts/login/", {"username": username, "password": password})
    if code is None:
        return None
    return client.post("/accounts/login/code/", {"code": code})


def test_two_step_sign_in_reaches_home(make_persona):
    alice = make_persona("alice")
    client = Client()
    first = client.post("/accounts/login/", {"username": "alice", "password": DEMO_PASSWORD})
    assert first.status_code == 302
    assert first["Location"] == "/accounts/login/code/"
    assert client.get("/").status_code == 302  # not signed in after the password alone
    second = client.post("/accounts/login/code/", {"code": current_code(alice)})
    assert second.status_code == 302
    home = client.get("/")
    assert home.status_code == 200
    assert "DP-KZ-75" in home.content.decode()
    assert AuditEvent.objects.filter(action="accounts.login", actor_user=alice).count() == 1


def test_password_alone_never_signs_in(make_persona):
    make_persona("alice")
    client = Client()
    client.post("/accounts/login/", {"username": "alice", "password": DEMO_PASSWORD})
    response = client.get("/accounts/organisations/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("username", "password"),
    [("alice", "wrong-password"), ("nobody", DEMO_PASSWORD), ("", ""), ("alice", "")],
)
def test_failed_password_answers_one_generic_message(make_persona, username, password):
    make_persona("alice")
    response = Client().post("/accounts/login/", {"username": username, "password": password})
    assert response.status_code == 400
    body = response.content.decode()
    assert GENERIC in body or "This field is required" in body


def test_unknown_and_wrong_password_answers_are_identical(make_persona):
    make_persona("alice")
    wrong = Client().post("/accounts/login/", {"username": "alice", "password": "nope-nope-nope"})
    unknown = Client().post("/accounts/login/", {"username": "zed", "password": "nope-nope-nope"})
    assert wrong.status_code == unknown.status_code == 400
    assert without_tokens(wrong, "alice") == without_tokens(unknown, "zed")


def test_five_failures_lock_the_account_for_ten_minutes(make_persona):
    alice = make_persona("alice")
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _attempt in range(5):
            Client().post("/accounts/login/", {"username": "alice", "password": "wrong-password"})
        alice.refresh_from_db()
        assert alice.locked_until is not None
        locked_client = Client()
        response = locked_client.post(
            "/accounts/login/", {"username": "alice", "password": DEMO_PASSWORD}
        )
        assert response.status_code == 400
        assert GENERIC in response.content.decode()
        traveller.shift(timedelta(minutes=9))
        still = Client().post("/accounts/login/", {"username": "alice", "password": DEMO_PASSWORD})
        assert still.status_code == 400
        traveller.shift(timedelta(minutes=1, seconds=1))
        client = Client()
        sign_in(client, "alice", DEMO_PASSWORD, current_code(alice))
        assert client.get("/").status_code == 200
    assert (
        AuditEvent.objects.filter(action="accounts.login.locked", object_id=str(alice.pk)).count()
        == 1
    )


def test_wrong_codes_count_towards_the_lockout(make_persona):
    alice = make_persona("alice")
    for _attempt in range(5):
        client = Client()
        client.post("/accounts/login/", {"username": "alice", "password": DEMO_PASSWORD})
        response = client.post("/accounts/login/code/", {"code": "000000"})
        assert response.status_code in {302, 400}
    alice.refresh_from_db()
    assert alice.locked_until is not None


def test_a_disabled_user_is_signed_out_on_the_next_request(signed_in, make_persona):
    client = signed_in("alice")
    assert client.get("/").status_code == 200
    User.objects.filter(username="alice").update(is_active=False)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_session_ends_after_twelve_hours_even_when_active(signed_in):
    client = signed_in("alice")
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        # A request every 25 minutes, inside the 30-minute idle limit, for 11 h 40 min.
        for _request in range(28):
            traveller.shift(timedelta(minutes=25))
            assert client.get("/").status_code == 200
        # 25 minutes later: still within the idle limit, but 12 h 05 min after signing in.
        traveller.shift(timedelta(minutes=25))
        response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_session_ends_after_thirty_idle_minutes(signed_in):
    client = signed_in("alice")
    with time_machine.travel(timezone.now() + timedelta(minutes=31), tick=False):
        assert client.get("/").status_code == 302


def test_sign_out_needs_post_and_ends_the_session(signed_in):
    client = signed_in("alice")
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").status_code == 302


@pytest.mark.parametrize(
    "payload",
    [
        {"username": "a" * 10_000, "password": "x"},
        {"username": "alice\x00", "password": "x"},
        {"username": "alice", "password": "p" * 5000},
        {"username": ["alice", "bob"], "password": "x"},
        {},
    ],
)
def test_bad_input_to_sign_in_is_a_clear_400(make_persona, payload):
    make_persona("alice")
    response = Client().post("/accounts/login/", payload)
    assert response.status_code == 400


@pytest.mark.parametrize("code", ["", "abc", "1" * 100, "١٢٣٤٥٦", "12345"])
def test_bad_codes_are_a_clear_400(make_persona, code):
    make_persona("alice")
    client = Client()
    client.post("/accounts/login/", {"username": "alice", "password": DEMO_PASSWORD})
    response = client.post("/accounts/login/code/", {"code": code})
    assert response.status_code == 400


def test_code_step_without_password_step_goes_back(make_persona):
    response = Client().post("/accounts/login/code/", {"code": "123456"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"


def test_a_user_without_a_device_enrols_at_sign_in(reference_data):
    from kuzet.accounts import services
    from kuzet.accounts.models import Organisation

    user = services.user_create(
        actor=SystemActor("test"),
        username="newcomer",
        password=DEMO_PASSWORD,
        organisation=Organisation.objects.get(code="DP-KZ-71"),
        role="investigator",
    )
    client = Client()
    client.post("/accounts/login/", {"username": "newcomer", "password": DEMO_PASSWORD})
    page = client.get("/accounts/login/code/")
    assert page.status_code == 200
    assert "data:image/svg+xml" in page.content.decode()
    client.post("/accounts/login/code/", {"code": current_code(user)})
    assert TOTPDevice.objects.get(user=user).confirmed is True
    assert client.get("/").status_code == 200
