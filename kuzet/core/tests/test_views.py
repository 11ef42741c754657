"""The shell: health check, headers, error pages, languages, production settings."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_every_page_carries_the_security_headers(client):
    response = client.get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_login_page_has_the_use_banner_and_no_inline_script(client):
    body = client.get("/accounts/login/").content.decode()
    assert "Use is limited to authorised persons" in body
    assert "<script>" not in body
    assert "style=" not in body


def test_unknown_page_is_a_friendly_404(signed_in):
    response = signed_in("alice").get("/no-such-page/")
    assert response.status_code == 404
    assert "Nothing here" in response.content.decode()


def test_a_post_without_csrf_is_refused(make_persona):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "alice", "password": "x"})
    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()


@pytest.mark.parametrize(
    ("language", "expected"),
    [("kk", "Кіру"), ("ru", "Вход"), ("en", "Sign in to kuzet")],
)
def test_language_switch_changes_the_page(client, language, expected):
    response = client.post("/i18n/setlang/", {"language": language, "next": "/accounts/login/"})
    assert response.status_code == 302
    page = client.get("/accounts/login/").content.decode()
    assert f'<html lang="{language}">' in page
    assert expected in page


def test_home_shows_each_persona_its_own_world(signed_in):
    alice = signed_in("alice").get("/").content.decode()
    frank = signed_in("frank").get("/").content.decode()
    assert "DP-KZ-75" in alice
    assert "KASPI" not in alice
    assert "KASPI" in frank
    assert "DP-KZ-75" not in frank
    assert 'data-testid="work-inbox-waiting"' in frank
    assert 'data-testid="work-inbox-waiting"' not in alice


def run_settings_check(
    extra_environment: dict[str, str], *arguments: str
) -> subprocess.CompletedProcess[str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("KUZET_") and key != "DJANGO_SETTINGS_MODULE"
    }
    environment.update(extra_environment)
    return subprocess.run(
        [sys.executable, "-m", "kuzet", "check", *arguments],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


PRODUCTION = {
    "KUZET_ENVIRONMENT": "production",
    "KUZET_SECRET_KEY": "p" * 20 + "-production-secret-" + "q" * 20,
    "KUZET_IDENTIFIER_HASH_KEY": "identifier-key-for-the-check",
    "KUZET_ALLOWED_HOSTS": "kuzet.example.kz",
}


def test_production_deploy_check_is_clean():
    result = run_settings_check(PRODUCTION, "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr + result.stdout


@pytest.mark.parametrize(
    ("override", "complaint"),
    [
        ({"KUZET_DEBUG": "true"}, "KUZET_DEBUG must be off"),
        ({"KUZET_SECRET_KEY": ""}, "KUZET_SECRET_KEY must be set"),
        ({"KUZET_DEMO_MODE": "true"}, "KUZET_DEMO_MODE must be off"),
        ({"KUZET_ALLOWED_HOSTS": ""}, "KUZET_ALLOWED_HOSTS"),
        ({"KUZET_DEBUG": "maybe"}, "must be true or false"),
    ],
)
def test_production_refuses_unsafe_settings(override, complaint):
    result = run_settings_check({**PRODUCTION, **override})
    assert result.returncode != 0
    assert complaint in result.stderr


def test_the_deploy_checks_say_when_the_indicator_engine_is_not_compiled(monkeypatch):
    from kuzet.core.checks import indicator_engine_is_compiled

    monkeypatch.setattr("kuzet.indicators.IMPLEMENTATION", "pure Python")
    (message,) = indicator_engine_is_compiled()
    assert message.id == "kuzet.I001"
    monkeypatch.setattr("kuzet.indicators.IMPLEMENTATION", "compiled (mypyc, Cython)")
    assert indicator_engine_is_compiled() == []
