"""The auditors' page: filter the chain by actor, object and period. Reading it is audited.

Each filter is served by an index that also gives the order (``AuditEvent.Meta.indexes``).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from kuzet.accounts.access import acting_user, capability_required
from kuzet.accounts.models import Capability
from kuzet.audit.forms import AuditFilterForm
from kuzet.audit.models import AuditEvent, AuditLogAction
from kuzet.audit.objects import known_actions, object_name, with_object_names
from kuzet.audit.services import audit_record, client_address_of
from kuzet.core.pagination import page_of

PAGE_SIZE = 50


@capability_required(Capability.VIEW_AUDIT)
def event_list(request: HttpRequest) -> HttpResponse:
    """The chain, newest first, filtered; a filter that cannot be applied shows its error and
    no entries (never the unfiltered log as if it were the answer)."""
    user = acting_user(request)
    form = AuditFilterForm(request.GET or None)
    events = AuditEvent.objects.visible_to(user).select_related("organisation")
    filters: dict[str, str] = {}
    is_invalid = form.is_bound and not form.is_valid()
    if is_invalid:
        events = events.none()
        filters = {"invalid": ",".join(sorted(form.errors))}
    elif form.is_bound:
        data = form.cleaned_data
        if data["actor"]:
            events = events.filter(actor_label=data["actor"])
        if data["objects"]:
            (object_type, object_id), *_others = data["objects"]
            events = events.filter(object_type=object_type, object_id=object_id)
        elif data["object_type"]:
            events = events.filter(object_type=data["object_type"])
        if data["action"]:
            events = events.filter(action__startswith=data["action"])
        if data["outcome"]:
            events = events.filter(outcome=data["outcome"])
        zone = timezone.get_current_timezone()
        if data["since"]:
            events = events.filter(occurred_at__gte=datetime.combine(data["since"], time.min, zone))
        if data["until"]:
            end = datetime.combine(data["until"], time.min, zone) + timedelta(days=1)
            events = events.filter(occurred_at__lt=end)
        filters = {
            key: str(value)
            for key, value in data.items()
            if value and key in AuditFilterForm.base_fields
        }
    # Newest first by sequence (the chain's own order), paged without a total: counting the
    # whole chain on every page would read every entry.
    page = page_of(
        with_object_names(events).order_by("-sequence"), request.GET.get("page"), PAGE_SIZE
    )
    for event in page:
        event.object_name = object_name(event)
    # Reading the log is itself recorded (security.md C12), with the filter as its purpose.
    audit_record(
        actor=user,
        action=AuditLogAction.AUDIT_READ,
        object_type="audit.auditevent",
        purpose="filter: " + ", ".join(f"{key}={value}" for key, value in sorted(filters.items())),
        client_address=client_address_of(request),
    )
    template = "audit/event_list.html#results" if request.htmx else "audit/event_list.html"  # type: ignore[attr-defined]
    # An htmx request swaps only the results, so its errors are shown there (and htmx swaps
    # only successful responses); a full page is a 400 with the errors on their fields.
    status = 400 if is_invalid and not request.htmx else 200  # type: ignore[attr-defined]
    return render(
        request,
        template,
        {"form": form, "page": page, "is_invalid": is_invalid, "actions": known_actions()},
        status=status,
    )
