"""Session rules for signed-in people (security.md A6/A7)."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

from kuzet.accounts.access import is_two_factor_verified
from kuzet.accounts.models import User

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
