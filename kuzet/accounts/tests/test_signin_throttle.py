"""Lockout as a weapon: throttled sign-in that cannot lock the officer out of their own browser."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone

from kuzet.accounts.tests.test_views import GENERIC, current_code, sign_in, without_tokens
from kuzet.audit.models import AuditEvent
from kuzet.testing import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.66"


@pytest.fixture(autouse=True)
def on_the_hour():
    """Throttle windows are aligned to the clock: start every test at the top of an hour so
    no test straddles a window's end (the clock stands still unless a test moves it)."""
    with time_machine.travel(datetime(2031, 1, 1, 9, 0, tzinfo=UTC), tick=False):
        yield


def attacker(address: str = ATTACKER) -> Client:
    return Client(REMOTE_ADDR=address)


def known_device_of(user, address: str = "198.51.100.10") -> Client:
    """A browser the officer signed in from before, with both factors: it holds the cookie.

    A TOTP code is accepted once, so a test signing in again moves the clock on a step.
    """
    browser = Client(REMOTE_ADDR=address)
    sign_in(browser, user.username, DEMO_PASSWORD, current_code(user))
    assert settings.LOGIN_DEVICE_COOKIE_NAME in browser.cookies
    browser.post("/accounts/logout/")
    return browser


def fail(client: Client, username: str, times: int) -> None:
    for _ in range(times):
        client.post("/accounts/login/", {"username": username, "password": "wrong-password"})


def test_an_attacker_cannot_lock_the_officer_out_of_a_known_device(make_persona):
    alice = make_persona("alice")
    browser = known_device_of(alice)
    with time_machine.travel(timezone.now() + timedelta(minutes=1), tick=False):
        fail(attacker(), "alice", 5)
        alice.refresh_from_db()
        assert alice.is_locked()
        sign_in(browser, "alice", DEMO_PASSWORD, current_code(alice))
        assert browser.get("/").status_code == 200


def test_after_the_attack_unknown_devices_are_still_locked(make_persona):
    alice = make_persona("alice")
    known_device_of(alice)
    fail(attacker(), "alice", 5)
    elsewhere = Client(REMOTE_ADDR="198.51.100.77")
    response = elsewhere.post("/accounts/login/", {"username": "alice", "password": DEMO_PASSWORD})
    assert response.status_code == 400
    assert GENERIC in response.content.decode()


def test_failures_from_a_known_device_lock_only_that_device(make_persona):
    alice = make_persona("alice")
    browser = known_device_of(alice)
    fail(browser, "alice", 5)
    alice.refresh_from_db()
    assert not alice.is_locked()
    refused = browser.post("/accounts/login/", {"username": "alice", "password": DEMO_PASSWORD})
    assert refused.status_code == 400
    other = Client(REMOTE_ADDR="198.51.100.78")
    with time_machine.travel(timezone.now() + timedelta(minutes=1), tick=False):
        sign_in(other, "alice", DEMO_PASSWORD, current_code(alice))
        assert other.get("/").status_code == 200


def test_a_device_cookie_for_another_account_does_not_help(make_persona):
    alice = make_persona("alice")
    bob = make_persona("bob")
    browser = known_device_of(bob)
    fail(attacker(), "alice", 5)
    response = browser.post("/accounts/login/", {"username": "alice", "password": DEMO_PASSWORD})
    assert response.status_code == 400
    alice.refresh_from_db()
    assert alice.is_locked()


def test_a_forged_device_cookie_is_ignored(make_persona):
    alice = make_persona("alice")
    fail(attacker(), "alice", 5)
    forged = Client()
    forged.cookies[settings.LOGIN_DEVICE_COOKIE_NAME] = f"{alice.pk}:forged"
    response = forged.post("/accounts/login/", {"username": "alice", "password": DEMO_PASSWORD})
    assert response.status_code == 400


def test_each_lock_within_a_day_lasts_longer(make_persona):
    alice = make_persona("alice")
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        fail(attacker(), "alice", 5)
        alice.refresh_from_db()
        first = alice.locked_until - timezone.now()
        traveller.shift(first + timedelta(seconds=1))
        fail(attacker("203.0.113.67"), "alice", 5)
        alice.refresh_from_db()
        second = alice.locked_until - timezone.now()
    assert first == timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
    assert second == 2 * first


def test_an_address_with_many_failures_is_throttled_whatever_the_account(make_persona, settings):
    settings.LOGIN_ADDRESS_FAILURES = 6
    alice = make_persona("alice")
    make_persona("bob")
    client = attacker()
    for username in ("bob", "nobody", "carol-typo", "x", "y", "z", "w"):
        fail(client, username, 1)
    refused = client.post("/accounts/login/", {"username": "alice", "password": DEMO_PASSWORD})
    assert refused.status_code == 400
    assert AuditEvent.objects.filter(action="accounts.login.refused_throttled").count() == 1
    other = Client(REMOTE_ADDR="198.51.100.90")
    sign_in(other, "alice", DEMO_PASSWORD, current_code(alice))
    assert other.get("/").status_code == 200


def test_the_address_throttle_grows_with_repeated_failures(make_persona, settings):
    settings.LOGIN_ADDRESS_FAILURES = 3
    settings.LOGIN_THROTTLE_BASE_SECONDS = 60
    alice = make_persona("alice")
    start = timezone.now().replace(second=0, microsecond=0) + timedelta(hours=1)
    with time_machine.travel(start, tick=False) as traveller:
        fail(attacker(), "nobody", 4)  # over the first tier: wait for its minute
        traveller.shift(timedelta(seconds=61))
        fail(attacker(), "nobody", 3)  # 7 in ten minutes: over the second tier (6)
        traveller.shift(timedelta(seconds=61))
        client = attacker()
        sign_in(client, "alice", DEMO_PASSWORD, current_code(alice))
        assert client.get("/").status_code == 302
        traveller.shift(timedelta(minutes=10))
        sign_in(client, "alice", DEMO_PASSWORD, current_code(alice))
        assert client.get("/").status_code == 200


def test_a_known_device_is_not_held_by_its_addresss_throttle(make_persona, settings):
    """An attacker behind the officer's own carrier NAT cannot lock the officer out either."""
    settings.LOGIN_ADDRESS_FAILURES = 2
    alice = make_persona("alice")
    browser = known_device_of(alice, address=ATTACKER)
    fail(attacker(), "nobody", 5)
    with time_machine.travel(timezone.now() + timedelta(minutes=1), tick=False):
        sign_in(browser, "alice", DEMO_PASSWORD, current_code(alice))
        assert browser.get("/").status_code == 200


def test_a_burst_of_failures_is_audited_once_and_logged_without_personal_data(
    make_persona, settings, caplog
):
    settings.LOGIN_BURST_FAILURES = 3
    settings.LOGIN_ADDRESS_FAILURES = 100
    make_persona("alice")
    with caplog.at_level("WARNING", logger="kuzet.accounts.signin"):
        for number in range(8):
            fail(attacker(f"203.0.113.{number + 1}"), "alice", 1)
    bursts = AuditEvent.objects.filter(action="accounts.login.burst")
    assert bursts.count() == 1
    assert bursts.get().object_id
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "burst" in logged
    assert "alice" not in logged
    assert "203.0.113" not in logged


def test_refusals_answer_exactly_like_a_wrong_password(make_persona, settings):
    settings.LOGIN_ADDRESS_FAILURES = 2
    make_persona("alice")
    wrong = Client(REMOTE_ADDR="198.51.100.5").post(
        "/accounts/login/", {"username": "alice", "password": "nope-nope-nope"}
    )
    client = attacker()
    fail(client, "nobody", 3)
    throttled = client.post("/accounts/login/", {"username": "alice", "password": DEMO_PASSWORD})
    assert wrong.status_code == throttled.status_code == 400
    assert without_tokens(wrong, "alice") == without_tokens(throttled, "alice")
