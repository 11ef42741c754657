"""A victim on a phone makes a mistake, is taken to it, corrects it and sends — in Kazakh,
Russian and English; the public pages fit a 390 px and a 320 px screen and pass axe-core."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, sync_playwright

from kuzet.blocking.models import MessageKind, OutboxMessage
from kuzet.core.tests.accessibility import axe_findings
from kuzet.core.tests.test_browser import CHROMIUM, CHROMIUM_ARGUMENTS
from kuzet.reports.models import Report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# (language, the button that sends, the heading of the receipt)
LANGUAGES = [
    ("kk", "Арызды жіберу", "Арызыңыз алынды"),
    ("ru", "Отправить заявление", "Ваше заявление получено"),
    ("en", "Send the report", "Your report has been received"),
]
PHONE = {"width": 390, "height": 844}


def _fits(page: Page, width: int) -> None:
    """No sideways scrolling at ``width`` px."""
    page.set_viewport_size({"width": width, "height": 844})
    scroll_width, inner_width = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert scroll_width <= inner_width, f"{page.url} scrolls sideways at {width} px"
    page.set_viewport_size(PHONE)


def _accessible(page: Page) -> None:
    assert axe_findings(page) == [], page.url
    everything = axe_findings(page, impacts=("critical", "serious", "moderate", "minor"))
    assert [found for found in everything if found["rule"] == "heading-order"] == [], page.url


def test_a_mistake_is_found_corrected_and_sent_in_each_language(live_server, reference_data):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGUMENTS)
        for (language, button, received), amount in zip(
            LANGUAGES, ["150000", "95000", "40000"], strict=True
        ):
            page = browser.new_page(viewport=PHONE, is_mobile=True)
            page.goto(f"{live_server.url}/report/")
            page.get_by_test_id(f"language-{language}").click()
            page.wait_for_load_state()
            assert page.locator("html").get_attribute("lang") == language
            _fits(page, 390)
            _fits(page, 320)
            _accessible(page)

            # The money first; the mistake: an amount without where it went, no age chosen.
            page.fill("#id_transfers-0-amount", amount)
            page.fill("#id_reporter_phone", "8 701 555 66 77")
            page.check("#id_consent")
            page.get_by_role("button", name=button).click()
            page.wait_for_selector("[data-testid=error-summary]")
            assert page.evaluate("document.activeElement.id") == "error-summary"
            links = page.locator("#error-summary a")
            hrefs = [links.nth(index).get_attribute("href") for index in range(links.count())]
            assert hrefs == ["#id_transfers-0-to_account", "#id_victim_age_band_0"]
            _fits(page, 390)
            _fits(page, 320)
            _accessible(page)

            # The link takes the victim to the field; they correct it and send.
            page.locator("#error-summary a[href='#id_transfers-0-to_account']").click()
            assert page.evaluate("document.activeElement.id") == "id_transfers-0-to_account"
            assert page.locator("#id_transfers-0-to_account").get_attribute("aria-invalid") == (
                "true"
            )
            page.fill("#id_transfers-0-to_account", "KZ72 722S 0000 0000 0001")
            page.check("#id_victim_age_band_4")
            page.get_by_role("button", name=button).click()
            page.wait_for_selector("[data-testid=tracking-number]")
            assert page.locator("h1").inner_text() == received
            assert page.get_by_test_id("copy-link").is_visible()
            assert page.get_by_test_id("link-sent").is_visible()
            _fits(page, 390)
            _fits(page, 320)
            _accessible(page)

            page.get_by_test_id("tracking-link").click()
            page.wait_for_selector("[data-testid=report-status]")
            _fits(page, 390)
            _fits(page, 320)
            _accessible(page)

            page.goto(f"{live_server.url}/report/recover/")
            _fits(page, 320)
            _accessible(page)
            page.close()
        browser.close()
    reports = Report.objects.order_by("language")
    assert [report.language for report in reports] == ["en", "kk", "ru"]
    assert all(report.victim_age_band == "60_plus" for report in reports)
    sent = OutboxMessage.objects.filter(kind=MessageKind.REPORTER_NOTIFICATION)
    assert sorted(message.payload["language"] for message in sent) == ["en", "kk", "ru"]
    for message in sent:
        assert re.search(r"/report/track/\d\d-\d{7}/\S+/", message.payload["text"])


def test_another_transfer_is_added_without_script(live_server, reference_data):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGUMENTS)
        context = browser.new_context(viewport=PHONE, is_mobile=True, java_script_enabled=False)
        page = context.new_page()
        page.goto(f"{live_server.url}/report/")
        assert not page.locator("#id_transfers-1-amount").is_visible()
        assert page.locator("#transfers-1-block summary").is_visible()
        assert not page.locator("#transfers-2-block").is_visible()
        page.locator("#transfers-1-block summary").click()
        assert page.locator("#id_transfers-1-amount").is_visible()
        assert page.locator("#transfers-2-block summary").is_visible()
        # Without script the summary still shows after a mistake.
        page.fill("#id_transfers-0-amount", "1000")
        page.locator("button.primary").click()
        page.wait_for_selector("[data-testid=error-summary]")
        assert page.locator("#error-summary a").count() >= 1
        context.close()
        browser.close()
