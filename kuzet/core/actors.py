"""Who is acting: the ``Actor`` protocol every service and every ``visible_to`` is typed with.

An actor is a signed-in person (``accounts.User``), a partner system's API client
(``accounts.ApiClient``) or the system itself (``SystemActor``: a command, a task, a migration).
All three answer the same two questions — which organisation do you act for, and may you do
this — so models of every app can scope by them while depending on ``core`` only.

Services check the capability of each write action themselves (``require_capability``) and
raise ``ActionDenied``; views answer it with 403 and the API with a JSON 403, both audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, TypeAlias, runtime_checkable

from django.core.exceptions import PermissionDenied

from kuzet.core.permissions import Capability

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


@runtime_checkable
class ActingOrganisation(Protocol):
    """What scoping needs to know about the organisation an actor acts for."""

    @property
    def pk(self) -> int: ...

    @property
    def kind(self) -> str: ...

    @property
    def code(self) -> str: ...


class Actor(Protocol):
    """A person, a partner system or the system: whoever a service acts on behalf of."""

    def acting_organisation(self) -> ActingOrganisation | None:
        """The organisation the actor acts for now; None when disabled or without a role."""
        ...

    def has_capability(self, capability: Capability) -> bool:
        """Whether the actor's role (or token scopes) grants ``capability``."""
        ...


@dataclass(frozen=True)
class SystemActor:
    """Who acts when no person or partner does: a command at the server's console, a task.

    It is constructed only in code run by the operator (management commands, workers,
    migrations), never from a request, so it holds every capability; its entries in the audit
    log name it ("system:<name>").
    """

    name: str

    def acting_organisation(self) -> ActingOrganisation | None:
        return None

    def has_capability(self, capability: Capability) -> bool:
        return True


class ActionDenied(PermissionDenied):
    """The actor may not carry out this action. Views answer 403; the API answers 403 JSON."""

    def __init__(
        self, capability: Capability | str, message: str = "", *, is_recorded: bool = False
    ) -> None:
        self.capability = str(capability)
        self.message = message or f"This action needs the capability '{capability}'."
        # True when the boundary already wrote the denial to the audit log.
        self.is_recorded = is_recorded
        super().__init__(self.message)


def actor_organisation(actor: object) -> ActingOrganisation | None:
    """The organisation an actor acts for, or None for anonymous, disabled or unknown actors.

    Accepts anything (a request's anonymous user included) and denies what is not an actor.
    """
    acting_organisation = getattr(actor, "acting_organisation", None)
    if not callable(acting_organisation):
        return None
    organisation = acting_organisation()
    return organisation if isinstance(organisation, ActingOrganisation) else None


def actor_has_capability(actor: object, capability: Capability) -> bool:
    has_capability = getattr(actor, "has_capability", None)
    return bool(callable(has_capability) and has_capability(capability))


def is_system(actor: object) -> bool:
    return isinstance(actor, SystemActor)


def require_capability(actor: object, capability: Capability) -> None:
    """Raise ``ActionDenied`` unless ``actor`` holds ``capability``. The first line of a write."""
    if not actor_has_capability(actor, capability):
        raise ActionDenied(capability)


# What a request may present: an actor, an anonymous visitor, or nobody. Scoping accepts all
# three and gives the last two nothing.
PossibleActor: TypeAlias = "Actor | AnonymousUser | None"
