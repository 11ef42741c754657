"""The page shell: home per role, health check and friendly error pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import connection
from django.db.utils import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_guid import get_guid

from kuzet.accounts.access import acting_user, staff_login_required
from kuzet.accounts.models import Role
from kuzet.core import worklist

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# What each role is here for, in one sentence on its home page.
ROLE_WELCOME: dict[str, StrOrPromise] = {
    Role.DUTY_OFFICER: _(
        "Take reports from the 102 line and the front desk, and start holds at once."
    ),
    Role.INVESTIGATOR: _(
        "Work your department's reports and cases, and chase the money layer by layer."
    ),
    Role.ANALYST: _("Link reports into networks and watch the figures."),
    Role.HEAD_OF_UNIT: _("Watch your unit's queues, deadlines and people."),
    Role.PARTNER_OFFICER: _(
        "Answer the hold, block and takedown requests addressed to your organisation."
    ),
    Role.FOREIGN_LIAISON: _(
        "Exchange requests and intelligence with the Department through the 24/7 channel."
    ),
    Role.AUDITOR: _("Review who did and who read what, and why."),
    Role.STEERING_MEMBER: _("Follow the Action Plan 2025-2029 against live figures."),
    Role.ADMINISTRATOR: _("Manage people, roles and partner API tokens."),
}


@staff_login_required
def home(request: HttpRequest) -> HttpResponse:
    """The work waiting for the person's role, each kind a count linking to its list.

    The organisation's details and people are on the organisation's own page.
    """
    user = acting_user(request)
    membership = user.membership
    context = {
        "membership": membership,
        "organisation": membership.organisation if membership else None,
        "welcome": ROLE_WELCOME.get(membership.role) if membership else "",
        "work": worklist.work_for(user),
        "links": worklist.links_for(user),
    }
    return render(request, "core/home.html", context)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and readiness: 200 when the database answers, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def error_400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/400.html", status=400)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    """The last-resort page, with the request's reference: the same one is on every log line
    of the request, so the administrator finds the traceback the user met."""
    return render(request, "errors/500.html", {"reference": get_guid() or ""}, status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "errors/403_csrf.html", status=403)
