"""Fixtures: reference data, personas signed in with two factors, API tokens.

Personas are built through the same services the demo uses, so invariants hold in tests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from kuzet.accounts import services
from kuzet.accounts.middleware import AUTHENTICATED_AT_KEY
from kuzet.accounts.models import Organisation, User
from kuzet.audit.services import SystemActor
from kuzet.fakepartner.server import FakePartners
from kuzet.reports import services as report_services
from kuzet.testing import DEMO_PASSWORD, PERSONAS_BY_USERNAME


@pytest.fixture(autouse=True)
def english_by_default(settings: Any) -> None:
    """Assertions read English; the language tests switch explicitly."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings: Any) -> None:
    """Background tasks run inline in tests (their own code is still what runs)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    """Counters kept in the cache (bounded audit of refusals) start empty in every test."""
    cache.clear()


@pytest.fixture(autouse=True)
def generous_api_allowances(settings: Any) -> None:
    """Partner calls are not rate-limited in tests unless a test sets its own allowances.

    Tests of other rules (idempotency, quotas, the contract) make more calls in a second than a
    partner's allowance permits, and must see the rule they test, not the limiter.
    """
    settings.API_RATE_LIMITS_PER_MINUTE = dict.fromkeys(("read", "write", "bulk", "import"), 10_000)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """Argon2 is deliberately slow; tests that do not test hashing use a fast hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def reference_data(db: None) -> None:
    """Regions and organisations. Migrations seed them; a flushed test database needs a reseed."""
    if not Organisation.objects.filter(code="DCC").exists():
        services.reference_data_seed()


@pytest.fixture
def make_persona(reference_data: None) -> Callable[[str], User]:
    def make(username: str) -> User:
        existing = User.objects.filter(username=username).first()
        if existing is not None:
            return existing
        persona = PERSONAS_BY_USERNAME[username]
        user = services.user_create(
            actor=SystemActor("test"),
            username=persona.username,
            password=DEMO_PASSWORD,
            organisation=Organisation.objects.get(code=persona.organisation_code),
            role=persona.role,
            preferred_language=persona.language,
        )
        if persona.is_platform_administrator:
            User.objects.filter(pk=user.pk).update(is_staff=True)
            user.refresh_from_db()
        TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        return user

    return make


def client_for(user: User) -> Client:
    """A test client for any user with a device, signed in as if both factors had passed."""
    import time  # noqa: PLC0415

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    device = TOTPDevice.objects.filter(user=user).first() or TOTPDevice.objects.create(
        user=user, name="test", confirmed=True
    )
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session[AUTHENTICATED_AT_KEY] = time.time()
    session.save()
    return client


@pytest.fixture
def signed_in(make_persona: Callable[[str], User]) -> Callable[[str], Client]:
    """A test client for a persona, signed in as if both factors had passed."""

    def sign_in(username: str) -> Client:
        return client_for(make_persona(username))

    return sign_in


@pytest.fixture
def api_token(reference_data: None) -> Callable[..., str]:
    def issue(
        organisation_code: str = "KASPI",
        scopes: Any = ("profile:read", "organisations:read"),
        **options: Any,
    ) -> str:
        issued = services.api_client_create(
            actor=SystemActor("test"),
            organisation=Organisation.objects.get(code=organisation_code),
            name="test client",
            scopes=list(scopes),
            **options,
        )
        return issued.token

    return issue


@pytest.fixture
def submit(reference_data: None) -> Callable[..., report_services.SubmittedReport]:
    """Submit a report through the real intake service; a golden-hour transfer by default."""

    def make(
        *,
        channel: str = "public_web",
        minutes_ago: int | None = 10,
        to_account: str = "KZ86125KZT5004100100",
        amount: str = "150000",
        source_organisation: Any = None,
        **fields: Any,
    ) -> report_services.SubmittedReport:
        transfers: tuple[report_services.TransferInput, ...] = ()
        if minutes_ago is not None:
            transfers = (
                report_services.TransferInput(
                    amount=Decimal(amount),
                    to_account=to_account,
                    transferred_at=timezone.now() - timedelta(minutes=minutes_ago),
                ),
            )
        data = report_services.ReportInput(
            narrative=fields.pop("narrative", "Позвонили из «службы безопасности банка»."),
            region_code=fields.pop("region_code", "KZ-75"),
            transfers=fields.pop("transfers", transfers),
            **fields,
        )
        # The public form needs no one; other channels are submitted as the system would.
        actor = None if channel == "public_web" else SystemActor("test")
        return report_services.report_submit(
            actor=actor, channel=channel, data=data, source_organisation=source_organisation
        )

    return make


@pytest.fixture
def fake_partners(settings: Any) -> Iterator[FakePartners]:
    """The fake partner service on a free port of 127.0.0.1, stopped after the test.

    ``kuzet.fakepartner.testing.fake_partner_connect(fake_partners, organisation)`` points a
    partner's webhook at it.
    """
    settings.WEBHOOK_PLAIN_HTTP_HOSTS = ["127.0.0.1"]
    # Short, so a hanging partner costs a test a fraction of a second.
    settings.WEBHOOK_CONNECT_TIMEOUT_SECONDS = 1
    settings.WEBHOOK_READ_TIMEOUT_SECONDS = 0.5
    service = FakePartners().start()
    yield service
    service.stop()
