"""The boundary checks every view and endpoint starts with.

Three rules, applied in one place: a page needs a signed-in, two-factor-verified person with the
capability it names (otherwise 403, audited); an object is fetched only through its
``visible_to(actor)`` QuerySet (or ``changeable_by(actor)`` for a write), and one outside the
actor's world answers 404 exactly like one that does not exist (the denial is audited all the
same); a page that does several things checks the capability of the one asked for
(``require_capability``) before calling the service, which checks it again.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase

from kuzet.accounts.models import AccountAction, Capability, User
from kuzet.audit.models import Outcome
from kuzet.audit.services import audit_access_failure, audit_record, client_address_of
from kuzet.core.actors import ActionDenied, Actor

ModelType = TypeVar("ModelType", bound=Model)
View = Callable[..., HttpResponseBase]


def is_two_factor_verified(user: object) -> bool:
    """django-otp adds ``is_verified`` to request users; anything else is not verified."""
    is_verified = getattr(user, "is_verified", None)
    return bool(callable(is_verified) and is_verified())


def is_signed_in(request: HttpRequest) -> bool:
    return bool(request.user.is_authenticated and is_two_factor_verified(request.user))


def staff_login_required(view: View) -> View:
    """A signed-in person who passed both factors; everyone else goes to the sign-in page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not is_signed_in(request):
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


def acting_user(request: HttpRequest) -> User:
    """The signed-in person a staff view acts for (after ``capability_required``)."""
    user = request.user
    if not isinstance(user, User) or not is_signed_in(request):
        raise PermissionDenied
    return user


def record_denial(request: HttpRequest, actor: Actor | None, capability: str) -> None:
    """Audit a refused action on a page: who, which page, which capability was missing."""
    audit_record(
        actor=actor,
        action=AccountAction.ACCESS_DENIED,
        outcome=Outcome.DENIED,
        object_type="page",
        object_id=request.path[:64],
        purpose=f"missing capability: {capability}"[:300],
        client_address=client_address_of(request),
    )


def require_capability(request: HttpRequest, capability: Capability) -> User:
    """The acting person, if their role grants ``capability``; 403 (audited) otherwise.

    For pages that carry several actions: each one is checked before its service is called.
    """
    user = acting_user(request)
    if not user.has_capability(capability):
        record_denial(request, user, capability)
        raise ActionDenied(capability, is_recorded=True)
    return user


def capability_required(*capabilities: Capability) -> Callable[[View], View]:
    """A signed-in person whose role grants every named capability."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not is_signed_in(request):
                return redirect_to_login(request.get_full_path())
            user = acting_user(request)
            missing = [
                capability for capability in capabilities if not user.has_capability(capability)
            ]
            if missing:
                record_denial(request, user, ", ".join(missing))
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def get_visible_or_404(
    visible: QuerySet[ModelType], request: HttpRequest | None, actor: Actor, **lookup: Any
) -> ModelType:
    """Fetch one object through an already scoped QuerySet, or answer 404.

    When the object exists but lies outside the actor's world, the denial is audited before the
    404, so probing for other tenants' objects leaves a trace (security.md C3).
    """
    found = visible.filter(**lookup).first()
    if found is not None:
        return found
    model = visible.model
    hidden = model._default_manager.filter(**lookup).first()
    if hidden is not None:
        # Bounded like every refusal: repeating the same probe cannot flood the log.
        audit_access_failure(
            action=AccountAction.ACCESS_DENIED,
            reason=f"not visible: {hidden._meta.label_lower}:{hidden.pk}",
            actor=actor,
            target=hidden,
            client_address=client_address_of(request),
        )
    raise Http404
