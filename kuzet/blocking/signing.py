"""Signing what kuzet sends a partner, and checking what a partner sends back.

One scheme both ways: HMAC-SHA256 with the partner's own key over
``timestamp + "." + nonce + "." + body`` (the body as the exact bytes on the wire), carried in
four headers beside the message id. The timestamp bounds a replay to ``SIGNATURE_WINDOW``; the
nonce, remembered by the receiver for that window (``SeenNonce``), stops a replay within it.
Pure functions: no database, no clock unless none is given, so partners can be handed the same
code and the tests can pin the vectors.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

HEADER_MESSAGE_ID = "X-Kuzet-Message-Id"
HEADER_TIMESTAMP = "X-Kuzet-Timestamp"
HEADER_NONCE = "X-Kuzet-Nonce"
HEADER_SIGNATURE = "X-Kuzet-Signature"
SIGNATURE_VERSION = "v1"
# security.md F4: five minutes either side of the receiver's clock, no more.
SIGNATURE_WINDOW_SECONDS = 300
# Nonces are 128-bit random hex; anything much longer is not one of ours.
MAXIMUM_NONCE_LENGTH = 64


class SignatureInvalid(Exception):
    """A message whose signature, timestamp or headers do not check out: refuse it."""


def signing_key_new() -> str:
    """A fresh per-partner key: 256 bits, URL-safe, to be handed to the partner once."""
    return secrets.token_urlsafe(32)


def signature(*, key: str, timestamp: str, nonce: str, body: bytes) -> str:
    """The header value: ``v1=`` and the hex HMAC-SHA256 of ``timestamp.nonce.body``."""
    signed = timestamp.encode("ascii") + b"." + nonce.encode("ascii") + b"." + body
    digest = hmac.new(key.encode("utf-8"), signed, hashlib.sha256).hexdigest()
    return f"{SIGNATURE_VERSION}={digest}"


def signed_headers(
    *,
    key: str,
    message_id: str,
    body: bytes,
    now: float | None = None,
    nonce: str | None = None,
) -> dict[str, str]:
    """The four headers that go with ``body``; a fresh nonce unless one is given (tests)."""
    timestamp = str(int(time.time() if now is None else now))
    nonce = nonce or secrets.token_hex(16)
    return {
        HEADER_MESSAGE_ID: message_id,
        HEADER_TIMESTAMP: timestamp,
        HEADER_NONCE: nonce,
        HEADER_SIGNATURE: signature(key=key, timestamp=timestamp, nonce=nonce, body=body),
    }


@dataclass(frozen=True)
class VerifiedMessage:
    """What a checked message says about itself: the receiver still has to remember the nonce."""

    message_id: str
    timestamp: int
    nonce: str


def _header(headers: Mapping[str, str], name: str) -> str:
    # HTTP header names are case-insensitive; servers and clients spell them differently.
    lowered = {key.lower(): value for key, value in headers.items()}
    value = lowered.get(name.lower(), "").strip()
    if not value:
        raise SignatureInvalid(f"missing {name}")
    return value


def signature_verify(
    *,
    keys: Iterable[str],
    headers: Mapping[str, str],
    body: bytes,
    now: float | None = None,
) -> VerifiedMessage:
    """Check a message's headers against ``body`` with any of ``keys`` (current and previous
    during a rotation); raise ``SignatureInvalid`` if they fail.

    The comparison is constant-time (``hmac.compare_digest``), so a forger learns nothing from
    how long a refusal takes. Replay within the window is the caller's to stop, with the nonce.
    """
    message_id = _header(headers, HEADER_MESSAGE_ID)
    timestamp_text = _header(headers, HEADER_TIMESTAMP)
    nonce = _header(headers, HEADER_NONCE)
    given = _header(headers, HEADER_SIGNATURE)
    if not timestamp_text.isdigit() or len(timestamp_text) > 12:
        raise SignatureInvalid("malformed timestamp")
    if len(nonce) > MAXIMUM_NONCE_LENGTH or not nonce.isascii() or not nonce.isprintable():
        raise SignatureInvalid("malformed nonce")
    timestamp = int(timestamp_text)
    current = time.time() if now is None else now
    if abs(current - timestamp) > SIGNATURE_WINDOW_SECONDS:
        raise SignatureInvalid("timestamp outside the five-minute window")
    matched = False
    for key in keys:
        expected = signature(key=key, timestamp=timestamp_text, nonce=nonce, body=body)
        # Every key is tried, so the time taken does not tell which one matched.
        matched |= hmac.compare_digest(expected.encode("ascii"), given.encode("ascii", "replace"))
    if not matched:
        raise SignatureInvalid("signature does not match")
    return VerifiedMessage(message_id=message_id, timestamp=timestamp, nonce=nonce)
