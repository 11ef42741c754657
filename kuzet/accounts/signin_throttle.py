"""Sign-in throttling that an attacker cannot turn into a lockout of the officer.

Three counters, each in the shared rate-limit table (``kuzet.ratelimit``):

- **Per client address**, progressive: ``LOGIN_ADDRESS_FAILURES`` failed sign-ins in
  ``LOGIN_THROTTLE_BASE_SECONDS``, twice that in ten times the window, four times that in a
  hundred times (never longer than ``LOGIN_THROTTLE_MAXIMUM_SECONDS``). An address over any
  tier is refused until that tier's window ends, whichever account it tries.
- **Per account, from unknown devices**: the account's own lock (``User.locked_until``, five
  failures, security.md A3), which now locks out unknown devices only, and lasts longer each
  time it is set within a day (doubling, up to the maximum).
- **Per known device**: a browser that finished a two-factor sign-in holds a signed device
  cookie for that account (OWASP, "device cookies"). Its sign-ins ignore the address throttle
  and the account's lock; its own failures lock that device alone. So an attacker who knows an
  officer's username can lock out every browser but the officer's own.

Bursts of failures against one account or from one address raise an audit entry and a log
line without personal data, once per burst window.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing

from kuzet.accounts.models import AccountAction, User
from kuzet.audit.models import Outcome
from kuzet.audit.services import audit_record
from kuzet.ratelimit.services import Limit, rate_hit, rate_peek

logger = logging.getLogger("kuzet.accounts.signin")

DEVICE_SALT = "kuzet.accounts.login-device"
LOCKS_WINDOW_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Device:
    """A browser known to belong to ``user_id``: it signed in with both factors before."""

    user_id: int
    nonce: str


def device_cookie_value(user_id: int) -> str:
    """A new signed device cookie for ``user_id``, issued after a two-factor sign-in."""
    return signing.dumps({"user": user_id, "nonce": secrets.token_urlsafe(16)}, salt=DEVICE_SALT)


def device_from_cookie(value: str | None) -> Device | None:
    """The device a cookie names, if its signature holds and it has not expired."""
    if not value:
        return None
    try:
        data = signing.loads(
            value, salt=DEVICE_SALT, max_age=settings.LOGIN_DEVICE_COOKIE_DAYS * 24 * 3600
        )
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    user_id, nonce = data.get("user"), data.get("nonce")
    if not isinstance(user_id, int) or not isinstance(nonce, str):
        return None
    return Device(user_id=user_id, nonce=nonce)


def _address_tiers() -> list[Limit]:
    tiers = []
    count, seconds = settings.LOGIN_ADDRESS_FAILURES, settings.LOGIN_THROTTLE_BASE_SECONDS
    while True:
        capped = min(seconds, settings.LOGIN_THROTTLE_MAXIMUM_SECONDS)
        tiers.append(Limit(scope=f"login.address.{capped}", count=count, seconds=capped))
        if capped >= settings.LOGIN_THROTTLE_MAXIMUM_SECONDS or len(tiers) == 4:
            return tiers
        count, seconds = count * 2, seconds * 10


def address_is_throttled(client_address: str | None) -> bool:
    """Whether this address made too many failed sign-ins lately (any tier)."""
    key = client_address or "unknown"
    return any(rate_peek(limit, key).is_exceeded for limit in _address_tiers())


def address_failure(client_address: str | None) -> None:
    """Count one failed sign-in from this address in every tier."""
    key = client_address or "unknown"
    for limit in _address_tiers():
        rate_hit(limit, key)


def _device_limit() -> Limit:
    return Limit(
        scope="login.device",
        count=settings.LOGIN_FAILURE_LIMIT - 1,
        seconds=settings.LOGIN_LOCKOUT_SECONDS,
    )


def device_is_throttled(device: Device) -> bool:
    return rate_peek(_device_limit(), device.nonce).is_exceeded


def device_failure(device: Device) -> None:
    rate_hit(_device_limit(), device.nonce)


def account_lock_seconds(user_id: int) -> int:
    """How long this lock lasts: the base lock, doubled for each earlier lock within a day."""
    locks = rate_hit(
        Limit(scope="login.account_locks", count=1_000_000, seconds=LOCKS_WINDOW_SECONDS),
        f"user:{user_id}",
    ).hits
    seconds = settings.LOGIN_LOCKOUT_SECONDS * 2 ** min(locks - 1, 16)
    return int(
        min(seconds, max(settings.LOGIN_LOCKOUT_SECONDS, settings.LOGIN_THROTTLE_MAXIMUM_SECONDS))
    )


def burst_detected(key: str) -> bool:
    """Count a failure towards ``key``'s burst window; True once, when it becomes a burst."""
    usage = rate_hit(
        Limit(
            scope="login.burst",
            count=settings.LOGIN_BURST_FAILURES,
            seconds=settings.LOGIN_BURST_SECONDS,
        ),
        key,
    )
    return usage.hits == settings.LOGIN_BURST_FAILURES + 1


def alert_on_burst(key: str, *, client_address: str | None, user: User | None) -> None:
    """A burst of failures (one account, or one address) is audited and logged once.

    The log line names no person and no address: the audit entry, which administrators and
    auditors read, holds those.
    """
    if not burst_detected(key):
        return
    kind = "account" if user is not None else "address"
    logger.warning(
        "Sign-in burst: more than %s failures within %s s against one %s (see the audit log)",
        settings.LOGIN_BURST_FAILURES,
        settings.LOGIN_BURST_SECONDS,
        kind,
    )
    audit_record(
        actor=None,
        actor_label=user.get_username() if user is not None else "anonymous",
        action=AccountAction.LOGIN_BURST,
        outcome=Outcome.FAILURE,
        target=user,
        purpose=f"more than {settings.LOGIN_BURST_FAILURES} failed sign-ins "
        f"within {settings.LOGIN_BURST_SECONDS} s against one {kind}",
        client_address=client_address,
        organisation=user.organisation if user is not None else None,
    )
