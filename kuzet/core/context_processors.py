"""Navigation from the signed-in person's capabilities: what you cannot open, you do not see."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kuzet.core.permissions import Capability


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_verified():
        return {"navigation": []}
    items = [
        {"label": _("Home"), "url": reverse("core:home")},
        {"label": _("Organisations"), "url": reverse("accounts:organisation_list")},
    ]
    if user.has_capability(Capability.VIEW_REPORTS):
        items.append({"label": _("Reports"), "url": reverse("reports:queue")})
    if user.has_capability(Capability.TAKE_REPORTS):
        items.append({"label": _("New report"), "url": reverse("reports:staff_new")})
    if user.has_capability(Capability.RELEASE_HOLD_ALERTS):
        items.append({"label": _("Held-back alerts"), "url": reverse("blocking:held_back")})
    if user.has_capability(Capability.VIEW_INBOX):
        items.append({"label": _("Inbox"), "url": reverse("blocking:inbox")})
    if user.has_capability(Capability.VIEW_AUDIT):
        items.append({"label": _("Audit log"), "url": reverse("audit:event_list")})
    items.append({"label": _("API for partners"), "url": reverse("api-1.0.0:openapi-view")})
    current = request.path
    for item in items:
        item["is_current"] = current == item["url"] or (
            item["url"] != "/" and current.startswith(str(item["url"]))
        )
    return {"navigation": items}
