"""The error answers of the partner API, one shape for all of them, documented per endpoint.

Every error is JSON ``{"detail": "what to do", "errors": {"field": "what is wrong"} | null,
"code": "machine code" | null}``: 422 names each field at fault (``transfers.0.amount``,
``query.limit``), 401 carries ``code: not_authenticated``, 429 comes with ``Retry-After``.
Endpoints list the statuses they can answer with ``error_responses(...)`` so the OpenAPI contract
says what a partner may receive (the contract test holds them to it).
"""

from __future__ import annotations

from typing import Any

from ninja import Schema

ERROR_DESCRIPTIONS = {
    400: "The request cannot be read: a control character in the address, a form upload "
    "without a boundary, a malformed Idempotency-Key.",
    401: "Missing, unknown, expired or revoked token.",
    403: "The token lacks the scope, or the organisation's kind may not use this endpoint.",
    404: "Nothing with that id is visible to your organisation.",
    409: "The first request with this Idempotency-Key still runs; retry shortly.",
    413: "The body is larger than this endpoint takes; refused before it is read.",
    422: "Fields at fault, named in `errors`; or an Idempotency-Key already used with another "
    "body.",
    429: "Over your client's allowance per minute for this kind of call, or over a quota of "
    "your organisation; wait the seconds in `Retry-After`.",
}


class ErrorOut(Schema):
    detail: str
    errors: dict[str, str] | None = None
    code: str | None = None


def error_responses(*statuses: int) -> dict[int, Any]:
    """``{status: ErrorOut}`` for the ``response=`` of an endpoint.

    400, 401, 413, 422 and 429 can answer any call (every call is counted against the client's
    allowance), so they are always listed; ``statuses`` adds the endpoint's own.
    """
    return dict.fromkeys(sorted({400, 401, 413, 422, 429, *statuses}), ErrorOut)
