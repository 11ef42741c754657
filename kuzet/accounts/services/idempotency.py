"""Partner writes with an ``Idempotency-Key``: run once, replay the answer to repeats."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone

from kuzet.accounts.models import (
    ApiClient,
    IdempotencyRecord,
)


class IdempotencyConflict(Exception):
    """The key was used with another body (422), or its first request is still running (409)."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        self.message = message
        super().__init__(message)


IDEMPOTENCY_WINDOW = timedelta(hours=24)


def idempotent_call(
    *,
    api_client: ApiClient,
    endpoint: str,
    key: str,
    body: bytes,
    handler: Callable[[], tuple[int, dict[str, Any]]],
) -> tuple[int, dict[str, Any]]:
    """Run ``handler`` once per (client, endpoint, key); replay its answer to repeats.

    The IETF Idempotency-Key draft's rules (Stripe's, with its status codes): the same key with
    the same body gets the stored answer; with another body a 422 (the request is wrong, retrying
    it will not help); while the first request runs a 409 (retrying later will). Answers in the
    4xx range are not kept, so a corrected request may reuse the key. Keys older than 24 hours are
    forgotten.
    """
    if not key or len(key) > 255 or not key.isascii() or not key.isprintable():
        raise IdempotencyConflict(
            400, "The Idempotency-Key must be 1-255 printable ASCII characters."
        )
    digest = hashlib.sha256(body).hexdigest()
    IdempotencyRecord.objects.filter(
        api_client=api_client,
        endpoint=endpoint,
        key=key,
        created_at__lt=timezone.now() - IDEMPOTENCY_WINDOW,
    ).delete()
    try:
        with transaction.atomic():
            record = IdempotencyRecord.objects.create(
                api_client=api_client, endpoint=endpoint, key=key, request_digest=digest
            )
    except IntegrityError:
        existing = IdempotencyRecord.objects.get(api_client=api_client, endpoint=endpoint, key=key)
        if existing.request_digest != digest:
            raise IdempotencyConflict(
                422,
                "This Idempotency-Key was already used with a different request body: "
                "send a new key with a new request.",
            ) from None
        if existing.status_code == 0:
            raise IdempotencyConflict(
                409, "A request with this Idempotency-Key is still running; retry shortly."
            ) from None
        return existing.status_code, existing.response or {}
    try:
        status, response = handler()
    except BaseException:
        record.delete()
        raise
    if 400 <= status < 500:
        record.delete()
    else:
        record.status_code = status
        record.response = json.loads(json.dumps(response, cls=DjangoJSONEncoder))
        record.save(update_fields=["status_code", "response"])
    return status, response
