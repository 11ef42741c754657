"""The JSON API for partner systems, under /api/v1/, with its OpenAPI page at /api/v1/docs.

Partners authenticate with a bearer token (``kuzet apikey create``). Errors always answer JSON
with a ``detail`` key; validation errors list the fields at fault. What the audit log records
of each call is stated in ``AUDIT_DESCRIPTION`` (part of the published description) and tested
in ``accounts/tests/test_api_audit.py``.
"""

from __future__ import annotations

import logging
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer

from kuzet.accounts import api as accounts_api
from kuzet.accounts import services as accounts_services
from kuzet.accounts.access import staff_login_required
from kuzet.accounts.models import ApiClient, TokenRefusal
from kuzet.audit.services import FAILURE_ENTRIES_PER_MINUTE, client_address_of
from kuzet.blocking import api as blocking_api
from kuzet.core.actors import ActionDenied
from kuzet.core.api_errors import ERROR_DESCRIPTIONS
from kuzet.ratelimit.services import RateLimited
from kuzet.reports import api as reports_api

logger = logging.getLogger("kuzet.api")


class PartnerToken(HttpBearer):
    """``Authorization: Bearer kz_….…``: a usable (unrevoked, unexpired) partner API client.

    A call without a bearer token is refused and audited like a call with a bad one.
    """

    openapi_description = "A partner token issued by the Department (`kuzet apikey create`)."

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get(self.header, "")
        if header.split(" ", 1)[0].lower() != self.openapi_scheme:
            accounts_services.api_refusal_record(
                refusal=TokenRefusal.MISSING if not header else TokenRefusal.MALFORMED,
                client_address=client_address_of(request),
            )
            return None
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        return accounts_services.api_client_authenticate(
            token, client_address=client_address_of(request)
        )


AUDIT_DESCRIPTION = f"""

**What the audit log records.** The Department's audit log is append-only and hash-chained;
it never holds a token, a password or the personal data itself (objects by type and id,
states by digest).

- *Every write*: each report taken in (one entry per report, whichever endpoint), each import
  created, each acknowledgement.
- *Every read of personal data, with its purpose*: `GET /reports/{{public_id}}` (one entry
  for the report), `GET /inbox` (one entry per message on the page returned: hold alerts carry
  full account numbers), `GET /reports/imports/{{import_id}}/rows` (one entry for the import).
- *Every refused call*: a missing, malformed, unknown, wrong, revoked or expired token, or one
  whose organisation or responsible person is disabled or whose scopes its organisation may no
  longer hold (401); a missing scope or capability (403); an object of another organisation
  (404). So that a flood cannot grow the log without limit, the first refusal of a kind from a
  client address (an IPv6 /64) in a minute is written and the rest of that minute are counted
  into the next entry; at most {FAILURE_ENTRIES_PER_MINUTE} refusal entries a minute are
  written per server process.
- *Not recorded*: `GET /me`, `GET /organisations…` and an import's progress
  (`GET /reports/imports/{{import_id}}`), which carry no personal data.

**Scopes by kind of organisation.** `profile:read`, `organisations:read`: every partner.
`reports:write`, `reports:read`: banks, telecom operators, platforms. `screening:query`: banks
and telecom operators. `inbox:read`, `inbox:acknowledge`: partners that receive requests (banks,
telecom operators, platforms). A token with a scope its organisation's kind may not hold is
refused (401)."""


api = NinjaAPI(
    title="kuzet partner API",
    version="1.0.0",
    description=(
        "The API of the Department for Countering Cybercrime for banks, telecom operators, "
        "platforms and foreign partners. Every call needs a partner token; a token reads only "
        "what its own organisation submitted or was sent. Personal data is masked unless your "
        "scope says otherwise.\n\n"
        'Every error answers JSON `{"detail": …, "errors": {field: message} or null, '
        '"code": … or null}`:\n\n'
        + "\n".join(f"- **{status}**: {text}" for status, text in ERROR_DESCRIPTIONS.items())
        + "\n\nText fields take no control characters (NUL and the like); a narrative keeps "
        "its line breaks. Bodies are limited per endpoint (1 MB; 24 MB for bulk calls; 128 MB "
        "for imports) and refused from their Content-Length. Writes honour `Idempotency-Key` "
        "(1-255 printable ASCII characters) for 24 hours: the same key and body replay the "
        "stored answer, another body gets 422, a repeat while the first still runs 409; 4xx "
        "answers are not stored. Each client has "
        "its own allowance per minute for each kind of call (reads, single writes, bulk "
        "writes, imports); over it a call answers 429 with a Retry-After header in seconds."
        + AUDIT_DESCRIPTION
    ),
    auth=PartnerToken(),
    docs_decorator=staff_login_required,
)


@api.exception_handler(AuthenticationError)
def authentication_failed(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request,
        {
            "detail": "Missing, unknown, expired or revoked token. Send 'Authorization: Bearer "
            "<token>' with the token the Department issued to your organisation.",
            "code": "not_authenticated",
        },
        status=401,
    )


@api.exception_handler(ActionDenied)
def action_denied(request: HttpRequest, error: ActionDenied) -> HttpResponse:
    """A service refused the action (a capability the token's scopes do not grant): 403."""
    client = getattr(request, "auth", None)
    if isinstance(client, ApiClient) and not error.is_recorded:
        accounts_services.api_denial_record(
            api_client=client,
            requirement=f"capability {error.capability}",
            client_address=client_address_of(request),
        )
    return api.create_response(
        request, {"detail": error.message, "code": "permission_denied"}, status=403
    )


@api.exception_handler(ValidationError)
def validation_failed(request: HttpRequest, error: ValidationError) -> HttpResponse:
    """422 in the one error shape: each field at fault with its message."""
    errors: dict[str, str] = {}
    for detail in error.errors:
        # ninja locates body fields under ("body", <parameter name>); partners know the field.
        location = [str(part) for part in detail.get("loc", ())]
        if location[:1] == ["body"]:
            location = location[2:]
        errors[".".join(location) or "body"] = str(detail.get("msg", "invalid"))
    return api.create_response(
        request,
        {"detail": "The request has errors; fix the fields named.", "errors": errors},
        status=422,
    )


@api.exception_handler(RateLimited)
def rate_limited(request: HttpRequest, error: RateLimited) -> HttpResponse:
    response = api.create_response(
        request,
        {
            "detail": "Too many requests from this client for this kind of call. Wait the "
            "number of seconds in the Retry-After header, then continue.",
            "code": "rate_limited",
        },
        status=429,
    )
    response["Retry-After"] = str(error.retry_after)
    return response


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    return api.create_response(request, {"detail": error.message}, status=error.status_code)


@api.exception_handler(Exception)
def unexpected_error(request: HttpRequest, error: Exception) -> HttpResponse:
    # The log line names the exception type only: messages can carry personal data.
    logger.error("API error %s on %s", type(error).__name__, request.path)
    return api.create_response(
        request,
        {"detail": "Internal error. Try again; if it persists, tell the Department."},
        status=500,
    )


api.add_router("/", accounts_api.router)
api.add_router("/", reports_api.router)
api.add_router("/", blocking_api.router)
