"""Signing in: two steps (password, then a TOTP code), throttled per client and per account.

Both steps count towards the account's lockout: after ``LOGIN_FAILURE_LIMIT`` consecutive
failures it is held for ``LOGIN_LOCKOUT_SECONDS``; a browser that signed in before is judged by
its own failures only, so an attacker cannot lock the officer out (``signin_throttle``).
Every failure answers the same words whatever went wrong (security.md A3/A4).
"""

from __future__ import annotations

import base64
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from kuzet.accounts import signin_throttle
from kuzet.accounts.models import (
    AccountAction,
    User,
)
from kuzet.audit.models import Outcome
from kuzet.audit.services import audit_record

GENERIC_LOGIN_ERROR = _(
    "The username, password or code is not right, or the account is locked. "
    "Check them and try again in a few minutes, or ask your administrator to unlock the account."
)


def _register_login_failure(
    user: User,
    *,
    client_address: str | None,
    step: AccountAction,
    device: signin_throttle.Device | None,
) -> None:
    """Count a failure against the known device it came from, or else the account's lock.

    Failures from unknown devices lock the account for unknown devices only, longer each time
    within a day; a known device's failures lock that device alone.
    """
    outcome_action = step
    if device is not None:
        signin_throttle.device_failure(device)
    else:
        user.failed_login_count += 1
        if user.failed_login_count >= settings.LOGIN_FAILURE_LIMIT:
            seconds = signin_throttle.account_lock_seconds(user.pk)
            user.locked_until = timezone.now() + timedelta(seconds=seconds)
            user.failed_login_count = 0
            outcome_action = AccountAction.LOGIN_LOCKED
        user.save(update_fields=["failed_login_count", "locked_until"])
        signin_throttle.address_failure(client_address)
    audit_record(
        actor=None,
        actor_label=user.get_username(),
        action=outcome_action,
        outcome=Outcome.FAILURE,
        target=user,
        client_address=client_address,
        organisation=user.organisation,
    )
    signin_throttle.alert_on_burst(f"user:{user.pk}", client_address=client_address, user=user)


def _refuse(
    action: AccountAction, *, user: User | None, client_address: str | None, password: str | None
) -> None:
    """Refuse a sign-in without looking at the password (hashed anyway, for timing)."""
    if password is not None:
        make_password(password)
    audit_record(
        actor=None,
        actor_label=user.get_username() if user is not None else "anonymous",
        action=action,
        outcome=Outcome.DENIED,
        target=user,
        client_address=client_address,
    )


def login_check_password(
    *, username: str, password: str, client_address: str | None, device_cookie: str | None = None
) -> User | None:
    """First step of sign-in. Returns the user when the password is right and the account usable.

    The password is hashed even for unknown users so that timing does not tell which usernames
    exist. The attempted username of an unknown account is not recorded: people type passwords
    into the username field. ``device_cookie`` is the browser's signed device cookie, if any:
    a device known to this account is not held by the address throttle or the account's lock
    (see ``signin_throttle``).
    """
    username = username.strip()
    candidate = User.objects.filter(username=username).first()
    device = signin_throttle.device_from_cookie(device_cookie)
    if device is not None and (candidate is None or device.user_id != candidate.pk):
        device = None
    if device is None and signin_throttle.address_is_throttled(client_address):
        _refuse(
            AccountAction.LOGIN_REFUSED_THROTTLED,
            user=candidate,
            client_address=client_address,
            password=password,
        )
        return None
    if candidate is None:
        make_password(password)
        audit_record(
            actor=None,
            actor_label="anonymous",
            action=AccountAction.LOGIN_FIRST_FACTOR_FAILED,
            outcome=Outcome.FAILURE,
            client_address=client_address,
        )
        signin_throttle.address_failure(client_address)
        signin_throttle.alert_on_burst(
            f"address:{client_address}", client_address=client_address, user=None
        )
        return None
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=candidate.pk)
        if _is_held(user, device):
            _refuse(
                AccountAction.LOGIN_REFUSED_LOCKED,
                user=user,
                client_address=client_address,
                password=password,
            )
            return None
        password_is_right = user.check_password(password)
        if not (password_is_right and user.is_active and user.membership is not None):
            _register_login_failure(
                user,
                client_address=client_address,
                step=AccountAction.LOGIN_FIRST_FACTOR_FAILED,
                device=device,
            )
            return None
    return user


def _is_held(user: User, device: signin_throttle.Device | None) -> bool:
    """Locked for this browser: a known device by its own failures, others by the account's."""
    if device is not None:
        return signin_throttle.device_is_throttled(device)
    return user.is_locked()


def login_verify_code(
    *, user: User, code: str, client_address: str | None, device_cookie: str | None = None
) -> TOTPDevice | None:
    """Second step: a TOTP code from the user's confirmed (or being-enrolled) device."""
    device_of_browser = signin_throttle.device_from_cookie(device_cookie)
    if device_of_browser is not None and device_of_browser.user_id != user.pk:
        device_of_browser = None
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if _is_held(user, device_of_browser) or not user.is_active:
            _refuse(
                AccountAction.LOGIN_REFUSED_LOCKED,
                user=user,
                client_address=client_address,
                password=None,
            )
            return None
        device = TOTPDevice.objects.filter(user=user).order_by("-confirmed", "id").first()
        code = "".join(
            character for character in code if character.isascii() and character.isdigit()
        )
        if device is None or len(code) != 6 or not device.verify_token(code):
            _register_login_failure(
                user,
                client_address=client_address,
                step=AccountAction.LOGIN_SECOND_FACTOR_FAILED,
                device=device_of_browser,
            )
            return None
        newly_enrolled = not device.confirmed
        if newly_enrolled:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
        user.failed_login_count = 0
        user.locked_until = None if device_of_browser is None else user.locked_until
        user.last_login = timezone.now()
        user.save(update_fields=["failed_login_count", "locked_until", "last_login"])
        audit_record(
            actor=user,
            action=AccountAction.LOGIN_TOTP_ENROLLED if newly_enrolled else AccountAction.LOGIN,
            target=user,
            client_address=client_address,
        )
    return device


def login_device_cookie(*, user: User) -> str:
    """The signed device cookie a browser gets after a two-factor sign-in for ``user``."""
    return signin_throttle.device_cookie_value(user.pk)


def totp_enrolment_device(*, user: User) -> TOTPDevice:
    """The unconfirmed device a user who has none is shown at sign-in (created once)."""
    device = TOTPDevice.objects.filter(user=user).order_by("-confirmed", "id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="kuzet", confirmed=False)
    return device


def totp_secret(device: TOTPDevice) -> str:
    """The base32 secret an authenticator app asks for."""
    return base64.b32encode(device.bin_key).decode("ascii")


def logout_record(*, user: User, client_address: str | None, reason: str) -> None:
    audit_record(
        actor=user,
        action=AccountAction.LOGOUT,
        target=user,
        purpose=reason,
        client_address=client_address,
    )
