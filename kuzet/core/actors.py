"""Who is acting: the two questions every ``visible_to(actor)`` asks, answered by duck typing.

An actor is a signed-in person or a partner system's API client (both in ``accounts``). Models
of other apps ask only these two functions, so they depend on ``core`` and nothing else.
"""

from __future__ import annotations

from typing import Any


def actor_organisation(actor: object) -> Any | None:
    """The organisation an actor acts for, or None for anonymous, disabled or unknown actors."""
    acting_organisation = getattr(actor, "acting_organisation", None)
    return acting_organisation() if callable(acting_organisation) else None


def actor_has_capability(actor: object, capability: str) -> bool:
    has_capability = getattr(actor, "has_capability", None)
    return bool(callable(has_capability) and has_capability(capability))


def actor_is_police(actor: object) -> bool:
    organisation = actor_organisation(actor)
    return bool(organisation is not None and organisation.kind in {"central", "regional"})
