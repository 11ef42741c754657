"""The command-line side of accounts: seed-demo, apikey, totp-code."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kuzet.accounts.models import ApiClient, User
from kuzet.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent_and_prints_the_logins(reference_data, capsys):
    call_command("seed_demo")
    first = capsys.readouterr().out
    call_command("seed_demo")
    second = capsys.readouterr().out
    assert first == second
    assert User.objects.count() == 10
    assert "alice" in first
    assert "kuzet-demo-2026" in first
    assert AuditEvent.objects.filter(actor_label="system:seed-demo").count() == 10


def test_seed_demo_is_refused_outside_demo_mode(reference_data, settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="demo mode"):
        call_command("seed_demo")


def test_totp_code_is_refused_outside_demo_mode(reference_data, settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="refused outside demo mode"):
        call_command("totp_code", "alice")


def test_apikey_create_prints_the_token_once_and_stores_its_digest(reference_data, capsys):
    call_command("apikey", "create", "--org", "KASPI", "--scopes", "profile:read")
    token = capsys.readouterr().out.strip().splitlines()[-1]
    client = ApiClient.objects.get()
    assert token.startswith(client.token_prefix + ".")
    assert client.token_digest == ApiClient.digest(token)
    assert AuditEvent.objects.get(action="accounts.api_client.create").actor_label.startswith(
        "system:cli:apikey"
    )


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--org", "NOPE", "--scopes", "profile:read"], "No organisation with the code"),
        (["--org", "KASPI", "--scopes", "root"], "Unknown or missing scopes"),
        (["--org", "KASPI", "--scopes", "profile:read", "--days", "999"], "1 to 366 days"),
        (["--org", "KASPI", "--scopes", "profile:read", "--user", "ghost"], "No user called"),
    ],
)
def test_apikey_create_bad_input_is_a_clear_message(reference_data, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("apikey", "create", *arguments)
    assert ApiClient.objects.count() == 0


def test_apikey_revoke(reference_data, capsys):
    call_command("apikey", "create", "--org", "KASPI", "--scopes", "profile:read")
    prefix = ApiClient.objects.get().token_prefix
    call_command("apikey", "revoke", prefix)
    assert ApiClient.objects.get().revoked_at is not None
    with pytest.raises(CommandError, match="No token"):
        call_command("apikey", "revoke", "kz_nothing")
