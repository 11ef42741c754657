"""Who am I, and the organisations a partner may see."""

from __future__ import annotations

import enum
from datetime import datetime

from django.conf import settings
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from kuzet.accounts import services
from kuzet.accounts.access import get_visible_or_404
from kuzet.accounts.models import ApiClient, ApiScope, Organisation
from kuzet.audit.services import client_address_of
from kuzet.core.api_errors import error_responses
from kuzet.core.pagination import BoundedPagination
from kuzet.ratelimit.services import Limit, rate_check

router = Router(tags=["accounts"])


class ApiRate(enum.StrEnum):
    """Kinds of partner call, each with its own allowance per client per minute (settings)."""

    READ = "read"
    WRITE = "write"
    BULK = "bulk"
    IMPORT = "import"


def require_scope(
    request: HttpRequest, scope: ApiScope, *, rate: ApiRate | None = None
) -> ApiClient:
    """The calling client, if its token carries ``scope``; 403 with the missing scope otherwise.

    The refusal is audited (bounded per client address and minute). Every call is counted
    against the client's own allowance for its kind of call (``rate``; reads and writes by
    default, from the scope), so one partner's burst never uses another's.
    Over the allowance, ``RateLimited`` answers 429 with ``Retry-After`` (see ``kuzet/api.py``).
    """
    client: ApiClient = request.auth  # type: ignore[attr-defined]
    if not client.has_scope(scope):
        services.api_denial_record(
            api_client=client,
            requirement=f"scope {scope}",
            client_address=client_address_of(request),
        )
        raise HttpError(403, f"This token lacks the scope '{scope}'. Ask the Department for it.")
    if rate is None:
        rate = ApiRate.WRITE if scope.endswith(":write") else ApiRate.READ
    limit = Limit(
        scope=f"api.{rate.value}",
        count=settings.API_RATE_LIMITS_PER_MINUTE[rate.value],
        seconds=60,
    )
    rate_check(limit, f"api-client:{client.pk}")
    return client


class OrganisationOut(Schema):
    code: str
    kind: str
    name_kk: str
    name_ru: str
    name_en: str
    region: str | None
    bic: str
    iban_bank_code: str

    @staticmethod
    def resolve_region(organisation: Organisation) -> str | None:
        return organisation.region.iso_code if organisation.region else None


class MeOut(Schema):
    client: str
    organisation: OrganisationOut
    scopes: list[str]
    expires_at: datetime


@router.get(
    "/me",
    response={200: MeOut, **error_responses(403)},
    summary="The calling client, its organisation and scopes",
)
def me(request: HttpRequest) -> dict[str, object]:
    client = require_scope(request, ApiScope.PROFILE_READ)
    return {
        "client": client.name,
        "organisation": client.organisation,
        "scopes": client.scopes,
        "expires_at": client.expires_at,
    }


@router.get(
    "/organisations",
    response={200: list[OrganisationOut], **error_responses(403)},
    summary="Organisations visible to the caller (itself and the Department)",
)
@paginate(BoundedPagination)
def organisation_list(request: HttpRequest) -> object:
    client = require_scope(request, ApiScope.ORGANISATIONS_READ)
    return Organisation.objects.visible_to(client).select_related("region").order_by("code")


@router.get(
    "/organisations/{code}",
    response={200: OrganisationOut, **error_responses(403, 404)},
    summary="One visible organisation",
)
def organisation_detail(request: HttpRequest, code: str) -> Organisation:
    client = require_scope(request, ApiScope.ORGANISATIONS_READ)
    return get_visible_or_404(
        Organisation.objects.visible_to(client).select_related("region"), request, client, code=code
    )
