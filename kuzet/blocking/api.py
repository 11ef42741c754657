"""Partner API for the inbox: the hold alerts and other messages sent to an organisation."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from kuzet.accounts.access import get_visible_or_404
from kuzet.accounts.api import ApiRate, require_scope
from kuzet.accounts.models import ApiScope
from kuzet.audit.services import audit_read_many, client_address_of
from kuzet.blocking import services
from kuzet.blocking.models import PartnerInboxItem
from kuzet.core.api_errors import error_responses
from kuzet.core.pagination import MAXIMUM_API_COUNT, MAXIMUM_PAGE_SIZE, capped_count

router = Router(tags=["inbox"])


class InboxItemOut(Schema):
    message_id: uuid.UUID
    kind: str
    standing: Literal["unverified_report", "confirmed", "order"] | None = Field(
        None,
        description="How far a hold alert can be relied on: unverified_report (a member of the "
        "public said so; for your own fraud review), confirmed (by a police officer or the "
        "victim's own bank), order (a prosecutor's or a court's order). The payload says the "
        "same in words (standing_summary, legal_basis, request: kk, ru, en).",
    )
    payload: dict[str, Any]
    received_at: datetime
    acknowledged_at: datetime | None


class PagedInboxItemOut(Schema):
    items: list[InboxItemOut]
    count: int = Field(description="Messages that match, counted up to 10,000.")
    count_is_exact: bool = Field(
        description="False when more than 10,000 messages match and `count` stopped there."
    )


@router.get(
    "/inbox",
    response={200: PagedInboxItemOut, **error_responses(403)},
    summary="Messages for your organisation (hold alerts first), newest first",
    description="Hold alerts carry full account numbers: every message on the page returned is "
    "recorded in the audit log as read by your token, with its purpose.",
)
def inbox_list(
    request: HttpRequest,
    unacknowledged: bool = False,
    limit: int = Query(50, ge=1, le=MAXIMUM_PAGE_SIZE, description="Rows per page (1-200)."),  # type: ignore[type-arg]
    offset: int = Query(0, ge=0, le=10_000_000, description="Rows to skip."),  # type: ignore[type-arg]
) -> dict[str, Any]:
    # Paged by hand, like import rows: the page actually returned is what the audit records.
    client = require_scope(request, ApiScope.INBOX_READ)
    items = PartnerInboxItem.objects.visible_to(client).order_by("-received_at", "-id")
    if unacknowledged:
        items = items.filter(acknowledged_at__isnull=True)
    page = list(items[offset : offset + limit])
    audit_read_many(
        actor=client,
        targets=list(page),
        purpose=services.INBOX_READ_PURPOSE,
        client_address=client_address_of(request),
    )
    counted = capped_count(items, MAXIMUM_API_COUNT)
    return {"items": page, "count": counted.value, "count_is_exact": counted.is_exact}


@router.post(
    "/inbox/{message_id}/ack",
    response={200: InboxItemOut, **error_responses(403, 404)},
    summary="Confirm you have received a message (starts the clock of a hold)",
    description="Needs the scope `inbox:acknowledge` (reading the inbox does not grant it).",
)
def inbox_acknowledge(request: HttpRequest, message_id: uuid.UUID) -> PartnerInboxItem:
    client = require_scope(request, ApiScope.INBOX_ACKNOWLEDGE, rate=ApiRate.WRITE)
    item = get_visible_or_404(
        PartnerInboxItem.objects.visible_to(client), request, client, message_id=message_id
    )
    return services.inbox_acknowledge(actor=client, item=item)
