"""The boundary checks every view and endpoint starts with.

Two rules, applied in one place: a page needs a signed-in, two-factor-verified person with the
capability it names (otherwise 403, audited); an object is fetched only through its
``visible_to(actor)`` QuerySet, and one outside the actor's world answers 404 exactly like one
that does not exist (the denial is audited all the same).
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

from kuzet.accounts.models import AccountAction, Capability
from kuzet.audit.models import Outcome
from kuzet.audit.services import audit_record, client_address_of

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


def capability_required(*capabilities: Capability) -> Callable[[View], View]:
    """A signed-in person whose role grants every named capability."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not is_signed_in(request):
                return redirect_to_login(request.get_full_path())
            user = request.user
            if not all(user.has_capability(capability) for capability in capabilities):  # type: ignore[union-attr]
                audit_record(
                    actor=user,
                    action=AccountAction.ACCESS_DENIED,
                    outcome=Outcome.DENIED,
                    object_type="page",
                    object_id=request.path[:64],
                    client_address=client_address_of(request),
                )
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def get_visible_or_404(
    visible: QuerySet[ModelType], request: HttpRequest | None, actor: Any, **lookup: Any
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
        audit_record(
            actor=actor,
            action=AccountAction.ACCESS_DENIED,
            outcome=Outcome.DENIED,
            target=hidden,
            client_address=client_address_of(request),
        )
    raise Http404
