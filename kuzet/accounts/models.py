"""Organisations, regions, users, memberships and API clients — and the one scoping rule.

Every query that starts from user input goes through ``visible_to(actor)``; writes go through
``changeable_by(actor)``. An *actor* (``kuzet.core.actors.Actor``) is a signed-in ``User``, a
partner system's ``ApiClient`` or a ``SystemActor``; each answers ``acting_organisation`` and
``has_capability``. What a role or a scope may do is the tables of ``kuzet.core.permissions``
(re-exported here), nowhere else.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kuzet import reference
from kuzet.core.actors import (
    PossibleActor,
    actor_has_capability,
    actor_organisation,
    is_system,
)
from kuzet.core.models import AuditAction, PublicIdentifierModel, TimeStampedModel
from kuzet.core.permissions import (
    CENTRAL_ADMINISTRATOR_CAPABILITIES,
    POLICE_KINDS,
    ROLE_CAPABILITIES,
    ROLES_BY_KIND,
    SCOPE_CAPABILITIES,
    ApiScope,
    Capability,
    OrganisationKind,
    Role,
    scopes_allowed_for,
)

if TYPE_CHECKING:
    from django.db.models.fields.related_descriptors import RelatedManager

# The enums and tables of kuzet.core.permissions, re-exported where they were always imported.
__all__ = [
    "CENTRAL_ADMINISTRATOR_CAPABILITIES",
    "POLICE_KINDS",
    "ROLES_BY_KIND",
    "ROLE_CAPABILITIES",
    "ApiClient",
    "ApiClientQuerySet",
    "ApiScope",
    "Capability",
    "IdempotencyRecord",
    "Membership",
    "MembershipQuerySet",
    "Organisation",
    "OrganisationKind",
    "OrganisationQuerySet",
    "Region",
    "Role",
    "TokenRefusal",
    "User",
    "localised",
]


def localised(values: dict[str, str], language: str | None = None) -> str:
    """Pick the kk/ru/en form for the active language, falling back to Russian then English."""
    return reference.label_in(values, language or get_language() or "ru")


class Region(models.Model):
    """One of the 20 regions of Kazakhstan (ISO 3166-2:KZ codes in force since 2022)."""

    class Kind(models.TextChoices):
        OBLAST = "oblast", _("Region (oblast)")
        CITY = "city", _("City of republican significance")

    iso_code = models.CharField(_("ISO 3166-2 code"), max_length=5, unique=True)
    old_iso_code = models.CharField(_("code before 2022"), max_length=6, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=100)
    name_ru = models.CharField(_("name (Russian)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    centre_kk = models.CharField(max_length=100, blank=True)
    centre_ru = models.CharField(max_length=100, blank=True)
    centre_en = models.CharField(max_length=100, blank=True)
    phone_code = models.CharField(_("landline code"), max_length=6)
    tile_row = models.PositiveSmallIntegerField(_("tile-map row"))
    tile_column = models.PositiveSmallIntegerField(_("tile-map column"))
    population_thousands = models.PositiveIntegerField(_("population, thousands"))

    class Meta:
        ordering: ClassVar = ["iso_code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localised({"kk": self.name_kk, "ru": self.name_ru, "en": self.name_en})


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def visible_to(self, actor: PossibleActor) -> OrganisationQuerySet:
        """Police and oversight see the directory; a partner sees itself and the Department.

        Partners must not enumerate each other (security.md G7).
        """
        organisation = actor_organisation(actor)
        if organisation is None:
            return self.none()
        if actor_has_capability(actor, Capability.VIEW_DIRECTORY):
            return self.all()
        return self.filter(Q(pk=organisation.pk) | Q(kind=OrganisationKind.CENTRAL))


class Organisation(TimeStampedModel):
    """A body that uses kuzet: the Department, a regional department, a bank, a telecom…"""

    code = models.CharField(_("code"), max_length=32, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=200)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="organisations"
    )
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    iban_bank_code = models.CharField(_("IBAN bank code"), max_length=3, blank=True)
    mobile_prefixes = models.JSONField(_("mobile prefixes"), default=list, blank=True)
    domain = models.CharField(_("web domain"), max_length=100, blank=True)
    country_code = models.CharField(_("country"), max_length=2, default="KZ")
    contact_point = models.JSONField(_("24/7 contact point"), default=dict, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = OrganisationQuerySet.as_manager()

    if TYPE_CHECKING:
        memberships: RelatedManager[Membership]

    class Meta:
        ordering: ClassVar = ["kind", "code"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localised({"kk": self.name_kk, "ru": self.name_ru, "en": self.name_en})

    @property
    def is_police(self) -> bool:
        return self.kind in POLICE_KINDS


class CardPrefix(models.Model):
    """A card number prefix (BIN, 6 to 8 digits) and the bank that issued cards under it.

    Seeded from ``kuzet/reference/card_ranges.json`` (publicly listed BINs, each with its
    source); intake matches a card on its longest prefix to find the bank to alert.
    """

    prefix = models.CharField(_("card prefix"), max_length=8, unique=True)
    bank = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="card_prefixes", verbose_name=_("bank")
    )
    source = models.CharField(_("source"), max_length=100)

    class Meta:
        ordering: ClassVar = ["prefix"]
        verbose_name = _("card prefix")
        verbose_name_plural = _("card prefixes")

    def __str__(self) -> str:
        return f"{self.prefix} → {self.bank_id}"


class User(AbstractUser):
    """A person who signs in: staff, partner officers, foreign liaison officers, auditors.

    Lockout state lives on the user so that it survives restarts and is shared by every web
    process; it is changed only by ``accounts.services``.
    """

    preferred_language = models.CharField(
        _("preferred language"),
        max_length=2,
        choices=[("kk", "kk"), ("ru", "ru"), ("en", "en")],
        default="ru",
    )
    failed_login_count = models.PositiveSmallIntegerField(default=0, editable=False)
    locked_until = models.DateTimeField(null=True, blank=True, editable=False)

    objects: ClassVar[UserManager[User]] = UserManager()  # type: ignore[assignment]

    if TYPE_CHECKING:
        memberships: RelatedManager[Membership]

    class Meta:
        ordering: ClassVar = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def membership(self) -> Membership | None:
        """The one active membership; cached per request object."""
        cached: Membership | None | str = getattr(self, "_membership_cache", "unset")
        if cached == "unset":
            cached = (
                self.memberships.filter(is_active=True, organisation__is_active=True)
                .select_related("organisation", "organisation__region")
                .first()
            )
            self._membership_cache = cached
        return cached  # type: ignore[return-value]

    @property
    def organisation(self) -> Organisation | None:
        membership = self.membership
        return membership.organisation if membership else None

    @property
    def role(self) -> str | None:
        membership = self.membership
        return membership.role if membership else None

    def capabilities(self) -> frozenset[Capability]:
        membership = self.membership
        if membership is None or not self.is_active:
            return frozenset()
        if (
            membership.role == Role.ADMINISTRATOR
            and membership.organisation.kind == OrganisationKind.CENTRAL
        ):
            return CENTRAL_ADMINISTRATOR_CAPABILITIES
        return ROLE_CAPABILITIES.get(membership.role, frozenset())

    def has_capability(self, capability: str) -> bool:
        return capability in self.capabilities()

    def acting_organisation(self) -> Organisation | None:
        """The organisation this person acts for; None when disabled or without a role."""
        if not self.is_authenticated or not self.is_active:
            return None
        return self.organisation

    def is_locked(self, now: datetime | None = None) -> bool:
        return self.locked_until is not None and self.locked_until > (now or timezone.now())


class MembershipQuerySet(models.QuerySet["Membership"]):
    def visible_to(self, actor: PossibleActor) -> MembershipQuerySet:
        """Administrators and heads see their organisation's people; everyone sees themselves."""
        organisation = actor_organisation(actor)
        if organisation is None:
            return self.none()
        if actor_has_capability(actor, Capability.MANAGE_ALL_MEMBERS):
            return self.all()
        if actor_has_capability(actor, Capability.MANAGE_MEMBERS):
            return self.filter(organisation_id=organisation.pk)
        if isinstance(actor, User):
            return self.filter(user=actor)
        return self.none()

    def changeable_by(self, actor: PossibleActor) -> MembershipQuerySet:
        """The people an actor may disable or unlock: its own organisation's, or everyone's for
        platform administrators. Seeing oneself does not make one's membership changeable."""
        if is_system(actor) or actor_has_capability(actor, Capability.MANAGE_ALL_MEMBERS):
            return self.all()
        organisation = actor_organisation(actor)
        if organisation is None or not actor_has_capability(actor, Capability.MANAGE_MEMBERS):
            return self.none()
        return self.filter(organisation_id=organisation.pk)


class Membership(TimeStampedModel):
    """A user's role in one organisation. A user has at most one active membership."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["organisation__code", "user__username"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(is_active=True),
                name="accounts_one_active_membership_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation.code} · {self.role}"


class ApiClientQuerySet(models.QuerySet["ApiClient"]):
    def visible_to(self, actor: PossibleActor) -> ApiClientQuerySet:
        organisation = actor_organisation(actor)
        if organisation is None:
            return self.none()
        if actor_has_capability(actor, Capability.MANAGE_ALL_API_CLIENTS):
            return self.all()
        if actor_has_capability(actor, Capability.MANAGE_API_CLIENTS):
            return self.filter(organisation_id=organisation.pk)
        return self.none()

    def changeable_by(self, actor: PossibleActor) -> ApiClientQuerySet:
        """The tokens an actor may revoke: the same ones it manages and sees."""
        if is_system(actor):
            return self.all()
        return self.visible_to(actor)


class TokenRefusal(StrEnum):
    """Why a presented token was refused; recorded in the audit log (never the token)."""

    MISSING = "missing"
    MALFORMED = "malformed"
    UNKNOWN = "unknown"
    # A known prefix with a wrong secret: a guess. (A reason code, not a secret.)
    WRONG_SECRET = "wrong_secret"  # noqa: S105
    REVOKED = "revoked"
    EXPIRED = "expired"
    ORGANISATION_DISABLED = "organisation_disabled"
    RESPONSIBLE_USER_DISABLED = "responsible_user_disabled"
    SCOPES_NOT_ALLOWED = "scopes_not_allowed"  # a scope its organisation's kind may not hold


class ApiClient(TimeStampedModel, PublicIdentifierModel):
    """A partner system (a bank's anti-fraud engine, a telecom's gateway) calling the API.

    Only a SHA-256 digest of the token is stored: tokens are 256-bit random strings, so a fast
    hash is enough and a stolen table cannot be replayed. The short prefix finds the row.
    """

    TOKEN_PREFIX_LENGTH = 12

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="api_clients"
    )
    name = models.CharField(_("name"), max_length=100)
    token_prefix = models.CharField(max_length=16, unique=True, editable=False)
    token_digest = models.CharField(max_length=64, editable=False)
    scopes = models.JSONField(_("scopes"), default=list)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    responsible_user = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="api_clients"
    )
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ApiClientQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["organisation__code", "name"]
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")

    def __str__(self) -> str:
        return f"{self.organisation.code}/{self.name}"

    @staticmethod
    def digest(token: str) -> str:
        return hashlib.sha256(token.encode("utf-8")).hexdigest()

    def refusal(self) -> TokenRefusal | None:
        """Why this client may not act now, or None when it may.

        Revoked, expired, a disabled organisation, a disabled responsible person, or a scope its
        organisation's kind may no longer hold (the table changed, or the row was edited by
        hand): refused, so a token never acts beyond what its kind allows.
        """
        if self.revoked_at is not None:
            return TokenRefusal.REVOKED
        if self.expires_at <= timezone.now():
            return TokenRefusal.EXPIRED
        if not self.organisation.is_active:
            return TokenRefusal.ORGANISATION_DISABLED
        if self.responsible_user is not None and not self.responsible_user.is_active:
            return TokenRefusal.RESPONSIBLE_USER_DISABLED
        if not set(self.scopes) <= scopes_allowed_for(self.organisation.kind):
            return TokenRefusal.SCOPES_NOT_ALLOWED
        return None

    @property
    def is_usable(self) -> bool:
        return self.refusal() is None

    def has_scope(self, scope: ApiScope) -> bool:
        return scope in self.scopes

    def has_capability(self, capability: str) -> bool:
        """Only what a scope grants (``SCOPE_CAPABILITIES``): no staff capability comes with a
        token, and a token that is no longer usable can do nothing."""
        if not self.is_usable:
            return False
        return any(
            capability in SCOPE_CAPABILITIES.get(scope, frozenset()) for scope in self.scopes
        )

    def acting_organisation(self) -> Organisation | None:
        return self.organisation if self.is_usable else None


class IdempotencyRecord(models.Model):
    """The stored answer to a partner's POST with an ``Idempotency-Key`` header (Stripe rules).

    Same key and same body: the stored answer is replayed. Same key and another body: 422. The
    first request still running: 409. A request that failed validation is not stored, so it can be
    corrected and sent again with the same key.
    """

    api_client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    endpoint = models.CharField(max_length=100)
    request_digest = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(default=0)  # 0: still running
    response = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["api_client", "endpoint", "key"], name="accounts_idempotency_key_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.api_client_id}:{self.key}"


class AccountAction(AuditAction):
    """What accounts writes to the audit log: sign-in, accounts, API clients, refusals."""

    LOGIN = "accounts.login"
    LOGIN_TOTP_ENROLLED = "accounts.login.totp_enrolled"
    # Failures: a wrong password or unknown user, a wrong code, the failure that locked the account,
    # and a sign-in refused because the account was locked already.
    LOGIN_FIRST_FACTOR_FAILED = "accounts.login.password"
    LOGIN_SECOND_FACTOR_FAILED = "accounts.login.code"
    LOGIN_LOCKED = "accounts.login.locked"
    LOGIN_REFUSED_LOCKED = "accounts.login.refused_locked"
    # A sign-in refused because its client address is throttled, and a burst of failures seen.
    LOGIN_REFUSED_THROTTLED = "accounts.login.refused_throttled"
    LOGIN_BURST = "accounts.login.burst"
    LOGOUT = "accounts.logout"
    USER_CREATE = "accounts.user.create"
    USER_DISABLE = "accounts.user.disable"
    USER_UNLOCK = "accounts.user.unlock"
    API_CLIENT_CREATE = "accounts.api_client.create"
    API_CLIENT_REVOKE = "accounts.api_client.revoke"
    # A page, endpoint or object refused to an actor (security.md C3).
    ACCESS_DENIED = "access.denied"
    # A partner token refused at authentication, and an API call refused for its scope.
    API_TOKEN_REFUSED = "api.token.refused"  # noqa: S105  (an action name, not a secret)
    API_ACCESS_DENIED = "api.access.denied"
