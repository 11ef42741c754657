"""People of an organisation: created, disabled and unlocked by its managers."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kuzet.accounts.models import (
    ROLES_BY_KIND,
    AccountAction,
    Membership,
    Organisation,
    User,
)
from kuzet.audit.services import audit_record
from kuzet.core.actors import ActionDenied, Actor, actor_organisation, require_capability
from kuzet.core.permissions import Capability


class AccountError(ValueError):
    """A request about accounts that cannot be carried out; the message says what to do."""


def require_manager_of(
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
    require_manager_of(
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
