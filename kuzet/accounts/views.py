"""Sign-in (password, then TOTP code), sign-out, organisations and people.

Views only parse input, fetch through ``visible_to``, call one service and render.
"""

from __future__ import annotations

import time
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from kuzet.accounts import services
from kuzet.accounts.access import (
    acting_user,
    capability_required,
    get_visible_or_404,
    is_signed_in,
    staff_login_required,
)
from kuzet.accounts.forms import CodeStepForm, DisableUserForm, PasswordStepForm
from kuzet.accounts.middleware import AUTHENTICATED_AT_KEY
from kuzet.accounts.models import (
    ApiClient,
    Capability,
    Membership,
    Organisation,
    OrganisationKind,
    User,
)
from kuzet.audit.services import audit_read, client_address_of

PENDING_USER_KEY = "kuzet_pending_user"
PENDING_AT_KEY = "kuzet_pending_at"
PENDING_NEXT_KEY = "kuzet_pending_next"
PENDING_SECONDS = 300


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("core:home")


@require_http_methods(["GET", "POST"])
def login_password(request: HttpRequest) -> HttpResponse:
    """Step one: username and password."""
    if is_signed_in(request):
        return redirect("core:home")
    form = PasswordStepForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.login_check_password(
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
            client_address=client_address_of(request),
            device_cookie=request.COOKIES.get(settings.LOGIN_DEVICE_COOKIE_NAME),
        )
        if user is not None:
            request.session.cycle_key()
            request.session[PENDING_USER_KEY] = user.pk
            request.session[PENDING_AT_KEY] = time.time()
            request.session[PENDING_NEXT_KEY] = _safe_next(request, request.GET.get("next"))
            return redirect("accounts:login_code")
        form.add_error(None, services.GENERIC_LOGIN_ERROR)
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/login.html", {"form": form}, status=status)


def _pending_user(request: HttpRequest) -> User | None:
    user_id = request.session.get(PENDING_USER_KEY)
    started = request.session.get(PENDING_AT_KEY)
    if not isinstance(user_id, int) or not isinstance(started, int | float):
        return None
    if time.time() - started > PENDING_SECONDS:
        return None
    return User.objects.filter(pk=user_id, is_active=True).first()


@require_http_methods(["GET", "POST"])
def login_code(request: HttpRequest) -> HttpResponse:
    """Step two: the TOTP code; a person without a device enrols one here first."""
    user = _pending_user(request)
    if user is None:
        messages.info(request, _("Sign in with your username and password first."))
        return redirect("accounts:login")
    device = services.totp_enrolment_device(user=user)
    form = CodeStepForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        verified_device = services.login_verify_code(
            user=user,
            code=form.cleaned_data["code"],
            client_address=client_address_of(request),
            device_cookie=request.COOKIES.get(settings.LOGIN_DEVICE_COOKIE_NAME),
        )
        if verified_device is not None:
            next_url = request.session.get(PENDING_NEXT_KEY) or reverse("core:home")
            for key in (PENDING_USER_KEY, PENDING_AT_KEY, PENDING_NEXT_KEY):
                request.session.pop(key, None)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            otp_login(request, verified_device)
            request.session[AUTHENTICATED_AT_KEY] = time.time()
            response = redirect(next_url)
            # This browser is now a known device of the user: an attacker's failures elsewhere
            # cannot lock it out (accounts/signin_throttle.py).
            response.set_cookie(
                settings.LOGIN_DEVICE_COOKIE_NAME,
                services.login_device_cookie(user=user),
                max_age=settings.LOGIN_DEVICE_COOKIE_DAYS * 24 * 3600,
                samesite="Strict",
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
            )
            if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
                # A first sign-in on this browser opens in the person's own language.
                response.set_cookie(
                    settings.LANGUAGE_COOKIE_NAME,
                    user.preferred_language,
                    max_age=365 * 24 * 3600,
                    samesite="Lax",
                    secure=settings.LANGUAGE_COOKIE_SECURE,
                    httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                )
            return response
        form.add_error(None, services.GENERIC_LOGIN_ERROR)
        status = 400
    elif request.method == "POST":
        status = 400
    context: dict[str, Any] = {"form": form, "enrolling": not device.confirmed}
    if not device.confirmed:
        context["secret"] = services.totp_secret(device)
        context["qr_svg"] = segno.make(device.config_url, error="m").svg_data_uri(scale=4)
    return render(request, "accounts/login_code.html", context, status=status)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if isinstance(request.user, User):
        services.logout_record(
            user=request.user,
            client_address=client_address_of(request),
            reason="signed out",
        )
    logout(request)
    messages.info(request, _("You have signed out."))
    return redirect("accounts:login")


@staff_login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    organisations = (
        Organisation.objects.visible_to(request.user)
        .select_related("region")
        .order_by("kind", "code")
    )
    kind = request.GET.get("kind", "")
    if kind in OrganisationKind.values:
        organisations = organisations.filter(kind=kind)
    return render(
        request,
        "accounts/organisation_list.html",
        {"organisations": organisations, "kinds": OrganisationKind.choices, "selected_kind": kind},
    )


@staff_login_required
def organisation_detail(request: HttpRequest, code: str) -> HttpResponse:
    user = acting_user(request)
    organisation = get_visible_or_404(
        Organisation.objects.visible_to(user).select_related("region"),
        request,
        user,
        code=code,
    )
    members = Membership.objects.visible_to(user).filter(organisation=organisation)
    api_clients = ApiClient.objects.visible_to(user).filter(organisation=organisation)
    if members.exclude(user=user).exists():
        # The list names people: a consultation of personal data, recorded with its purpose.
        audit_read(
            actor=user,
            target=organisation,
            purpose="list of the organisation's people",
            client_address=client_address_of(request),
        )
    return render(
        request,
        "accounts/organisation_detail.html",
        {
            "organisation": organisation,
            "members": members.select_related("user"),
            "api_clients": api_clients,
        },
    )


@capability_required(Capability.MANAGE_MEMBERS)
@require_http_methods(["GET", "POST"])
def member_disable(request: HttpRequest, membership_id: int) -> HttpResponse:
    user = acting_user(request)
    membership = get_visible_or_404(
        Membership.objects.changeable_by(user).select_related("user", "organisation"),
        request,
        user,
        pk=membership_id,
    )
    form = DisableUserForm(request.POST or None)
    if membership.user_id == user.pk:
        messages.error(request, _("You cannot disable your own account."))
        return redirect("accounts:organisation_detail", code=membership.organisation.code)
    if request.method == "POST" and form.is_valid():
        services.user_disable(
            actor=user,
            user=membership.user,
            reason=form.cleaned_data["reason"],
            client_address=client_address_of(request),
        )
        messages.success(request, _("The account is disabled. Its sessions and tokens have ended."))
        return redirect("accounts:organisation_detail", code=membership.organisation.code)
    return render(
        request,
        "accounts/member_disable.html",
        {"membership": membership, "form": form},
        status=400 if form.is_bound else 200,
    )


@capability_required(Capability.MANAGE_API_CLIENTS)
@require_POST
def api_client_revoke(request: HttpRequest, public_id: str) -> HttpResponse:
    user = acting_user(request)
    api_client = get_visible_or_404(
        ApiClient.objects.changeable_by(user).select_related("organisation"),
        request,
        user,
        public_id=public_id,
    )
    services.api_client_revoke(
        actor=user, api_client=api_client, reason="revoked in the web interface"
    )
    messages.success(request, _("The token is revoked."))
    return HttpResponseRedirect(
        reverse("accounts:organisation_detail", kwargs={"code": api_client.organisation.code})
    )
