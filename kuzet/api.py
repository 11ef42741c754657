"""The JSON API for partner systems, under /api/v1/, with its OpenAPI page at /api/v1/docs.

Partners authenticate with a bearer token (``kuzet apikey create``). Errors always answer JSON
with a ``detail`` key; validation errors list the fields at fault.
"""

from __future__ import annotations

import logging
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.security import HttpBearer

from kuzet.accounts import api as accounts_api
from kuzet.accounts.access import staff_login_required
from kuzet.accounts.services import api_client_authenticate
from kuzet.ratelimit.services import RateLimited
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
        "masked unless your scope says otherwise; every call is audited. Each client has "
        "its own allowance per minute for each kind of call (reads, single writes, bulk "
        "writes, imports); over it a call answers 429 with a Retry-After header in seconds."
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
