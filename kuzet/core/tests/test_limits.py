"""Request bodies over a path's limit are refused with 413 before they are read; unreadable forms
get a 400, on the pages and the API alike."""

from __future__ import annotations

import io
import json
import socket
from typing import Any

import pytest
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpResponse
from django.test import RequestFactory

from kuzet.core.limits import RequestLimitMiddleware, body_limit_for

MEGABYTE = 1024 * 1024


class UnreadableBody(io.RawIOBase):
    """A request body that fails the test if anyone reads it."""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        raise AssertionError("the body was read")


class EndlessBody(io.RawIOBase):
    """A body without a length that never ends; counts what was read from it."""

    def __init__(self) -> None:
        self.taken = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        size = 64 * 1024 if size is None or size < 0 else size
        self.taken += size
        return b"x" * size


def _reached_the_view(request: Any) -> HttpResponse:
    return HttpResponse("view", status=200)


def test_limits_fit_what_each_path_advertises(settings: Any) -> None:
    # 50,000 rows of up to 2.5 KB; 1,000 rows or a 20 MB CSV; 5 attachments of 10 MB.
    assert body_limit_for("/api/v1/reports/imports") >= 50_000 * 2_560
    assert body_limit_for("/api/v1/reports/bulk.csv") > 20 * MEGABYTE
    assert body_limit_for("/report/") > 5 * 10 * MEGABYTE
    assert body_limit_for("/api/v1/reports") == MEGABYTE
    assert body_limit_for("/accounts/login/") == MEGABYTE
    assert body_limit_for("/api/v1/reports/imports") <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def test_a_declared_oversized_body_is_refused_without_being_read(rf: RequestFactory) -> None:
    request = rf.post(
        "/report/", data=b"", content_type="application/octet-stream", CONTENT_LENGTH="314572800"
    )
    request.META["wsgi.input"] = UnreadableBody()
    request._stream = UnreadableBody()  # type: ignore[assignment]
    response = RequestLimitMiddleware(_reached_the_view)(request)
    assert response.status_code == 413
    assert "51 MB" in response.content.decode()


def test_a_chunked_body_is_read_only_up_to_the_limit(rf: RequestFactory) -> None:
    request: WSGIRequest = rf.post("/api/v1/reports", data=b"", content_type="application/json")
    request.META.pop("CONTENT_LENGTH", None)
    endless = EndlessBody()
    request.META.update({"wsgi.input": endless, "wsgi.input_terminated": True})
    response = RequestLimitMiddleware(_reached_the_view)(request)
    assert response.status_code == 413
    assert json.loads(response.content)["detail"].startswith("The request body is larger than 1 MB")
    assert endless.taken <= MEGABYTE + 64 * 1024


def test_a_chunked_body_within_the_limit_reaches_the_view_whole(rf: RequestFactory) -> None:
    request: WSGIRequest = rf.post("/api/v1/reports", data=b"", content_type="application/json")
    request.META.pop("CONTENT_LENGTH", None)
    request.META.update({"wsgi.input": io.BytesIO(b'{"a": 1}'), "wsgi.input_terminated": True})
    seen: dict[str, bytes] = {}

    def view(request: Any) -> HttpResponse:
        seen["body"] = request.body
        return HttpResponse()

    RequestLimitMiddleware(view)(request)
    assert seen["body"] == b'{"a": 1}'


@pytest.mark.django_db
def test_an_api_body_over_the_limit_is_a_413_not_a_500(client: Any, api_token: Any) -> None:
    token = api_token("HALYK", scopes=("reports:write",))
    body = json.dumps({"reports": [{"narrative": "x" * 1000}] * (25 * 1024)})
    response = client.post(
        "/api/v1/reports/bulk",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 413
    assert "24 MB" in response.json()["detail"]


@pytest.mark.django_db
def test_an_import_over_ten_megabytes_is_not_refused_for_its_size(
    client: Any, api_token: Any
) -> None:
    # 12 MB: over Django's old 10 MB limit that turned the advertised import into a 500.
    token = api_token("HALYK", scopes=("reports:write",))
    body = json.dumps({"reports": [{"narrative": "x" * 2_500}] * 5_000})
    assert len(body) > 10 * MEGABYTE
    response = client.post(
        "/api/v1/reports/imports",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_IDEMPOTENCY_KEY="size-check",
    )
    assert response.status_code != 413
    assert response.status_code < 500


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/report/", "/api/v1/reports/bulk.csv"])
def test_multipart_without_a_boundary_is_a_400(client: Any, api_token: Any, path: str) -> None:
    token = api_token("HALYK", scopes=("reports:write",))
    response = client.generic(
        "POST",
        path,
        b"--x\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--x--\r\n",
        content_type="multipart/form-data",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 400
    assert "boundary" in response.content.decode()


def test_a_300_megabyte_upload_to_the_live_server_is_refused_at_its_headers(
    live_server: Any,
) -> None:
    """Over a real socket: the 413 comes back after only the headers were sent."""
    host, port = live_server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(
            b"POST /report/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: multipart/form-data; boundary=x\r\n"
            b"Content-Length: 314572800\r\n\r\n--x\r\n"
        )
        answer = connection.recv(65536).decode("latin-1")
    assert answer.startswith("HTTP/1.1 413")
