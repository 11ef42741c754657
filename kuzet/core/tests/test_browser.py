"""A real browser (Debian's Chromium driven by Playwright) signs in with two factors and
switches language. Setup (make test) installs Chromium from Debian's packages."""

from __future__ import annotations

import shutil

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import sync_playwright

from kuzet.testing import DEMO_PASSWORD

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGUMENTS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_with_two_factors_and_switch_language(live_server, make_persona):
    alice = make_persona("alice")
    device = TOTPDevice.objects.get(user=alice)
    key, step, t0 = device.bin_key, device.step, device.t0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGUMENTS)
        page = browser.new_page(locale="en-GB")
        page.goto(f"{live_server.url}/")
        assert "/accounts/login/" in page.url
        page.get_by_test_id("language-en").click()
        page.get_by_label("Username").fill("alice")
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Continue").click()
        page.wait_for_url("**/accounts/login/code/")
        page.get_by_label("Six-digit code from your authenticator app").fill(
            f"{totp(key, step=step, t0=t0, digits=6):06d}"
        )
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{live_server.url}/")
        assert page.locator("h1").inner_text() == "Welcome, alice"
        assert page.locator("html").get_attribute("lang") == "en"

        page.get_by_test_id("language-kk").click()
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == "kk"
        assert page.locator("h1").inner_text() == "Қош келдіңіз, alice"

        page.get_by_test_id("language-ru").click()
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == "Добро пожаловать, alice"
        browser.close()
