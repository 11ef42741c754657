"""Every change to people, organisations and API clients, each atomic and audited.

One module per concern: ``signin`` (two-step sign-in, throttling, lockout), ``people`` (accounts
of an organisation), ``tokens`` (partner API clients and their refusals), ``reference`` (seeded
regions, organisations, card prefixes), ``idempotency`` (partner writes sent twice). Callers use
this package's names.
"""

from kuzet.accounts.services.idempotency import (
    IDEMPOTENCY_WINDOW,
    IdempotencyConflict,
    idempotent_call,
)
from kuzet.accounts.services.people import AccountError, user_create, user_disable, user_unlock
from kuzet.accounts.services.reference import card_prefixes_seed, reference_data_seed
from kuzet.accounts.services.signin import (
    GENERIC_LOGIN_ERROR,
    login_check_password,
    login_device_cookie,
    login_verify_code,
    logout_record,
    totp_enrolment_device,
    totp_secret,
)
from kuzet.accounts.services.tokens import (
    IssuedToken,
    api_client_authenticate,
    api_client_create,
    api_client_revoke,
    api_denial_record,
    api_refusal_record,
)

__all__ = [
    "GENERIC_LOGIN_ERROR",
    "IDEMPOTENCY_WINDOW",
    "AccountError",
    "IdempotencyConflict",
    "IssuedToken",
    "api_client_authenticate",
    "api_client_create",
    "api_client_revoke",
    "api_denial_record",
    "api_refusal_record",
    "card_prefixes_seed",
    "idempotent_call",
    "login_check_password",
    "login_device_cookie",
    "login_verify_code",
    "logout_record",
    "reference_data_seed",
    "totp_enrolment_device",
    "totp_secret",
    "user_create",
    "user_disable",
    "user_unlock",
]
