"""Cross-cutting HTTP middleware."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class NoStoreMiddleware:
    """Tell browsers and proxies never to keep a copy of a signed-in page or an API answer.

    Pages for staff and partners carry personal data (security.md F8); static files and the
    public pages are the only cacheable answers.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        is_private = request.path.startswith("/api/") or bool(user and user.is_authenticated)
        if is_private and "Cache-Control" not in response:
            response["Cache-Control"] = "no-store"
        return response
