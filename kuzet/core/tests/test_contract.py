"""The partner API against its OpenAPI contract, over a real HTTP server (issue 10 §3).

schemathesis generates requests from docs/api/openapi.json (valid and invalid bodies, odd path
and query values, missing headers) and sends them to the live app on 127.0.0.1, so body limits
and parsing run as in production; the suite runs it on SQLite and on PostgreSQL. Every answer
must be no server error, carry a status the contract documents, and match the documented body.
Examples are bounded so that the run stays within about a minute per database on two cores.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

CONTRACT = Path(__file__).resolve().parents[3] / "docs" / "api" / "openapi.json"
EVERY_SCOPE = (
    "profile:read",
    "organisations:read",
    "reports:read",
    "reports:write",
    "inbox:read",
)
EXAMPLES_PER_OPERATION = 15


@pytest.fixture
def partner_headers(api_token: Any, settings: Any) -> dict[str, str]:
    """A bank's token with every scope; imports may queue without the quotas getting in the way."""
    settings.IMPORTS_IN_PROGRESS_PER_PARTNER = 1_000_000
    return {"Authorization": f"Bearer {api_token('HALYK', scopes=EVERY_SCOPE)}"}


# Loaded when collected (one test per operation); the live server's address is given per call.
schema = schemathesis.openapi.from_dict(json.loads(CONTRACT.read_text(encoding="utf-8")))


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_its_contract(
    case: Any, live_server: Any, partner_headers: dict[str, str]
) -> None:
    case.call_and_validate(
        base_url=live_server.url,
        headers=partner_headers,
        checks=[not_a_server_error, status_code_conformance, response_schema_conformance],
        timeout=30,
    )
