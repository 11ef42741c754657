"""The partner's inbox on screen: hold alerts addressed to one's own organisation."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kuzet.accounts.access import acting_user, capability_required, get_visible_or_404
from kuzet.accounts.models import Capability
from kuzet.audit.services import audit_read_many, client_address_of
from kuzet.blocking import services
from kuzet.blocking.models import HoldAlert, HoldAlertStatus, PartnerInboxItem
from kuzet.core.pagination import capped_count, page_of

PAGE_SIZE = 50
# The banner counts alerts waiting for confirmation up to here ("more than 1000").
MAXIMUM_UNACKNOWLEDGED_COUNT = 1000


@capability_required(Capability.VIEW_INBOX)
def inbox(request: HttpRequest) -> HttpResponse:
    """The organisation's inbox, newest first; ``?unacknowledged=true`` what still waits for
    confirmation, oldest first (the home page's link). Its alerts carry full account numbers:
    each shown item is recorded as a read with its purpose."""
    user = acting_user(request)
    items = PartnerInboxItem.objects.visible_to(user)
    only_waiting = request.GET.get("unacknowledged") in {"true", "1"}
    if only_waiting:
        # Served by ``blocking_inbox_unacknowledged`` read backwards.
        listed = items.filter(acknowledged_at__isnull=True).order_by("received_at", "id")
    else:
        listed = items.order_by("-received_at", "-id")
    page = page_of(listed, request.GET.get("page"), PAGE_SIZE)
    unacknowledged = capped_count(
        items.filter(acknowledged_at__isnull=True), MAXIMUM_UNACKNOWLEDGED_COUNT
    )
    audit_read_many(
        actor=user,
        targets=list(page.rows),
        purpose=services.INBOX_READ_PURPOSE,
        client_address=client_address_of(request),
    )
    return render(
        request,
        "blocking/inbox.html",
        {
            "page": page,
            "unacknowledged": unacknowledged,
            "only_waiting": only_waiting,
            "can_acknowledge": user.has_capability(Capability.ACKNOWLEDGE_INBOX),
        },
    )


@capability_required(Capability.ACKNOWLEDGE_INBOX)
@require_POST
def acknowledge(request: HttpRequest, message_id: uuid.UUID) -> HttpResponse:
    user = acting_user(request)
    item = get_visible_or_404(
        PartnerInboxItem.objects.visible_to(user), request, user, message_id=message_id
    )
    was_acknowledged = item.acknowledged_at is not None
    services.inbox_acknowledge(actor=user, item=item)
    if was_acknowledged:
        # A second press (or a colleague's): the first confirmation's time stands.
        messages.info(request, _("Already confirmed: the first confirmation's time stands."))
    else:
        messages.success(request, _("Acknowledged. The Department sees the time you confirmed."))
    return redirect("blocking:inbox")


@capability_required(Capability.RELEASE_HOLD_ALERTS)
def held_back(request: HttpRequest) -> HttpResponse:
    """The duty officers' queue: unverified alerts held back by a bank's hourly budget."""
    alerts = (
        HoldAlert.objects.visible_to(acting_user(request))
        .filter(status=HoldAlertStatus.HELD_BACK)
        .select_related("report", "transfer", "bank")
        .order_by("-created_at")
    )
    page = page_of(alerts, request.GET.get("page"), PAGE_SIZE)
    return render(request, "blocking/held_back.html", {"page": page})


@capability_required(Capability.RELEASE_HOLD_ALERTS)
@require_POST
def release(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = acting_user(request)
    alert = get_visible_or_404(
        HoldAlert.objects.visible_to(user), request, user, public_id=public_id
    )
    was_held_back = alert.status == HoldAlertStatus.HELD_BACK
    services.hold_alert_release(actor=user, alert=alert, client_address=client_address_of(request))
    if was_held_back:
        messages.success(request, _("Sent to the bank, marked as an unconfirmed victim report."))
    else:
        messages.info(request, _("This alert was already sent: nothing changed."))
    return redirect("blocking:held_back")
