"""Take the README screenshots from a running demo (make demo) with Debian's Chromium.

Usage: .venv/bin/python scripts/screenshots.py [BASE_URL]
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE_URL = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUTPUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
KUZET = [sys.executable, "-m", "kuzet"]


def code_for(username: str) -> str:
    result = subprocess.run(  # noqa: S603 — our own command, fixed arguments
        [*KUZET, "totp-code", username],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "kuzet.settings"},
    )
    return result.stdout.strip()


def main() -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=[
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        page = browser.new_page(viewport={"width": 1200, "height": 760})
        page.goto(f"{BASE_URL}/accounts/login/")
        page.get_by_test_id("language-kk").click()
        page.screenshot(path=str(OUTPUT / "login-kk.png"))
        page.get_by_test_id("language-en").click()
        page.fill("#id_username", "erin")
        page.fill("#id_password", "kuzet-demo-2026")
        page.click("button.primary")
        page.fill("#id_code", code_for("erin"))
        page.click("button.primary")
        page.goto(f"{BASE_URL}/audit/")
        page.screenshot(path=str(OUTPUT / "audit-en.png"))
        page.close()
        phone = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
        phone.goto(f"{BASE_URL}/report/")
        phone.get_by_test_id("language-kk").click()
        phone.screenshot(path=str(OUTPUT / "report-form-kk.png"))
        phone.close()
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(f"{BASE_URL}/accounts/login/")
        page.get_by_test_id("language-ru").click()
        page.fill("#id_username", "alice")
        page.fill("#id_password", "kuzet-demo-2026")
        page.click("button.primary")
        page.fill("#id_code", code_for("alice"))
        page.click("button.primary")
        page.goto(f"{BASE_URL}/reports/")
        page.screenshot(path=str(OUTPUT / "queue-ru.png"))
        browser.close()
    sys.stdout.write(f"screenshots written to {OUTPUT}\n")


if __name__ == "__main__":
    main()
