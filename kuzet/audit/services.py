"""Writing and verifying the audit chain.

Appends are serialised so that the chain stays linear under concurrency: on PostgreSQL with a
transaction-scoped advisory lock, on SQLite by its IMMEDIATE transactions (the write lock is taken
at BEGIN). Reading the head with ``ORDER BY … LIMIT 1`` without such a lock forks the chain when
two writers race (security.md C8); the unique ``previous_hash`` is the last line of defence.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.ipv6 import clean_ipv6_address

from kuzet.accounts.models import ApiClient, Organisation, User
from kuzet.audit.models import GENESIS_HASH, AuditEvent, AuditLogAction, Outcome
from kuzet.core.actors import Actor, SystemActor, actor_organisation
from kuzet.core.bulk import bulk_insert
from kuzet.core.models import AuditAction
from kuzet.ratelimit.services import Limit, rate_hit, rate_previous

__all__ = [
    "PendingEntry",
    "SystemActor",
    "VerificationResult",
    "audit_access_failure",
    "audit_read",
    "audit_read_many",
    "audit_record",
    "audit_record_many",
    "audit_verify",
    "client_address_of",
    "digest_state",
]

# Any fixed 64-bit number: it names the audit chain's lock among PostgreSQL advisory locks.
AUDIT_CHAIN_LOCK = 7_274_000_001


def digest_state(state: dict[str, Any] | None) -> str:
    """SHA-256 of a canonical JSON rendering of an object's state, or '' when there is none."""
    if state is None:
        return ""
    canonical = json.dumps(state, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def client_address_of(request: HttpRequest | None) -> str | None:
    """The client's address: the one function audit, rate limits and sign-in all use.

    The peer address (``REMOTE_ADDR``) is the client unless it is one of
    ``settings.TRUSTED_PROXIES`` (the TLS proxy in front of granian). Only then is
    ``X-Forwarded-For`` read, from the right (the hop nearest to us) to the left, skipping every
    trusted proxy; the first address that is not one is the client. Hops further left were
    written by the client itself and prove nothing, so they are never used; a malformed hop
    stops the walk at the last address we can trust.
    """
    if request is None:
        return None
    peer = _parsed_address(request.META.get("REMOTE_ADDR", ""))
    if peer is None:
        return None
    trusted = settings.TRUSTED_PROXIES
    if not trusted or not _is_trusted(peer, trusted):
        return str(peer)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    client = peer
    for hop in reversed(forwarded.split(",")[:50]):
        address = _parsed_address(hop)
        if address is None:
            break
        client = address
        if not _is_trusted(address, trusted):
            break
    return str(client)


def _parsed_address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _is_trusted(
    address: ipaddress.IPv4Address | ipaddress.IPv6Address,
    trusted: list[ipaddress.IPv4Network | ipaddress.IPv6Network],
) -> bool:
    return any(address.version == network.version and address in network for network in trusted)


_ACTOR_RELATIONS = frozenset({"actor_user", "actor_api_client", "organisation"})


def _actor_fields(actor: Actor | None, actor_label: str | None) -> dict[str, Any]:
    if isinstance(actor, User) and actor.pk is not None:
        organisation = actor.organisation
        return {
            "actor_user": actor,
            "actor_label": actor_label or actor.get_username(),
            "organisation": organisation,
        }
    if isinstance(actor, ApiClient):
        return {
            "actor_api_client": actor,
            "actor_label": actor_label or f"api:{actor.organisation.code}/{actor.name}",
            "organisation": actor.organisation,
        }
    if isinstance(actor, SystemActor):
        return {"actor_label": actor_label or f"system:{actor.name}", "organisation": None}
    return {"actor_label": actor_label or "system", "organisation": actor_organisation(actor)}


def audit_record(
    *,
    actor: Actor | None,
    action: AuditAction,
    outcome: str = Outcome.SUCCESS,
    target: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    purpose: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    client_address: str | None = None,
    actor_label: str | None = None,
    organisation: Organisation | None = None,
) -> AuditEvent:
    """Append one entry to the chain, inside the caller's transaction when there is one.

    Call it from the service that makes the change, before that service returns: if the audit
    insert fails the change is rolled back with it (fail closed, security.md C10).
    """
    if target is not None:
        object_type = object_type or target._meta.label_lower
        object_id = object_id or str(target.pk)
    if client_address and ":" in client_address:
        # The same normal form the column stores, so the hash survives the round trip.
        client_address = clean_ipv6_address(client_address)
    fields = _actor_fields(actor, actor_label)
    if organisation is not None:
        fields["organisation"] = organisation
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [AUDIT_CHAIN_LOCK])
        head = AuditEvent.objects.order_by("-sequence").values("sequence", "entry_hash").first()
        event = AuditEvent(
            sequence=(head["sequence"] + 1) if head else 1,
            previous_hash=head["entry_hash"] if head else GENESIS_HASH,
            occurred_at=timezone.now(),
            # The plain string: the value stored, and the one the chain's hash covers.
            action=action.value,
            outcome=outcome,
            object_type=object_type,
            object_id=object_id,
            purpose=purpose[:300],
            before_digest=digest_state(before),
            after_digest=digest_state(after),
            client_address=client_address,
            **fields,
        )
        event.entry_hash = event.compute_hash()
        event.save()
    return event


@dataclass(frozen=True)
class PendingEntry:
    """One entry for ``audit_record_many``: a successful action on a target, as ``audit_record``
    takes it (the actor and client address are the batch's; there is no before state)."""

    action: AuditAction
    target: models.Model | None = None
    purpose: str = ""
    after: dict[str, Any] | None = None


def audit_record_many(
    *, actor: Actor | None, entries: list[PendingEntry], client_address: str | None = None
) -> list[AuditEvent]:
    """Append many entries under one lock and one insert (bulk intake: one entry per report).

    The chain is the same as with ``audit_record``: each entry hashes the one before it.
    """
    if not entries:
        return []
    if client_address and ":" in client_address:
        client_address = clean_ipv6_address(client_address)
    # Keys rather than related objects: assigning an object costs a descriptor call per field,
    # and bulk intake builds a thousand entries per call.
    fields = {
        (f"{name}_id" if name in _ACTOR_RELATIONS else name): (
            getattr(value, "pk", None) if name in _ACTOR_RELATIONS else value
        )
        for name, value in _actor_fields(actor, None).items()
    }
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [AUDIT_CHAIN_LOCK])
        head = AuditEvent.objects.order_by("-sequence").values("sequence", "entry_hash").first()
        sequence = head["sequence"] if head else 0
        previous_hash = head["entry_hash"] if head else GENESIS_HASH
        now = timezone.now()
        events = []
        for entry in entries:
            sequence += 1
            event = AuditEvent(
                sequence=sequence,
                previous_hash=previous_hash,
                occurred_at=now,
                action=entry.action.value,
                outcome=Outcome.SUCCESS,
                object_type=entry.target._meta.label_lower if entry.target is not None else "",
                object_id=str(entry.target.pk) if entry.target is not None else "",
                purpose=entry.purpose[:300],
                after_digest=digest_state(entry.after),
                client_address=client_address,
                **fields,
            )
            event.entry_hash = previous_hash = event.compute_hash()
            events.append(event)
        bulk_insert(events)
    return events


@dataclass(frozen=True)
class VerificationResult:
    """What ``audit verify`` found: how many entries, the head, and the first problem if any."""

    checked: int
    head_sequence: int
    head_hash: str
    first_bad_sequence: int | None = None
    problem: str = ""

    @property
    def is_valid(self) -> bool:
        return self.first_bad_sequence is None


def audit_read(
    *, actor: Actor | None, target: models.Model, purpose: str, client_address: str | None = None
) -> AuditEvent:
    """Record a consultation of personal data with its purpose (LED Art. 25; security.md C1/C2)."""
    return audit_record(
        actor=actor,
        action=AuditLogAction.READ,
        target=target,
        purpose=purpose,
        client_address=client_address,
    )


def audit_read_many(
    *,
    actor: Actor | None,
    targets: list[models.Model],
    purpose: str,
    client_address: str | None = None,
) -> list[AuditEvent]:
    """Record the consultation of each object on a page of personal data, under one lock.

    A page is bounded (at most 200 rows through the API), so this is one insert per page.
    """
    return audit_record_many(
        actor=actor,
        entries=[
            PendingEntry(action=AuditLogAction.READ, target=target, purpose=purpose)
            for target in targets
        ],
        client_address=client_address,
    )


# ---------------------------------------------------------------- refused access, bounded

# A flood of bad tokens must neither grow the audit table without limit nor slow the API: the
# first failure of a kind from a client address in a minute is recorded, the repeats are only
# counted (and the count goes into the next entry for that address and kind), and no more than
# FAILURE_ENTRIES_PER_MINUTE such entries are written per minute whatever the number of
# addresses. The counters are the rate limiter's, in the database every process shares, so the
# bound holds for the whole deployment (a per-process cache multiplied it by the processes).
FAILURE_ENTRIES_PER_MINUTE = 120
_FAILURES_OF_A_KIND = Limit(scope="audit.refused.kind", count=1, seconds=60)
_FAILURE_ENTRIES = "audit.refused.entries"


def _failure_source(client_address: str | None) -> str:
    """An IPv4 address, or the /64 network of an IPv6 one (one host can hold a whole /64)."""
    if not client_address:
        return "unknown"
    try:
        address = ipaddress.ip_address(client_address)
    except ValueError:
        return "unknown"
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def audit_access_failure(
    *,
    action: AuditAction,
    reason: str,
    outcome: str = Outcome.DENIED,
    client_address: str | None = None,
    actor: Actor | None = None,
    actor_label: str | None = None,
    target: models.Model | None = None,
    organisation: Organisation | None = None,
) -> AuditEvent | None:
    """Record a refused authentication or authorisation, bounded as described above.

    ``reason`` is a short code (``revoked``, ``missing_scope:reports:write``…), never the
    token. Returns the entry written, or None when this failure was only counted.
    """
    kind = f"{_failure_source(client_address)}|{action}|{reason}"
    if rate_hit(_FAILURES_OF_A_KIND, kind).is_exceeded:
        return None
    entries = Limit(scope=_FAILURE_ENTRIES, count=FAILURE_ENTRIES_PER_MINUTE, seconds=60)
    if rate_hit(entries, "all").is_exceeded:
        return None
    repeats = max(0, rate_previous(_FAILURES_OF_A_KIND, kind) - 1)
    purpose = reason if not repeats else f"{reason}; {repeats} more in the minute before"
    return audit_record(
        actor=actor,
        actor_label=actor_label,
        action=action,
        outcome=outcome,
        target=target,
        purpose=purpose,
        client_address=client_address,
        organisation=organisation,
    )


def _chain_in_order() -> Iterator[AuditEvent]:
    return AuditEvent.objects.order_by("sequence").iterator(chunk_size=2000)


def audit_verify(expected_head: str | None = None) -> VerificationResult:
    """Walk the whole chain from the genesis and name the first entry that does not fit.

    A verifier that only holds the database cannot see a cut-off tail; pass the head hash kept
    elsewhere (printed by every verification) as ``expected_head`` to detect that too.
    """
    expected_sequence = 1
    previous_hash = GENESIS_HASH
    checked = 0
    for event in _chain_in_order():
        if event.sequence != expected_sequence:
            return VerificationResult(
                checked,
                expected_sequence - 1,
                previous_hash,
                expected_sequence,
                f"entry {expected_sequence} is missing (the next entry is {event.sequence})",
            )
        if event.previous_hash != previous_hash:
            return VerificationResult(
                checked,
                expected_sequence - 1,
                previous_hash,
                event.sequence,
                f"entry {event.sequence} does not follow entry {event.sequence - 1}"
                " (an entry was removed, inserted or reordered)",
            )
        if event.compute_hash() != event.entry_hash:
            return VerificationResult(
                checked,
                expected_sequence - 1,
                previous_hash,
                event.sequence,
                f"entry {event.sequence} was altered (its content no longer matches its hash)",
            )
        previous_hash = event.entry_hash
        expected_sequence += 1
        checked += 1
    if expected_head is not None and expected_head != previous_hash:
        return VerificationResult(
            checked,
            expected_sequence - 1,
            previous_hash,
            expected_sequence - 1,
            "the chain does not end at the expected head: entries were cut off or rewritten",
        )
    return VerificationResult(checked, expected_sequence - 1, previous_hash)
