"""The admin site: platform administrators only, signed in through kuzet's two-factor sign-in.

Changes to people and tokens go through ``accounts.services`` (audited), so the admin shows
reference data and accounts read-only; it is an inspection tool, not a second write path. The
audit log is not here: only auditors read it, on their own page (security.md C12).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from kuzet.accounts.access import is_two_factor_verified
from kuzet.accounts.models import ApiClient, Capability, Membership, Organisation, Region, User


def _admin_has_permission(request: HttpRequest) -> bool:
    user = request.user
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and is_two_factor_verified(user)
        and isinstance(user, User)
        and user.has_capability(Capability.MANAGE_ALL_MEMBERS)
    )


def _admin_login(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    next_url = request.GET.get("next") or reverse("admin:index")
    return redirect(f"{reverse('accounts:login')}?{urlencode({'next': next_url})}")


admin.site.site_header = "kuzet"
admin.site.site_title = "kuzet"
admin.site.has_permission = _admin_has_permission  # type: ignore[method-assign]
admin.site.login = _admin_login  # type: ignore[method-assign]


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    # The site itself admits only platform administrators (_admin_has_permission), so viewing
    # needs no Django model permission on top; changing is never possible here.
    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _admin_has_permission(request)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _admin_has_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    list_display = ("iso_code", "name_ru", "name_kk", "name_en", "kind")


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdmin):
    list_display = ("code", "kind", "name_ru", "region", "bic", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name_ru", "name_en", "bic")


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ("username", "is_active", "last_login", "locked_until")
    search_fields = ("username",)
    exclude = ("password",)


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ("user", "organisation", "role", "is_active")
    list_filter = ("role", "is_active")


@admin.register(ApiClient)
class ApiClientAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "name", "token_prefix", "expires_at", "revoked_at")
    exclude = ("token_digest",)
