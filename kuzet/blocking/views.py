"""The partner's inbox on screen: hold alerts addressed to one's own organisation."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kuzet.accounts.access import capability_required, get_visible_or_404
from kuzet.accounts.models import Capability
from kuzet.blocking import services
from kuzet.blocking.models import PartnerInboxItem
from kuzet.core.pagination import capped_count, page_of

PAGE_SIZE = 50
# The banner counts alerts waiting for confirmation up to here ("more than 1000").
MAXIMUM_UNACKNOWLEDGED_COUNT = 1000


@capability_required(Capability.VIEW_INBOX)
def inbox(request: HttpRequest) -> HttpResponse:
    items = PartnerInboxItem.objects.visible_to(request.user)
    page = page_of(items.order_by("-received_at", "-id"), request.GET.get("page"), PAGE_SIZE)
    unacknowledged = capped_count(
        items.filter(acknowledged_at__isnull=True), MAXIMUM_UNACKNOWLEDGED_COUNT
    )
    return render(request, "blocking/inbox.html", {"page": page, "unacknowledged": unacknowledged})


@capability_required(Capability.VIEW_INBOX)
@require_POST
def acknowledge(request: HttpRequest, message_id: uuid.UUID) -> HttpResponse:
    item = get_visible_or_404(
        PartnerInboxItem.objects.visible_to(request.user),
        request,
        request.user,
        message_id=message_id,
    )
    services.inbox_acknowledge(actor=request.user, item=item)
    messages.success(request, _("Acknowledged. The Department sees the time you confirmed."))
    return redirect("blocking:inbox")
