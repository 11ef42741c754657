"""Every staff page, for every persona who opens it, in a real browser with axe-core: no
critical and no serious accessibility finding. Signing in is done by handing the browser the
session cookie of a session that passed both factors (``conftest.client_for``); the two-factor
sign-in itself is walked in ``test_browser.py``."""

from __future__ import annotations

import pytest
from django.conf import settings
from playwright.sync_api import sync_playwright

from conftest import client_for
from kuzet.blocking import services as blocking_services
from kuzet.blocking.models import HoldAlert, HoldAlertStatus
from kuzet.core.tests.accessibility import axe_findings
from kuzet.core.tests.test_browser import CHROMIUM, CHROMIUM_ARGUMENTS
from kuzet.testing import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KASPI_IBAN = "KZ72722S000000000001"


def signed_in_context(browser, live_server, session_key, language):
    """A browser context signed in with ``session_key``, reading ``language``."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies(
        [
            {"name": settings.SESSION_COOKIE_NAME, "value": session_key, "url": live_server.url},
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url},
        ]
    )
    return context


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_staff_pages_have_no_serious_accessibility_findings(
    live_server, make_persona, submit, language
):
    fresh = submit(to_account=KASPI_IBAN, reporter_phone="87015556677").report
    submit(to_account=KASPI_IBAN, amount="90000", narrative="Другой звонок.")
    blocking_services.outbox_deliver_due()
    HoldAlert.objects.filter(report__in=[fresh]).update(status=HoldAlertStatus.DELIVERED)
    held = submit(to_account="KZ86125KZT5004100100", amount="70000", narrative="Третий.").report
    HoldAlert.objects.filter(report=held).update(status=HoldAlertStatus.HELD_BACK)
    pages = {
        "alice": [
            "/",
            "/reports/",
            "/reports/?only=urgent",
            f"/reports/?q={fresh.tracking_number}",
            f"/reports/{fresh.public_id}/",
            "/accounts/organisations/",
            "/accounts/organisations/DP-KZ-75/",
        ],
        "bob": ["/", "/inbox/held-back/", "/reports/new/"],
        "dave": ["/", "/reports/?only=alerts-waiting"],
        "erin": ["/", "/audit/", "/audit/?since=nonsense"],
        "frank": ["/", "/inbox/", "/inbox/?unacknowledged=true"],
        "admin": ["/", "/accounts/organisations/DCC/"],
    }
    # Sessions are made before the browser starts: Playwright's loop forbids database calls.
    sessions = {
        persona: client_for(make_persona(persona)).cookies[settings.SESSION_COOKIE_NAME].value
        for persona in pages
    }
    findings = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGUMENTS)
        for persona, paths in pages.items():
            context = signed_in_context(browser, live_server, sessions[persona], language)
            page = context.new_page()
            for path in paths:
                page.goto(f"{live_server.url}{path}")
                assert page.locator("html").get_attribute("lang") == language
                assert "/accounts/login/" not in page.url
                findings[f"{persona} {path}"] = axe_findings(page)
            if persona == "alice":
                # A page carrying a status message (the "nothing changed" of a second press).
                page.goto(f"{live_server.url}/reports/{fresh.public_id}/")
                page.locator("button[name=action][value=needs_clarification]").click()
                page.wait_for_selector("[role=status] li")
                findings["alice after an action"] = axe_findings(page)
            context.close()
        browser.close()
    assert {name: found for name, found in findings.items() if found} == {}


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_sign_in_pages_have_no_serious_accessibility_findings(
    live_server, make_persona, language
):
    make_persona("alice")
    findings = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGUMENTS)
        context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
        context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
        )
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        findings["password"] = axe_findings(page)
        page.fill("input[name=username]", "alice")
        page.fill("input[name=password]", "not the password")
        page.locator("button.primary[type=submit]").click()
        page.wait_for_load_state()
        findings["password refused"] = axe_findings(page)
        page.fill("input[name=username]", "alice")
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.locator("button.primary[type=submit]").click()
        page.wait_for_url("**/accounts/login/code/")
        findings["code"] = axe_findings(page)
        browser.close()
    assert {name: found for name, found in findings.items() if found} == {}
