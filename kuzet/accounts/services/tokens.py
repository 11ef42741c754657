"""Partner API clients: issued, revoked, authenticated; refusals recorded, bounded."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kuzet.accounts.models import (
    AccountAction,
    ApiClient,
    ApiScope,
    Organisation,
    TokenRefusal,
    User,
)
from kuzet.accounts.services.people import AccountError, require_manager_of
from kuzet.audit.models import Outcome
from kuzet.audit.services import audit_access_failure, audit_record
from kuzet.core.actors import ActionDenied, Actor, require_capability
from kuzet.core.permissions import Capability, scopes_allowed_for


@dataclass(frozen=True)
class IssuedToken:
    """A new API client and its token. The token is shown once and never stored."""

    api_client: ApiClient
    token: str


def api_client_create(
    *,
    actor: Actor,
    organisation: Organisation,
    name: str,
    scopes: list[str],
    expires_in_days: int = 90,
    responsible_user: User | None = None,
) -> IssuedToken:
    """Issue a token for a partner system, scoped and expiring, stored only as a digest.

    Needs ``MANAGE_API_CLIENTS`` in the actor's own organisation, or ``MANAGE_ALL_API_CLIENTS``.
    The scopes must be ones the organisation's kind may hold (``SCOPE_KINDS``).
    """
    require_manager_of(
        actor, organisation, Capability.MANAGE_API_CLIENTS, Capability.MANAGE_ALL_API_CLIENTS
    )
    known_scopes = {scope.value for scope in ApiScope}
    unknown = sorted(set(scopes) - known_scopes)
    if not scopes or unknown:
        raise AccountError(
            _("Unknown or missing scopes: %(unknown)s. Known scopes: %(known)s.")
            % {"unknown": ", ".join(unknown) or "-", "known": ", ".join(sorted(known_scopes))}
        )
    allowed = scopes_allowed_for(organisation.kind)
    not_allowed = sorted(set(scopes) - allowed)
    if not_allowed:
        raise AccountError(
            _("A %(kind)s may not hold the scopes %(scopes)s. Scopes it may hold: %(allowed)s.")
            % {
                "kind": organisation.get_kind_display(),
                "scopes": ", ".join(not_allowed),
                "allowed": ", ".join(sorted(allowed)),
            }
        )
    if not 1 <= expires_in_days <= 366:
        raise AccountError(_("A token must expire within 1 to 366 days."))
    if not organisation.is_active:
        raise AccountError(_("The organisation is disabled."))
    prefix = "kz_" + secrets.token_hex(ApiClient.TOKEN_PREFIX_LENGTH // 2 - 1)
    token = f"{prefix}.{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        api_client = ApiClient.objects.create(
            organisation=organisation,
            name=name.strip()[:100] or "partner system",
            token_prefix=prefix,
            token_digest=ApiClient.digest(token),
            scopes=sorted(set(scopes)),
            expires_at=timezone.now() + timedelta(days=expires_in_days),
            responsible_user=responsible_user,
        )
        audit_record(
            actor=actor,
            action=AccountAction.API_CLIENT_CREATE,
            target=api_client,
            organisation=organisation,
            after={"scopes": api_client.scopes, "expires_at": api_client.expires_at.isoformat()},
        )
    return IssuedToken(api_client=api_client, token=token)


def api_client_revoke(*, actor: Actor, api_client: ApiClient, reason: str = "") -> ApiClient:
    """Revoke a token at once. Needs ``MANAGE_API_CLIENTS`` over the token's organisation."""
    require_capability(actor, Capability.MANAGE_API_CLIENTS)
    with transaction.atomic():
        found = (
            ApiClient.objects.changeable_by(actor)
            .select_for_update()
            .filter(pk=api_client.pk)
            .first()
        )
        if found is None:
            raise ActionDenied(Capability.MANAGE_API_CLIENTS, "You do not manage this token.")
        api_client = found
        if api_client.revoked_at is None:
            api_client.revoked_at = timezone.now()
            api_client.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action=AccountAction.API_CLIENT_REVOKE,
            target=api_client,
            purpose=reason,
            organisation=api_client.organisation,
        )
    return api_client


def _token_check(token: str) -> tuple[ApiClient | None, TokenRefusal | None]:
    """The client a token names and, when it may not act, why. Comparison is constant-time."""
    prefix, _separator, _secret = token.partition(".")
    if not prefix.startswith("kz_") or len(token) > 200:
        return None, TokenRefusal.MALFORMED
    api_client = (
        ApiClient.objects.select_related("organisation", "responsible_user")
        .filter(token_prefix=prefix)
        .first()
    )
    if api_client is None:
        return None, TokenRefusal.UNKNOWN
    if not secrets.compare_digest(api_client.token_digest, ApiClient.digest(token)):
        # Only the holder of the secret learns the token's state: a guess is just "wrong".
        return api_client, TokenRefusal.WRONG_SECRET
    return api_client, api_client.refusal()


def api_client_authenticate(token: str, *, client_address: str | None = None) -> ApiClient | None:
    """The usable client a bearer token belongs to, or None (the refusal is audited, bounded).

    Refused: a malformed, unknown or wrong token; a revoked or expired one; one whose
    organisation or responsible person is disabled; one carrying a scope its organisation's
    kind may no longer hold.
    """
    api_client, refusal = _token_check(token)
    if refusal is not None or api_client is None:
        api_refusal_record(
            refusal=refusal or TokenRefusal.UNKNOWN,
            client_address=client_address,
            api_client=api_client,
        )
        return None
    now = timezone.now()
    # Recording every use would put a write on every API call; once a minute is enough to
    # show an administrator which tokens are alive.
    if api_client.last_used_at is None or now - api_client.last_used_at > timedelta(minutes=1):
        ApiClient.objects.filter(pk=api_client.pk).update(last_used_at=now)
    return api_client


def api_refusal_record(
    *, refusal: TokenRefusal, client_address: str | None, api_client: ApiClient | None = None
) -> None:
    """Audit a refused token: why, from where, and which client it named (never the token).

    Bounded by ``audit_access_failure``: one entry per client address, reason and minute.
    """
    audit_access_failure(
        action=AccountAction.API_TOKEN_REFUSED,
        reason=refusal,
        outcome=Outcome.FAILURE,
        client_address=client_address,
        actor_label="anonymous",
        target=api_client,
        organisation=api_client.organisation if api_client is not None else None,
    )


def api_denial_record(
    *, api_client: ApiClient, requirement: str, client_address: str | None
) -> None:
    """Audit a call refused for a missing scope or capability, bounded like token refusals."""
    audit_access_failure(
        action=AccountAction.API_ACCESS_DENIED,
        reason=f"missing {requirement}",
        outcome=Outcome.DENIED,
        client_address=client_address,
        actor=api_client,
    )
