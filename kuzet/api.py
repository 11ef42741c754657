"""The JSON API for partner systems, under /api/v1/, with its OpenAPI page at /api/v1/docs.

Partners authenticate with a bearer token (``kuzet apikey create``). Errors always answer JSON
with a ``detail`` key; validation errors list the fields at fault.
"""

from __future__ import annotations

import logging
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer

from kuzet.accounts import api as accounts_api
from kuzet.accounts.access import staff_login_required
from kuzet.accounts.services import api_client_authenticate
from kuzet.core.api_errors import ERROR_DESCRIPTIONS
from kuzet.reports import api as reports_api

logger = logging.getLogger("kuzet.api")


class PartnerToken(HttpBearer):
    """``Authorization: Bearer kz_….…``: a usable (unrevoked, unexpired) partner API client."""

    openapi_description = "A partner token issued by the Department (`kuzet apikey create`)."

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        return api_client_authenticate(token)


api = NinjaAPI(
    title="kuzet partner API",
    version="1.0.0",
    description=(
        "The API of the Department for Countering Cybercrime for banks, telecom operators, "
        "platforms and foreign partners. Every call needs a partner token. Personal data is "
        "masked unless your scope says otherwise; every call is audited.\n\n"
        'Every error answers JSON `{"detail": …, "errors": {field: message} or null, '
        '"code": … or null}`:\n\n'
        + "\n".join(f"- **{status}**: {text}" for status, text in ERROR_DESCRIPTIONS.items())
        + "\n\nText fields take no control characters (NUL and the like); a narrative keeps "
        "its line breaks. Bodies are limited per endpoint (1 MB; 24 MB for bulk calls; 128 MB "
        "for imports) and refused from their Content-Length. Writes honour `Idempotency-Key` "
        "(1-255 printable ASCII characters) for 24 hours: the same key and body replay the "
        "stored answer, another body gets 409; 4xx answers are not stored."
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
