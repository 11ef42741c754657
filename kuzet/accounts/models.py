"""Organisations, regions, users, memberships and API clients — and the one scoping rule.

Every query that starts from user input goes through ``visible_to(actor)``. An *actor* is a
signed-in ``User`` or a partner system's ``ApiClient``; both answer ``organisation`` and
``has_capability``. What a role may do is the table ``ROLE_CAPABILITIES`` below, nowhere else.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, ClassVar, TypeAlias

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kuzet import reference
from kuzet.core.actors import actor_has_capability, actor_organisation
from kuzet.core.models import PublicIdentifierModel, TimeStampedModel

if TYPE_CHECKING:
    from django.db.models.fields.related_descriptors import RelatedManager


class Capability(StrEnum):
    """Something a role is allowed to do. Deny unless a role's row in ROLE_CAPABILITIES says so."""

    VIEW_DIRECTORY = "directory.view"  # see every organisation (police and oversight only)
    MANAGE_MEMBERS = "members.manage"  # people of one's own organisation
    MANAGE_ALL_MEMBERS = "members.manage_all"  # platform administration
    MANAGE_API_CLIENTS = "api_clients.manage"
    MANAGE_ALL_API_CLIENTS = "api_clients.manage_all"
    VIEW_AUDIT = "audit.view"
    VIEW_STATISTICS = "statistics.view"
    TAKE_REPORTS = "reports.take"  # record a report at the 102 line or the front desk
    VIEW_REPORTS = "reports.view"  # the department's queue and report files
    VIEW_INBOX = "inbox.view"  # a partner's inbox of hold alerts
    RELEASE_HOLD_ALERTS = "hold_alerts.release"  # send a held-back unverified alert after all


class Role(models.TextChoices):
    DUTY_OFFICER = "duty_officer", _("Duty officer")
    INVESTIGATOR = "investigator", _("Investigator")
    ANALYST = "analyst", _("Analyst")
    HEAD_OF_UNIT = "head_of_unit", _("Head of unit")
    PARTNER_OFFICER = "partner_officer", _("Partner officer")
    FOREIGN_LIAISON = "foreign_liaison", _("Foreign liaison officer")
    AUDITOR = "auditor", _("Auditor")
    STEERING_MEMBER = "steering_member", _("Steering committee member")
    ADMINISTRATOR = "administrator", _("Administrator")


class OrganisationKind(models.TextChoices):
    CENTRAL = "central", _("Central department")
    REGIONAL = "regional", _("Regional police department")
    BANK = "bank", _("Bank")
    TELECOM = "telecom", _("Telecom operator")
    PLATFORM = "platform", _("Platform or provider")
    REGISTRY = "registry", _("Registry")
    AGENCY = "agency", _("Agency")
    FOREIGN_PARTNER = "foreign_partner", _("Foreign partner")


POLICE_KINDS = frozenset({OrganisationKind.CENTRAL, OrganisationKind.REGIONAL})

ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.DUTY_OFFICER: frozenset(
        {
            Capability.VIEW_DIRECTORY,
            Capability.TAKE_REPORTS,
            Capability.VIEW_REPORTS,
            Capability.RELEASE_HOLD_ALERTS,
        }
    ),
    Role.INVESTIGATOR: frozenset(
        {
            Capability.VIEW_DIRECTORY,
            Capability.TAKE_REPORTS,
            Capability.VIEW_REPORTS,
            Capability.RELEASE_HOLD_ALERTS,
        }
    ),
    Role.ANALYST: frozenset(
        {Capability.VIEW_DIRECTORY, Capability.VIEW_STATISTICS, Capability.VIEW_REPORTS}
    ),
    Role.HEAD_OF_UNIT: frozenset(
        {
            Capability.VIEW_DIRECTORY,
            Capability.VIEW_STATISTICS,
            Capability.MANAGE_MEMBERS,
            Capability.MANAGE_API_CLIENTS,
            Capability.TAKE_REPORTS,
            Capability.VIEW_REPORTS,
            Capability.RELEASE_HOLD_ALERTS,
        }
    ),
    Role.PARTNER_OFFICER: frozenset({Capability.VIEW_INBOX}),
    Role.FOREIGN_LIAISON: frozenset(),
    Role.AUDITOR: frozenset({Capability.VIEW_DIRECTORY, Capability.VIEW_AUDIT}),
    Role.STEERING_MEMBER: frozenset({Capability.VIEW_DIRECTORY, Capability.VIEW_STATISTICS}),
    Role.ADMINISTRATOR: frozenset({Capability.MANAGE_MEMBERS, Capability.MANAGE_API_CLIENTS}),
}

# Platform administration belongs to administrators of the central department only.
CENTRAL_ADMINISTRATOR_CAPABILITIES = frozenset(
    {
        Capability.VIEW_DIRECTORY,
        Capability.MANAGE_MEMBERS,
        Capability.MANAGE_ALL_MEMBERS,
        Capability.MANAGE_API_CLIENTS,
        Capability.MANAGE_ALL_API_CLIENTS,
    }
)

# Which roles make sense in which kind of organisation (a bank has no investigators).
ROLES_BY_KIND: dict[str, frozenset[str]] = {
    OrganisationKind.CENTRAL: frozenset(Role.values) - {Role.PARTNER_OFFICER},
    OrganisationKind.REGIONAL: frozenset(
        {
            Role.DUTY_OFFICER,
            Role.INVESTIGATOR,
            Role.ANALYST,
            Role.HEAD_OF_UNIT,
            Role.AUDITOR,
            Role.ADMINISTRATOR,
        }
    ),
    OrganisationKind.BANK: frozenset({Role.PARTNER_OFFICER, Role.ADMINISTRATOR}),
    OrganisationKind.TELECOM: frozenset({Role.PARTNER_OFFICER, Role.ADMINISTRATOR}),
    OrganisationKind.PLATFORM: frozenset({Role.PARTNER_OFFICER, Role.ADMINISTRATOR}),
    OrganisationKind.REGISTRY: frozenset({Role.PARTNER_OFFICER, Role.ADMINISTRATOR}),
    OrganisationKind.AGENCY: frozenset(
        {Role.PARTNER_OFFICER, Role.AUDITOR, Role.STEERING_MEMBER, Role.ADMINISTRATOR}
    ),
    OrganisationKind.FOREIGN_PARTNER: frozenset({Role.FOREIGN_LIAISON}),
}


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
    def visible_to(self, actor: object) -> OrganisationQuerySet:
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
    def visible_to(self, actor: object) -> MembershipQuerySet:
        """Administrators and heads see their organisation's people; everyone sees themselves."""
        organisation = actor_organisation(actor)
        if organisation is None:
            return self.none()
        if actor_has_capability(actor, Capability.MANAGE_ALL_MEMBERS):
            return self.all()
        if actor_has_capability(actor, Capability.MANAGE_MEMBERS):
            return self.filter(organisation=organisation)
        if isinstance(actor, User):
            return self.filter(user=actor)
        return self.none()


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


class ApiScope(StrEnum):
    """What a partner system's token may call. Later capabilities add their scopes here."""

    PROFILE_READ = "profile:read"
    ORGANISATIONS_READ = "organisations:read"
    REPORTS_WRITE = "reports:write"
    REPORTS_READ = "reports:read"
    SCREENING_QUERY = "screening:query"
    INBOX_READ = "inbox:read"


class ApiClientQuerySet(models.QuerySet["ApiClient"]):
    def visible_to(self, actor: object) -> ApiClientQuerySet:
        organisation = actor_organisation(actor)
        if organisation is None:
            return self.none()
        if actor_has_capability(actor, Capability.MANAGE_ALL_API_CLIENTS):
            return self.all()
        if actor_has_capability(actor, Capability.MANAGE_API_CLIENTS):
            return self.filter(organisation=organisation)
        return self.none()


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

    @property
    def is_usable(self) -> bool:
        """Revoked, expired, a disabled organisation or a disabled responsible user: refused."""
        if self.revoked_at is not None or self.expires_at <= timezone.now():
            return False
        if not self.organisation.is_active:
            return False
        return self.responsible_user is None or self.responsible_user.is_active

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    def has_capability(self, capability: str) -> bool:
        # Tokens carry scopes, not roles: no capability of the web interface comes with a token.
        return False

    def acting_organisation(self) -> Organisation | None:
        return self.organisation if self.is_usable else None


class IdempotencyRecord(models.Model):
    """The stored answer to a partner's POST with an ``Idempotency-Key`` header (Stripe rules).

    Same key and same body: the stored answer is replayed. Same key, another body, or the first
    request still running: 409. A request that failed validation is not stored, so it can be
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


Actor: TypeAlias = User | ApiClient
