"""Request bodies: how large each path takes them, refused before they are read.

Every request passes ``RequestLimitMiddleware`` first (it heads ``MIDDLEWARE``). It answers:

- **413** when the declared ``Content-Length`` is over the limit of the path, without reading a
  byte of the body, so a 300 MB upload costs the server its headers only;
- **413** when a body sent without a length (``Transfer-Encoding: chunked``, which granian hands
  over as a terminated stream) grows over the limit: it is read into a spooled file and reading
  stops one piece past the limit. A body within the limit is then handed to Django with its
  length, so chunked requests work like the others;
- **400** for a path or query string with a control character (a ``%00`` in an organisation
  code reached PostgreSQL, which cannot hold a NUL, as a 500);
- **400** for a form upload that cannot be parsed (``multipart/form-data`` without a boundary, a
  malformed part, too many fields or files). The form is parsed here, in one place, because
  otherwise the first code to touch ``request.POST`` (the CSRF check, an API endpoint) would turn
  the parser's error into a 500.

The limits (``settings.REQUEST_BODY_LIMITS``) are per path prefix, the longest prefix winning, so
the 50,000-row import takes a large body and the sign-in form a small one. API paths answer JSON
``{"detail": …}``; pages answer the error page.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from typing import IO

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.handlers.wsgi import LimitedStream
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.translation import gettext as _

from kuzet.core.text import url_has_control_character

READ_PIECE = 64 * 1024
SPOOL_IN_MEMORY = 1024 * 1024
METHODS_WITH_BODY = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def body_limit_for(path: str) -> int:
    """The largest body, in bytes, that ``path`` takes: the entry of its longest prefix."""
    limits: dict[str, int] = settings.REQUEST_BODY_LIMITS
    prefix = max((prefix for prefix in limits if path.startswith(prefix)), key=len)
    return limits[prefix]


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


class RequestLimitMiddleware:
    """Refuse bodies over the path's limit (413) and unparseable form uploads (400)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if url_has_control_character(request.path, request.META.get("QUERY_STRING", "")):
            return self._refuse(
                request, 400, _("The address contains a control character (such as NUL).")
            )
        limit = body_limit_for(request.path)
        declared = request.META.get("CONTENT_LENGTH") or ""
        if declared:
            try:
                length = int(declared)
            except ValueError:
                length = -1
            if length < 0:
                return self._refuse(request, 400, _("The Content-Length header is not a length."))
            if length > limit:
                return self._too_large(request, limit)
        elif request.method in METHODS_WITH_BODY and request.META.get("wsgi.input_terminated"):
            refused = self._take_unmeasured_body(request, limit)
            if refused is not None:
                return refused
        if request.method == "POST" and request.content_type == "multipart/form-data":
            refused = self._parse_form(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    def _take_unmeasured_body(self, request: HttpRequest, limit: int) -> HttpResponse | None:
        """Read a body sent without a length, stopping one piece past ``limit``."""
        source: IO[bytes] = request.META["wsgi.input"]
        spooled = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115
        size = 0
        while piece := source.read(READ_PIECE):
            size += len(piece)
            if size > limit:
                spooled.close()
                return self._too_large(request, limit)
            spooled.write(piece)
        spooled.seek(0)
        request.META["CONTENT_LENGTH"] = str(size)
        # Django's request read an absent length as an empty body; hand it the bounded copy.
        request._stream = LimitedStream(spooled, size)  # type: ignore[arg-type, assignment]
        request._read_started = False  # type: ignore[attr-defined]
        return None

    def _parse_form(self, request: HttpRequest) -> HttpResponse | None:
        try:
            request.POST  # noqa: B018  (parses the form and its files once, here)
        except RequestDataTooBig:
            return self._too_large(request, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        except (MultiPartParserError, SuspiciousOperation):
            return self._refuse(
                request,
                400,
                _(
                    "The form upload cannot be read: send multipart/form-data with its boundary, "
                    "at most %(fields)s fields and %(files)s files."
                )
                % {
                    "fields": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS,
                    "files": settings.DATA_UPLOAD_MAX_NUMBER_FILES,
                },
            )
        return None

    def _too_large(self, request: HttpRequest, limit: int) -> HttpResponse:
        return self._refuse(
            request,
            413,
            _("The request body is larger than %(limit)s, the most this address takes.")
            % {"limit": _megabytes(limit)},
        )

    def _refuse(self, request: HttpRequest, status: int, detail: str) -> HttpResponse:
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse({"detail": detail}, status=status)
        else:
            response = render(
                request, "errors/request_refused.html", {"detail": detail}, status=status
            )
        return response
