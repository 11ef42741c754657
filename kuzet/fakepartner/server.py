"""The fake partner service: ``ThreadingHTTPServer`` in a thread, one URL per partner.

- ``POST /partners/<code>/messages``: a webhook from kuzet. The signature is checked with the
  partner's key (401 if it fails: kuzet dead-letters it), then the partner's ``Behaviour``
  decides the answer. A message answered 2xx is kept once by its id, however often it comes.
- ``PUT /partners/<code>/behaviour``: set the partner's behaviour (JSON of ``Behaviour``).
- ``GET /partners/<code>/messages``: what the partner received, as JSON.

The control URLs let the demo and ``kuzet evaluate`` drive partners from another process; the
tests call ``FakePartners`` directly. Answers back to kuzet (acknowledged, held, moved on)
come with the request chain in a later slice.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from kuzet.blocking.signing import SignatureInvalid, signature_verify

# The largest webhook body the fake accepts; a real partner has a limit too.
MAXIMUM_BODY_BYTES = 1024 * 1024


@dataclass
class Behaviour:
    """How one fake partner answers. The defaults: at once, 200."""

    # Seconds to wait before answering (past kuzet's read timeout, this is a timeout).
    delay: float = 0.0
    # The status to answer instead of 200, for the next ``failures`` messages (0: every one).
    status: int = 200
    failures: int = 0
    # Sent with the failing status (429 or 503), as seconds.
    retry_after: str = ""
    # Answer bytes that are not HTTP at all, then close the connection.
    malformed: bool = False


@dataclass
class PartnerRecord:
    """What one fake partner received: each message once, and how often it came."""

    key: str
    behaviour: Behaviour = field(default_factory=Behaviour)
    messages: dict[str, dict[str, Any]] = field(default_factory=dict)
    deliveries: dict[str, int] = field(default_factory=dict)
    refused: int = 0
    failures_answered: int = 0


class FakePartners:
    """The service: start it, register partners with their keys, program them, read them."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        key_lookup: Callable[[str], str | None] | None = None,
    ) -> None:
        self._lock = threading.Lock()
        self._partners: dict[str, PartnerRecord] = {}
        # For a partner not registered yet (the serve command reads kuzet's configuration).
        self._key_lookup = key_lookup
        self._server = ThreadingHTTPServer((host, port), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        name = host.decode() if isinstance(host, bytes) else host
        return f"http://{name}:{port}"

    def url_for(self, code: str) -> str:
        return f"{self.base_url}/partners/{code}/messages"

    def start(self) -> FakePartners:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def serve_forever(self) -> None:
        self._server.serve_forever()

    def register(self, code: str, key: str) -> None:
        with self._lock:
            record = self._partners.get(code)
            if record is None:
                self._partners[code] = PartnerRecord(key=key)
            else:
                record.key = key

    def behave(self, code: str, **changes: Any) -> None:
        """Replace a partner's behaviour: ``behave("KASPI", status=503, retry_after="30")``."""
        with self._lock:
            self._record(code).behaviour = Behaviour(**changes)

    def received(self, code: str) -> dict[str, dict[str, Any]]:
        """Each message the partner accepted, by message id, as first received."""
        with self._lock:
            return dict(self._record(code).messages)

    def deliveries(self, code: str) -> dict[str, int]:
        """How many times each accepted message arrived (more than 1: a redelivery, dropped)."""
        with self._lock:
            return dict(self._record(code).deliveries)

    def refused(self, code: str) -> int:
        with self._lock:
            return self._record(code).refused

    def _record(self, code: str) -> PartnerRecord:
        record = self._partners.get(code)
        if record is None:
            key = self._key_lookup(code) if self._key_lookup else None
            if key is None:
                raise KeyError(code)
            record = self._partners[code] = PartnerRecord(key=key)
        return record

    def _receive(
        self, code: str, headers: dict[str, str], body: bytes
    ) -> tuple[Behaviour, int, dict[str, str]]:
        """Check and keep one webhook; return the behaviour and the answer to give."""
        with self._lock:
            try:
                record = self._record(code)
            except KeyError:
                return Behaviour(), 404, {}
            try:
                verified = signature_verify(keys=[record.key], headers=headers, body=body)
            except SignatureInvalid:
                record.refused += 1
                return Behaviour(), 401, {}
            behaviour = record.behaviour
            failing = behaviour.status >= 300 and (
                behaviour.failures == 0 or record.failures_answered < behaviour.failures
            )
            if failing:
                record.failures_answered += 1
                extra = {"Retry-After": behaviour.retry_after} if behaviour.retry_after else {}
                return behaviour, behaviour.status, extra
            # Kept before answering: a partner that is slow to answer has still received it.
            message_id = verified.message_id
            record.deliveries[message_id] = record.deliveries.get(message_id, 0) + 1
            if message_id not in record.messages:
                record.messages[message_id] = json.loads(body)
            return behaviour, 200, {}

    def _control(self, code: str, method: str, body: bytes) -> tuple[int, Any]:
        with self._lock:
            try:
                record = self._record(code)
            except KeyError:
                return 404, {"error": "unknown partner"}
            if method == "PUT":
                allowed = {item.name for item in fields(Behaviour)}
                changes = {k: v for k, v in json.loads(body or b"{}").items() if k in allowed}
                record.behaviour = Behaviour(**changes)
                record.failures_answered = 0
                return 200, asdict(record.behaviour)
            return 200, {"messages": record.messages, "deliveries": record.deliveries}


def _handler_for(service: FakePartners) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _route(self) -> tuple[str, str] | None:
            parts = self.path.split("?")[0].strip("/").split("/")
            if len(parts) == 3 and parts[0] == "partners":
                return parts[1], parts[2]
            return None

        def _body(self) -> bytes:
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(min(length, MAXIMUM_BODY_BYTES))

        def _answer(self, status: int, document: Any, headers: dict[str, str]) -> None:
            content = json.dumps(document).encode()
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        def do_POST(self) -> None:
            route = self._route()
            body = self._body()
            if route is None or route[1] != "messages":
                self._answer(404, {"error": "not found"}, {})
                return
            headers = dict(self.headers.items())
            behaviour, status, extra = service._receive(route[0], headers, body)
            if behaviour.delay:
                time.sleep(behaviour.delay)
            if behaviour.malformed:
                self.wfile.write(b"\x00\x01 this is not HTTP\r\n\r\n")
                self.close_connection = True
                return
            self._answer(status, {"status": status}, extra)

        def do_PUT(self) -> None:
            self._control("PUT")

        def do_GET(self) -> None:
            self._control("GET")

        def _control(self, method: str) -> None:
            route = self._route()
            body = self._body()
            expected = "behaviour" if method == "PUT" else "messages"
            if route is None or route[1] != expected:
                self._answer(404, {"error": "not found"}, {})
                return
            status, document = service._control(route[0], method, body)
            self._answer(status, document, {})

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            # Quiet: the tests start thousands of requests; the serve command logs its own way.
            pass

    return Handler
