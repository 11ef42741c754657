"""What waits for the signed-in person, by what their role lets them do: the home page's list.

Each item is a count and a link to the list it counts, filtered the same way. Every count is
served by an index and stops at ``MAXIMUM_WORK_COUNT`` ("more than 1000"), so the home page
costs the same with a thousand reports as with a million (``core/tests/test_page_queries.py``
pins its queries per role).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from kuzet.audit.models import AuditEvent, Outcome
from kuzet.blocking.models import HoldAlert, HoldAlertStatus, PartnerInboxItem
from kuzet.core.pagination import CappedCount, capped_count
from kuzet.core.permissions import Capability
from kuzet.reports.models import Report
from kuzet.reports.worklists import (
    MAXIMUM_WORK_COUNT,
    Focus,
    focus_count,
    waiting_alert_count,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from kuzet.accounts.models import User


@dataclass(frozen=True)
class WorkItem:
    """One kind of waiting work: what it is, how many, and where the list of them is."""

    key: str
    label: StrOrPromise
    count: CappedCount
    url: str
    # Shown under the count: what to do about it, or since when it waits.
    hint: StrOrPromise = ""
    # Work with a clock on it (golden hour, 24-hour limit, unconfirmed alerts) stands out.
    is_pressing: bool = False
    oldest: datetime | None = None


def _queue_url(focus: Focus) -> str:
    return f"{reverse('reports:queue')}?{urlencode({'only': focus.value})}"


def _police_items(user: User, now: datetime) -> list[WorkItem]:
    reports = Report.objects.visible_to(user)
    urgent = focus_count(reports, Focus.URGENT, now=now)
    due_soon = focus_count(reports, Focus.DUE_SOON, now=now)
    overdue = focus_count(reports, Focus.OVERDUE, now=now)
    alerts = waiting_alert_count(HoldAlert.objects.visible_to(user))
    return [
        WorkItem(
            "urgent",
            _("Golden-hour reports now"),
            urgent,
            _queue_url(Focus.URGENT),
            _("Money left minutes ago: a hold can still catch it."),
            is_pressing=bool(urgent),
        ),
        WorkItem(
            "due-soon",
            _("Registrations due within 4 hours"),
            due_soon,
            _queue_url(Focus.DUE_SOON),
            _("Register them in the ERDR before their 24 hours pass."),
            is_pressing=bool(due_soon),
        ),
        WorkItem(
            "overdue",
            _("Past the 24-hour registration limit"),
            overdue,
            _queue_url(Focus.OVERDUE),
            is_pressing=bool(overdue),
        ),
        WorkItem(
            "alerts-waiting",
            _("Hold alerts the bank has not acknowledged"),
            alerts,
            _queue_url(Focus.ALERTS_WAITING),
            _("Call the bank if an alert waits more than a few minutes."),
            is_pressing=bool(alerts),
        ),
    ]


def _held_back_item(user: User) -> WorkItem:
    held_back = capped_count(
        HoldAlert.objects.visible_to(user).filter(status=HoldAlertStatus.HELD_BACK),
        MAXIMUM_WORK_COUNT,
    )
    return WorkItem(
        "held-back",
        _("Held-back alerts for the duty officer"),
        held_back,
        reverse("blocking:held_back"),
        _("Unconfirmed alerts over a bank's hourly budget: check each report, then send or not."),
        is_pressing=bool(held_back),
    )


def _auditor_items(user: User, now: datetime) -> list[WorkItem]:
    # Since the start of yesterday, Kazakhstan's time: the same period the link's filter shows.
    since = timezone.localdate(now) - timedelta(days=1)
    start = datetime.combine(since, time.min, timezone.get_current_timezone())
    events = AuditEvent.objects.visible_to(user)
    # The chain's order is its time order: the period becomes a range of sequence numbers, so
    # each count reads the refusals index (``audit_refusals_newest``) within it, not the period.
    first = events.filter(occurred_at__gte=start).order_by("occurred_at").values("sequence")[:1]
    items = []
    for outcome, label, key in (
        (Outcome.DENIED, _("Refused attempts since yesterday"), "refusals"),
        (Outcome.FAILURE, _("Failed operations since yesterday"), "failures"),
    ):
        counted = capped_count(
            events.filter(outcome=outcome, sequence__gte=Subquery(first)), MAXIMUM_WORK_COUNT
        )
        query = urlencode({"outcome": outcome.value, "since": since.isoformat()})
        items.append(
            WorkItem(
                key,
                label,
                counted,
                f"{reverse('audit:event_list')}?{query}",
                _("Who was refused what, and from where: look for repeated attempts."),
            )
        )
    return items


def _inbox_item(user: User) -> WorkItem:
    waiting = PartnerInboxItem.objects.visible_to(user).filter(acknowledged_at__isnull=True)
    counted = capped_count(waiting, MAXIMUM_WORK_COUNT)
    oldest = (
        waiting.order_by("received_at", "id").values_list("received_at", flat=True).first()
        if counted
        else None
    )
    return WorkItem(
        "inbox-waiting",
        _("Alerts waiting for your confirmation"),
        counted,
        f"{reverse('blocking:inbox')}?{urlencode({'unacknowledged': 'true'})}",
        _("Oldest first. Confirm each as soon as your bank has acted on it."),
        is_pressing=bool(counted),
        oldest=oldest,
    )


def work_for(user: User, *, now: datetime | None = None) -> list[WorkItem]:
    """The waiting work the person's capabilities give them, most pressing kinds first."""
    now = now or timezone.now()
    items: list[WorkItem] = []
    if user.has_capability(Capability.VIEW_REPORTS):
        items.extend(_police_items(user, now))
    if user.has_capability(Capability.RELEASE_HOLD_ALERTS):
        items.append(_held_back_item(user))
    if user.has_capability(Capability.VIEW_INBOX):
        items.append(_inbox_item(user))
    if user.has_capability(Capability.VIEW_AUDIT):
        items.extend(_auditor_items(user, now))
    return items


def links_for(user: User) -> list[dict[str, Any]]:
    """Pages that are not waiting work but that the role opens often."""
    links: list[dict[str, Any]] = []
    membership = user.membership
    if membership is not None and user.has_capability(Capability.MANAGE_MEMBERS):
        links.append(
            {
                "label": _("People and API tokens of your organisation"),
                "url": reverse("accounts:organisation_detail", args=[membership.organisation.code]),
            }
        )
    if user.has_capability(Capability.TAKE_REPORTS):
        links.append(
            {
                "label": _("Take a report (102 line, front desk)"),
                "url": reverse("reports:staff_new"),
            }
        )
    if user.has_capability(Capability.VIEW_AUDIT):
        links.append({"label": _("Open the audit log"), "url": reverse("audit:event_list")})
    return links
