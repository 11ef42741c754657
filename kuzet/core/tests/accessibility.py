"""axe-core in the browser tests: the accessibility findings a page has, as axe reports them.

axe-core comes from the npm registry with the other browser libraries (``make install``) and is
injected into the page under test only; no page kuzet serves ever loads it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Page

AXE = Path(__file__).resolve().parents[3] / "node_modules" / "axe-core" / "axe.min.js"

# The impacts that block a release. "moderate" and "minor" are read, not gated.
BLOCKING = ("critical", "serious")


def axe_findings(page: Page, impacts: tuple[str, ...] = BLOCKING) -> list[dict[str, Any]]:
    """The page's axe-core violations of the given impacts, each with its rule, help and
    the selectors of the offending nodes, so a failing assertion says what to fix."""
    # Evaluated through the debugging protocol, which the page's Content-Security-Policy does
    # not govern: a <script> tag would be refused, rightly, and the policy stays as shipped.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    results: dict[str, Any] = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations']})"
    )
    return [
        {
            "rule": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "nodes": [" ".join(node["target"]) for node in violation["nodes"]][:5],
        }
        for violation in results["violations"]
        if violation["impact"] in impacts
    ]
