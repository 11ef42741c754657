"""The machinery of the permission matrix: who (persona or token) × what (object) × which action.

A row names an actor, the object acted on, how to act, what should come back, and what the
action would change. ``check_row`` runs it and asserts precisely:

- an allowed row answers its status and *does* change the observed state (so the state
  function is proven able to see the action);
- a filtered row (a list that must not show the object) answers its status and changes nothing;
- a denied row answers its status, changes nothing, writes no successful audit entry other than
  reads, and leaves a denial in the audit log (HTTP rows; a service refuses by raising).

The table itself is ``test_permission_matrix.ROWS``: one list that later apps extend by adding
rows, never a second matrix.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.test import Client

from conftest import client_for
from kuzet.accounts import services as accounts_services
from kuzet.accounts.models import ApiClient, Organisation, User
from kuzet.audit.models import AuditEvent, Outcome
from kuzet.audit.services import SystemActor
from kuzet.core.actors import ActionDenied


class Expect(StrEnum):
    ALLOWED = "allowed"
    FILTERED = "filtered"
    DENIED = "denied"


@dataclass
class Caller:
    """Whoever performs a row: a signed-in person, a partner token, or nobody.

    ``actor`` is the ``User`` or ``ApiClient`` for rows that call a service directly.
    """

    client: Client
    headers: dict[str, str] = field(default_factory=dict)
    actor: Any = None

    def get(self, path: str) -> Any:
        return self.client.get(path, **self.headers)

    def post(self, path: str, data: dict[str, Any] | None = None) -> Any:
        return self.client.post(path, data or {}, **self.headers)

    def post_json(self, path: str, body: dict[str, Any]) -> Any:
        return self.client.post(
            path, json.dumps(body), content_type="application/json", **self.headers
        )


def service_status(call: Callable[[], object]) -> int:
    """Run a service call as a row's action: 200 when it acts, 403 when it refuses."""
    try:
        call()
    except ActionDenied:
        return 403
    return 200


@dataclass(frozen=True)
class MatrixRow:
    """One persona × object × action, with the answer expected and the state it would change.

    ``persona``: a persona's username, ``token:ORG:scope,scope`` (a token issued through the
    service), ``legacy-token:ORG:scope,scope`` (a token whose scopes were set in the database
    beyond what its kind may hold), or ``anonymous``.
    """

    persona: str
    action: str
    target: Callable[[dict[str, Any]], Any]
    perform: Callable[[Caller, Any], int]
    status: int
    expect: Expect
    state: Callable[[Any], object]
    is_service_call: bool = False

    @property
    def test_id(self) -> str:
        return f"{self.action}-{self.persona}-{self.expect}"


def _token(code: str, scopes: str, *, legacy: bool) -> ApiClient:
    organisation = Organisation.objects.get(code=code)
    scope_list = scopes.split(",")
    issued = accounts_services.api_client_create(
        actor=SystemActor("test"),
        organisation=organisation,
        name=f"matrix {code}",
        scopes=["profile:read"] if legacy else scope_list,
    )
    if legacy:
        # As if the row had been edited by hand, or the table of scopes by kind had changed.
        ApiClient.objects.filter(pk=issued.api_client.pk).update(scopes=scope_list)
    api_client = ApiClient.objects.get(pk=issued.api_client.pk)
    api_client.plain_token = issued.token  # type: ignore[attr-defined]
    return api_client


def caller_for(persona: str) -> Caller:
    if persona == "anonymous":
        return Caller(Client())
    if persona.startswith(("token:", "legacy-token:")):
        kind, code, scopes = persona.split(":", 2)
        api_client = _token(code, scopes, legacy=kind == "legacy-token")
        token = api_client.plain_token  # type: ignore[attr-defined]
        return Caller(Client(), {"HTTP_AUTHORIZATION": f"Bearer {token}"}, api_client)
    user = User.objects.get(username=persona)
    return Caller(client_for(user), actor=user)


def _audit_counts() -> tuple[int, int]:
    writes = AuditEvent.objects.filter(outcome=Outcome.SUCCESS).exclude(action="read").count()
    refusals = AuditEvent.objects.exclude(outcome=Outcome.SUCCESS).count()
    return writes, refusals


def check_row(row: MatrixRow, world: dict[str, Any]) -> None:
    target = row.target(world)
    caller = caller_for(row.persona)
    before = row.state(target)
    writes_before, refusals_before = _audit_counts()
    status = row.perform(caller, target)
    after = row.state(target)
    writes_after, refusals_after = _audit_counts()
    assert status == row.status
    if row.expect == Expect.ALLOWED:
        assert after != before, "the action was allowed but the state shows no change"
        return
    assert after == before, "nothing may change on a denial"
    if row.expect == Expect.DENIED:
        assert writes_after == writes_before, "a denied action wrote a successful audit entry"
        if not row.is_service_call:
            assert refusals_after > refusals_before, "the denial left no audit entry"
