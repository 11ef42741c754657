"""A citizen on a phone-sized screen reports in Kazakh, Russian and English, in a real browser."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import sync_playwright

from kuzet.core.tests.test_browser import CHROMIUM, CHROMIUM_ARGUMENTS
from kuzet.reports.models import Report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# (language, heading of the form, button, heading of the receipt)
LANGUAGES = [
    ("kk", "Алаяқтық туралы арыз беру", "Арызды жіберу", "Арызыңыз алынды"),
    ("ru", "Сообщить о мошенничестве", "Отправить заявление", "Ваше заявление получено"),
    ("en", "Report a fraud", "Send the report", "Your report has been received"),
]


def test_the_public_form_in_each_language(live_server, reference_data):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGUMENTS)
        for (language, heading, button, received), amount in zip(
            LANGUAGES, ["120000", "95000", "40000"], strict=True
        ):
            page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
            page.goto(f"{live_server.url}/report/")
            page.get_by_test_id(f"language-{language}").click()
            page.wait_for_load_state()
            assert page.locator("h1").inner_text() == heading
            page.locator("#id_victim_age_band_4").check()
            page.get_by_test_id("more-details").locator("summary").click()
            page.locator("input[name=scheme][value=fake_bank_security]").check()
            page.select_option("#id_region_code", "KZ-75")
            page.fill("#id_transfers-0-amount", amount)
            page.fill("#id_transfers-0-to_account", "KZ72 722S 0000 0000 0001")
            page.fill("#id_suspect_identifiers", "звонили с 8 701 234 56 78")
            page.wait_for_selector("#found-identifiers li")
            assert "+77012345678" in page.locator("#found-identifiers").inner_text()
            page.fill("#id_narrative", "Позвонили из банка и попросили перевести деньги.")
            page.check("#id_consent")
            page.get_by_role("button", name=button).click()
            page.wait_for_selector("[data-testid=tracking-number]")
            assert page.locator("h1").inner_text() == received
            number = page.get_by_test_id("tracking-number").inner_text()
            page.get_by_test_id("tracking-link").click()
            page.wait_for_selector("[data-testid=report-status]")
            assert number in page.locator("h1").inner_text()
            page.close()
        browser.close()
    assert sorted(Report.objects.values_list("language", flat=True)) == ["en", "kk", "ru"]


def test_a_card_transfer_receipt_names_the_alerted_bank_in_kazakh(live_server, reference_data):
    from kuzet.core.tests.accessibility import axe_findings  # noqa: PLC0415

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGUMENTS)
        page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
        page.goto(f"{live_server.url}/report/")
        page.get_by_test_id("language-kk").click()
        page.wait_for_load_state()
        page.locator("#id_victim_age_band_4").check()
        page.get_by_test_id("more-details").locator("summary").click()
        page.locator("input[name=scheme][value=fake_bank_security]").check()
        page.select_option("#id_region_code", "KZ-75")
        page.fill("#id_transfers-0-amount", "75000")
        # A synthetic card under 440254, a Halyk BIN in kuzet/reference/card_ranges.json.
        page.fill("#id_transfers-0-to_account", "4402 5412 3456 7898")
        # Ten minutes ago in Kazakhstan's time, as the victim types it: inside the golden hour.
        sent = timezone.localtime() - timedelta(minutes=10)
        page.fill("#id_transfers-0-transferred_at", sent.strftime("%Y-%m-%dT%H:%M"))
        page.fill("#id_narrative", "Банктен қоңырау шалып, ақшаны аударуды сұрады.")
        page.check("#id_consent")
        page.get_by_role("button", name="Арызды жіберу").click()
        page.wait_for_selector("[data-testid=receipt-transfer]")
        line = page.get_by_test_id("receipt-transfer")
        assert line.get_attribute("data-outcome") == "bank_alerted"
        halyk = "«Қазақстан Халық Банкі» АҚ"
        assert f"тоқтата тұру туралы сұрау жіберілді: {halyk}" in line.inner_text()
        assert "4402541234567898" not in page.content()
        assert axe_findings(page) == []
        browser.close()
