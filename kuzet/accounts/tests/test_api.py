"""The partner API: tokens, scopes, scoping, clear errors."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from kuzet.accounts import services
from kuzet.accounts.models import ApiClient, User
from kuzet.audit.services import SystemActor

pytestmark = pytest.mark.django_db


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_me_answers_the_calling_organisation(client, api_token):
    response = client.get("/api/v1/me", **bearer(api_token("KASPI")))
    assert response.status_code == 200
    body = response.json()
    assert body["organisation"]["code"] == "KASPI"
    assert body["organisation"]["bic"] == "CASPKZKA"
    assert body["scopes"] == ["organisations:read", "profile:read"]
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    "header",
    [
        "",
        "Bearer",
        "Bearer ",
        "Bearer nonsense",
        "Basic dXNlcjpwYXNz",
        "Bearer kz_0000000000.x",
        "Bearer " + "a" * 5000,
    ],
)
def test_bad_tokens_answer_401_with_a_clear_detail(client, reference_data, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get("/api/v1/me", **extra)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert "Authorization: Bearer" in response.json()["detail"]


def test_a_tampered_token_is_refused(client, api_token):
    token = api_token("KASPI")
    assert (
        client.get(
            "/api/v1/me", **bearer(token[:-1] + ("A" if token[-1] != "A" else "B"))
        ).status_code
        == 401
    )


def test_revoked_token_is_refused(client, api_token):
    token = api_token("KASPI")
    api_client = ApiClient.objects.get(token_prefix=token.split(".")[0])
    services.api_client_revoke(actor=SystemActor("test"), api_client=api_client)
    assert client.get("/api/v1/me", **bearer(token)).status_code == 401


def test_expired_token_is_refused(client, api_token):
    token = api_token("KASPI", expires_in_days=1)
    with time_machine.travel(timezone.now() + timedelta(days=1, seconds=1)):
        assert client.get("/api/v1/me", **bearer(token)).status_code == 401


def test_disabling_the_responsible_user_ends_the_token(client, api_token, make_persona):
    frank = make_persona("frank")
    token = api_token("KASPI", responsible_user=frank)
    assert client.get("/api/v1/me", **bearer(token)).status_code == 200
    services.user_disable(actor=SystemActor("test"), user=frank, reason="left the bank")
    assert client.get("/api/v1/me", **bearer(token)).status_code == 401


def test_missing_scope_is_403_naming_the_scope(client, api_token):
    token = api_token("KASPI", scopes=["profile:read"])
    response = client.get("/api/v1/organisations", **bearer(token))
    assert response.status_code == 403
    assert "organisations:read" in response.json()["detail"]


def test_partner_lists_only_itself_and_the_department(client, api_token):
    response = client.get("/api/v1/organisations", **bearer(api_token("KASPI")))
    assert response.status_code == 200
    assert [row["code"] for row in response.json()["items"]] == ["DCC", "KASPI"]


def test_other_tenant_organisation_is_404(client, api_token):
    token = api_token("KASPI")
    assert client.get("/api/v1/organisations/HALYK", **bearer(token)).status_code == 404
    assert client.get("/api/v1/organisations/KASPI", **bearer(token)).status_code == 200


@pytest.mark.parametrize(
    "query", ["limit=-1", "limit=abc", "offset=-5", "limit=1000000000000000000000"]
)
def test_bad_paging_is_a_field_level_4xx(client, api_token, query):
    response = client.get(f"/api/v1/organisations?{query}", **bearer(api_token("KASPI")))
    assert 400 <= response.status_code < 500
    assert "detail" in response.json()


def test_token_is_stored_only_as_a_digest(api_token):
    token = api_token("KASPI")
    stored = ApiClient.objects.get(token_prefix=token.split(".")[0])
    assert token not in (stored.token_digest, stored.token_prefix, stored.name)
    assert stored.token_digest == ApiClient.digest(token)


def test_unknown_scope_is_refused_with_the_known_list(reference_data):
    from kuzet.accounts.models import Organisation

    with pytest.raises(services.AccountError, match="Known scopes"):
        services.api_client_create(
            actor=SystemActor("test"),
            organisation=Organisation.objects.get(code="KASPI"),
            name="x",
            scopes=["everything"],
        )


def test_openapi_document_lists_the_endpoints(signed_in):
    response = signed_in("frank").get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/api/v1/me", "/api/v1/organisations", "/api/v1/organisations/{code}"} <= set(paths)


def test_openapi_page_needs_sign_in(client, reference_data):
    assert client.get("/api/v1/docs").status_code == 302


def test_created_user_via_service_is_audited(reference_data):
    from kuzet.accounts.models import Organisation
    from kuzet.audit.models import AuditEvent

    user = services.user_create(
        actor=SystemActor("test"),
        username="x1",
        password="y" * 16,
        organisation=Organisation.objects.get(code="KASPI"),
        role="partner_officer",
    )
    assert (
        AuditEvent.objects.filter(action="accounts.user.create", object_id=str(user.pk)).count()
        == 1
    )
    assert User.objects.get(pk=user.pk).check_password("y" * 16)


def test_role_must_fit_the_organisation(reference_data):
    from kuzet.accounts.models import Organisation

    with pytest.raises(services.AccountError, match="does not exist"):
        services.user_create(
            actor=SystemActor("test"),
            username="x2",
            password="y" * 16,
            organisation=Organisation.objects.get(code="KASPI"),
            role="investigator",
        )
