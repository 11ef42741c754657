"""Session rules for signed-in people (security.md A6/A7)."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

from kuzet.accounts.access import is_two_factor_verified, record_denial
from kuzet.accounts.models import User
from kuzet.core.actors import ActionDenied

AUTHENTICATED_AT_KEY = "kuzet_authenticated_at"


class StaffSessionMiddleware:
    """End a session that is older than 12 hours, not two-factor verified, or without a role.

    The 30-minute idle limit is the session cookie's age, renewed on every request. A disabled
    user is already anonymous here: Django's backend refuses inactive users on every request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            started = request.session.get(AUTHENTICATED_AT_KEY)
            too_old = (
                not isinstance(started, int | float)
                or time.time() - started > settings.SESSION_ABSOLUTE_SECONDS
            )
            has_role = isinstance(user, User) and user.membership is not None
            if too_old or not is_two_factor_verified(user) or not has_role:
                logout(request)
        return self.get_response(request)


class ActionDeniedMiddleware:
    """Audit an action a service refused (``ActionDenied``) that no view check caught first.

    Views check the capability of each action before calling its service; the service checks
    again. When only the service's check caught it, the denial is recorded here, and Django
    answers 403 as for any ``PermissionDenied``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, ActionDenied) and not exception.is_recorded:
            user = request.user if isinstance(request.user, User) else None
            record_denial(request, user, exception.capability)
            exception.is_recorded = True
