"""Every change to people, organisations and API clients, each atomic and audited.

Sign-in is two steps (password, then a TOTP code) and both count towards the lockout: after
``LOGIN_FAILURE_LIMIT`` consecutive failures the account is locked for ``LOGIN_LOCKOUT_SECONDS``.
Every failure answers the same words whatever went wrong (security.md A3/A4).
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from kuzet import reference
from kuzet.accounts import signin_throttle
from kuzet.accounts.models import (
    ROLES_BY_KIND,
    AccountAction,
    ApiClient,
    ApiScope,
    CardPrefix,
    IdempotencyRecord,
    Membership,
    Organisation,
    OrganisationKind,
    Region,
    TokenRefusal,
    User,
)
from kuzet.audit.models import Outcome
from kuzet.audit.services import audit_access_failure, audit_record
from kuzet.core.actors import ActionDenied, Actor, actor_organisation, require_capability
from kuzet.core.permissions import Capability, scopes_allowed_for

GENERIC_LOGIN_ERROR = _(
    "The username, password or code is not right, or the account is locked. "
    "Check them and try again in a few minutes, or ask your administrator to unlock the account."
)


class AccountError(ValueError):
    """A request about accounts that cannot be carried out; the message says what to do."""


# ---------------------------------------------------------------- sign-in and lockout


def _register_login_failure(
    user: User,
    *,
    client_address: str | None,
    step: AccountAction,
    device: signin_throttle.Device | None,
) -> None:
    """Count a failure against the known device it came from, or else the account's lock.

    Failures from unknown devices lock the account for unknown devices only, longer each time
    within a day; a known device's failures lock that device alone.
    """
    outcome_action = step
    if device is not None:
        signin_throttle.device_failure(device)
    else:
        user.failed_login_count += 1
        if user.failed_login_count >= settings.LOGIN_FAILURE_LIMIT:
            seconds = signin_throttle.account_lock_seconds(user.pk)
            user.locked_until = timezone.now() + timedelta(seconds=seconds)
            user.failed_login_count = 0
            outcome_action = AccountAction.LOGIN_LOCKED
        user.save(update_fields=["failed_login_count", "locked_until"])
        signin_throttle.address_failure(client_address)
    audit_record(
        actor=None,
        actor_label=user.get_username(),
        action=outcome_action,
        outcome=Outcome.FAILURE,
        target=user,
        client_address=client_address,
        organisation=user.organisation,
    )
    signin_throttle.alert_on_burst(f"user:{user.pk}", client_address=client_address, user=user)


def _refuse(
    action: AccountAction, *, user: User | None, client_address: str | None, password: str | None
) -> None:
    """Refuse a sign-in without looking at the password (hashed anyway, for timing)."""
    if password is not None:
        make_password(password)
    audit_record(
        actor=None,
        actor_label=user.get_username() if user is not None else "anonymous",
        action=action,
        outcome=Outcome.DENIED,
        target=user,
        client_address=client_address,
    )


def login_check_password(
    *, username: str, password: str, client_address: str | None, device_cookie: str | None = None
) -> User | None:
    """First step of sign-in. Returns the user when the password is right and the account usable.

    The password is hashed even for unknown users so that timing does not tell which usernames
    exist. The attempted username of an unknown account is not recorded: people type passwords
    into the username field. ``device_cookie`` is the browser's signed device cookie, if any:
    a device known to this account is not held by the address throttle or the account's lock
    (see ``signin_throttle``).
    """
    username = username.strip()
    candidate = User.objects.filter(username=username).first()
    device = signin_throttle.device_from_cookie(device_cookie)
    if device is not None and (candidate is None or device.user_id != candidate.pk):
        device = None
    if device is None and signin_throttle.address_is_throttled(client_address):
        _refuse(
            AccountAction.LOGIN_REFUSED_THROTTLED,
            user=candidate,
            client_address=client_address,
            password=password,
        )
        return None
    if candidate is None:
        make_password(password)
        audit_record(
            actor=None,
            actor_label="anonymous",
            action=AccountAction.LOGIN_FIRST_FACTOR_FAILED,
            outcome=Outcome.FAILURE,
            client_address=client_address,
        )
        signin_throttle.address_failure(client_address)
        signin_throttle.alert_on_burst(
            f"address:{client_address}", client_address=client_address, user=None
        )
        return None
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=candidate.pk)
        if _is_held(user, device):
            _refuse(
                AccountAction.LOGIN_REFUSED_LOCKED,
                user=user,
                client_address=client_address,
                password=password,
            )
            return None
        password_is_right = user.check_password(password)
        if not (password_is_right and user.is_active and user.membership is not None):
            _register_login_failure(
                user,
                client_address=client_address,
                step=AccountAction.LOGIN_FIRST_FACTOR_FAILED,
                device=device,
            )
            return None
    return user


def _is_held(user: User, device: signin_throttle.Device | None) -> bool:
    """Locked for this browser: a known device by its own failures, others by the account's."""
    if device is not None:
        return signin_throttle.device_is_throttled(device)
    return user.is_locked()


def login_verify_code(
    *, user: User, code: str, client_address: str | None, device_cookie: str | None = None
) -> TOTPDevice | None:
    """Second step: a TOTP code from the user's confirmed (or being-enrolled) device."""
    device_of_browser = signin_throttle.device_from_cookie(device_cookie)
    if device_of_browser is not None and device_of_browser.user_id != user.pk:
        device_of_browser = None
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if _is_held(user, device_of_browser) or not user.is_active:
            _refuse(
                AccountAction.LOGIN_REFUSED_LOCKED,
                user=user,
                client_address=client_address,
                password=None,
            )
            return None
        device = TOTPDevice.objects.filter(user=user).order_by("-confirmed", "id").first()
        code = "".join(
            character for character in code if character.isascii() and character.isdigit()
        )
        if device is None or len(code) != 6 or not device.verify_token(code):
            _register_login_failure(
                user,
                client_address=client_address,
                step=AccountAction.LOGIN_SECOND_FACTOR_FAILED,
                device=device_of_browser,
            )
            return None
        newly_enrolled = not device.confirmed
        if newly_enrolled:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
        user.failed_login_count = 0
        user.locked_until = None if device_of_browser is None else user.locked_until
        user.last_login = timezone.now()
        user.save(update_fields=["failed_login_count", "locked_until", "last_login"])
        audit_record(
            actor=user,
            action=AccountAction.LOGIN_TOTP_ENROLLED if newly_enrolled else AccountAction.LOGIN,
            target=user,
            client_address=client_address,
        )
    return device


def login_device_cookie(*, user: User) -> str:
    """The signed device cookie a browser gets after a two-factor sign-in for ``user``."""
    return signin_throttle.device_cookie_value(user.pk)


def totp_enrolment_device(*, user: User) -> TOTPDevice:
    """The unconfirmed device a user who has none is shown at sign-in (created once)."""
    device = TOTPDevice.objects.filter(user=user).order_by("-confirmed", "id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="kuzet", confirmed=False)
    return device


def totp_secret(device: TOTPDevice) -> str:
    """The base32 secret an authenticator app asks for."""
    return base64.b32encode(device.bin_key).decode("ascii")


def logout_record(*, user: User, client_address: str | None, reason: str) -> None:
    audit_record(
        actor=user,
        action=AccountAction.LOGOUT,
        target=user,
        purpose=reason,
        client_address=client_address,
    )


# ---------------------------------------------------------------- people


def _require_manager_of(
    actor: Actor, organisation: Organisation, own: Capability, every: Capability
) -> None:
    """``every`` for any organisation, or ``own`` for the actor's own one; else ActionDenied."""
    if actor.has_capability(every):
        return
    require_capability(actor, own)
    acting = actor_organisation(actor)
    if acting is None or acting.pk != organisation.pk:
        raise ActionDenied(own, "You manage only your own organisation.")


def user_create(
    *,
    actor: Actor,
    username: str,
    password: str,
    organisation: Organisation,
    role: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    preferred_language: str = "ru",
) -> User:
    """Create a person with one membership. The role must make sense for the organisation.

    Needs ``MANAGE_MEMBERS`` in the actor's own organisation, or ``MANAGE_ALL_MEMBERS``.
    """
    _require_manager_of(
        actor, organisation, Capability.MANAGE_MEMBERS, Capability.MANAGE_ALL_MEMBERS
    )
    if role not in ROLES_BY_KIND[organisation.kind]:
        raise AccountError(
            _("The role %(role)s does not exist in a %(kind)s.")
            % {"role": role, "kind": organisation.get_kind_display()}
        )
    if User.objects.filter(username=username).exists():
        raise AccountError(_("The username %(username)s is taken.") % {"username": username})
    with transaction.atomic():
        user = User.objects.create_user(
            username=username,
            password=password,
            first_name=first_name,
            last_name=last_name,
            email=email,
            preferred_language=preferred_language,
        )
        Membership.objects.create(user=user, organisation=organisation, role=role)
        audit_record(
            actor=actor,
            action=AccountAction.USER_CREATE,
            target=user,
            after={"username": username, "organisation": organisation.code, "role": role},
        )
    return user


def _lock_changeable_user(actor: Actor, user: User) -> User:
    """The person, locked, if ``actor`` manages their membership; ActionDenied otherwise."""
    require_capability(actor, Capability.MANAGE_MEMBERS)
    if not Membership.objects.changeable_by(actor).filter(user=user).exists():
        raise ActionDenied(Capability.MANAGE_MEMBERS, "You do not manage this person.")
    return User.objects.select_for_update().get(pk=user.pk)


def user_disable(
    *, actor: Actor, user: User, reason: str, client_address: str | None = None
) -> User:
    """Disable a person. Their sessions and tokens stop working on their next request.

    Needs ``MANAGE_MEMBERS`` over the person's organisation. Django's session authentication
    refuses inactive users on every request, and API clients whose responsible user is disabled
    are refused (``ApiClient.refusal``).
    """
    if not reason.strip():
        raise AccountError(_("Say why the account is disabled."))
    with transaction.atomic():
        user = _lock_changeable_user(actor, user)
        before = {"is_active": user.is_active}
        user.is_active = False
        user.save(update_fields=["is_active"])
        audit_record(
            actor=actor,
            action=AccountAction.USER_DISABLE,
            target=user,
            purpose=reason,
            before=before,
            after={"is_active": False},
            client_address=client_address,
        )
    return user


def user_unlock(*, actor: Actor, user: User, client_address: str | None = None) -> User:
    """An administrator's release of a locked account (CJIS: lockout until admin release)."""
    with transaction.atomic():
        user = _lock_changeable_user(actor, user)
        user.locked_until = None
        user.failed_login_count = 0
        user.save(update_fields=["locked_until", "failed_login_count"])
        audit_record(
            actor=actor,
            action=AccountAction.USER_UNLOCK,
            target=user,
            client_address=client_address,
        )
    return user


# ---------------------------------------------------------------- API clients


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
    _require_manager_of(
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


# ---------------------------------------------------------------- reference data


def reference_data_seed(
    *,
    region_model: Any = Region,
    organisation_model: Any = Organisation,
    card_prefix_model: Any | None = CardPrefix,
) -> dict[str, int]:
    """Create or refresh the regions, organisations and card prefixes of ``kuzet.reference``.
    Idempotent.

    Used by the data migrations (which pass their historical models; the first runs before the
    card prefix table exists and passes None) and by tests that run after a database flush.
    """
    regions = {}
    for region in reference.regions():
        regions[region.iso_code], _created = region_model.objects.update_or_create(
            iso_code=region.iso_code,
            defaults={
                "old_iso_code": region.old_iso or "",
                "kind": region.kind,
                "name_kk": region.name["kk"],
                "name_ru": region.name["ru"],
                "name_en": region.name["en"],
                "centre_kk": (region.centre or {}).get("kk", ""),
                "centre_ru": (region.centre or {}).get("ru", ""),
                "centre_en": (region.centre or {}).get("en", ""),
                "phone_code": region.phone_code,
                "tile_row": region.row,
                "tile_column": region.col,
                "population_thousands": region.population_thousands,
            },
        )
    data = reference.organisations()
    rows: list[dict[str, Any]] = []
    central = data["central"]
    rows.append(
        {"code": central["code"], "kind": OrganisationKind.CENTRAL, "names": central["name"]}
    )
    for region in reference.regions():
        rows.append(
            {
                "code": f"DP-{region.iso_code}",
                "kind": OrganisationKind.REGIONAL,
                "names": region.police_department,
                "region": regions[region.iso_code],
            }
        )
    for bank in reference.banks():
        rows.append(
            {
                "code": bank.code,
                "kind": OrganisationKind.BANK,
                "names": bank.names,
                "bic": bank.bic,
                "iban_bank_code": bank.iban_code,
                "domain": bank.domain or "",
            }
        )
    for operator in reference.mobile_operators():
        rows.append(
            {
                "code": operator.code,
                "kind": OrganisationKind.TELECOM,
                "names": {"kk": operator.name, "ru": operator.name_ru, "en": operator.name},
                "mobile_prefixes": list(operator.prefixes),
                "domain": operator.domain or "",
            }
        )
    for platform in data["platforms"]:
        names = {"kk": platform["name"], "ru": platform["name"], "en": platform["name"]}
        rows.append(
            {
                "code": platform["code"],
                "kind": OrganisationKind.PLATFORM,
                "names": names,
                "domain": platform["domain"],
            }
        )
    for agency in data["agencies"]:
        rows.append(
            {"code": agency["code"], "kind": OrganisationKind.AGENCY, "names": agency["name"]}
        )
    for registry in data["registries"]:
        rows.append(
            {"code": registry["code"], "kind": OrganisationKind.REGISTRY, "names": registry["name"]}
        )
    for partner in data["foreign_partners"]:
        names = {"kk": partner["name"], "ru": partner["name"], "en": partner["name"]}
        rows.append(
            {
                "code": partner["code"],
                "kind": OrganisationKind.FOREIGN_PARTNER,
                "names": names,
                "country_code": partner["country"],
                "contact_point": partner["contact"],
            }
        )
    for row in rows:
        names = row.pop("names")
        organisation_model.objects.update_or_create(
            code=row.pop("code"),
            defaults={
                **row,
                "name_kk": names["kk"],
                "name_ru": names["ru"],
                "name_en": names["en"],
            },
        )
    counts = {"regions": len(regions), "organisations": len(rows)}
    if card_prefix_model is not None:
        counts["card prefixes"] = card_prefixes_seed(
            organisation_model=organisation_model, card_prefix_model=card_prefix_model
        )
    return counts


def card_prefixes_seed(
    *, organisation_model: Any = Organisation, card_prefix_model: Any = CardPrefix
) -> int:
    """Make the card prefix table exactly ``kuzet.reference.card_prefixes()``; return its size.

    A prefix dropped from the reference data is deleted: a BIN no longer known to be a bank's
    must stop alerting that bank. Ranges are expanded to one row per prefix, so intake finds a
    card's bank with an equality look-up on an index.
    """
    wanted = reference.card_prefixes()
    sources = {
        prefix: card_range.source
        for card_range in reference.card_ranges()
        for prefix in card_range.prefixes()
    }
    banks = dict(
        organisation_model.objects.filter(code__in=set(wanted.values())).values_list("code", "pk")
    )
    card_prefix_model.objects.exclude(prefix__in=list(wanted)).delete()
    for prefix, bank_code in wanted.items():
        card_prefix_model.objects.update_or_create(
            prefix=prefix, defaults={"bank_id": banks[bank_code], "source": sources[prefix]}
        )
    return len(wanted)


# ---------------------------------------------------------------- idempotency


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
