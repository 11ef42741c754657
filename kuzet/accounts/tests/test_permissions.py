"""Who sees which organisation, people and pages; the admin site; the audit log's readers.

Another tenant's object answers 404 exactly like a missing one; a page the role does not
grant answers 403. Each denial leaves an audit entry. Write actions (and that nothing changed
on their denial) are rows of the one permission matrix, ``test_permission_matrix.py``.
"""

from __future__ import annotations

import pytest

from kuzet.accounts import services
from kuzet.accounts.models import Membership, Organisation, User
from kuzet.audit.models import AuditEvent
from kuzet.audit.services import SystemActor

pytestmark = pytest.mark.django_db

PEOPLE = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "henry", "ivan", "admin"]


@pytest.fixture
def world(make_persona):
    """Every persona, plus a Halyk officer and a Halyk token (another bank's world)."""
    for username in PEOPLE:
        make_persona(username)
    halyk = Organisation.objects.get(code="HALYK")
    halyk_officer = services.user_create(
        actor=SystemActor("test"),
        username="halyk_officer",
        password="x" * 16,
        organisation=halyk,
        role="partner_officer",
    )
    halyk_token = services.api_client_create(
        actor=SystemActor("test"), organisation=halyk, name="halyk engine", scopes=["profile:read"]
    ).api_client
    kaspi_token = services.api_client_create(
        actor=SystemActor("test"),
        organisation=Organisation.objects.get(code="KASPI"),
        name="kaspi engine",
        scopes=["profile:read"],
    ).api_client
    return {"halyk_officer": halyk_officer, "halyk_token": halyk_token, "kaspi_token": kaspi_token}


# (persona, organisation code, expected status) for viewing an organisation's page.
ORGANISATION_VIEW = [
    ("alice", "HALYK", 200),
    ("alice", "DP-KZ-71", 200),
    ("carol", "DP-KZ-75", 200),
    ("frank", "KASPI", 200),
    ("frank", "DCC", 200),
    ("frank", "HALYK", 404),
    ("frank", "DP-KZ-75", 404),
    ("grace", "KASPI", 404),
    ("henry", "FP-EXAMPLE-UZ", 404),
    ("henry", "FP-EXAMPLE-DE", 200),
    ("henry", "KASPI", 404),
    ("erin", "KASPI", 200),
    ("ivan", "HALYK", 200),
    ("admin", "HALYK", 200),
]


@pytest.mark.parametrize(("persona", "code", "expected"), ORGANISATION_VIEW)
def test_organisation_page(world, signed_in, persona, code, expected):
    response = signed_in(persona).get(f"/accounts/organisations/{code}/")
    assert response.status_code == expected


@pytest.mark.parametrize("persona", ["frank", "grace", "henry"])
def test_partners_cannot_enumerate_other_partners(world, signed_in, persona):
    user = User.objects.get(username=persona)
    visible = set(Organisation.objects.visible_to(user).values_list("code", flat=True))
    assert visible == {user.organisation.code, "DCC"}
    page = signed_in(persona).get("/accounts/organisations/").content.decode()
    assert "HALYK" not in page


def test_out_of_scope_object_is_indistinguishable_from_a_missing_one(world, signed_in):
    client = signed_in("frank")
    hidden = client.get("/accounts/organisations/HALYK/")
    missing = client.get("/accounts/organisations/NO-SUCH-ORG/")
    assert hidden.status_code == missing.status_code == 404
    assert (
        AuditEvent.objects.filter(
            action="access.denied",
            object_type="accounts.organisation",
            object_id=str(Organisation.objects.get(code="HALYK").pk),
        ).count()
        == 1
    )


# (persona, target username, expected status) for disabling an account.
DISABLE_MEMBER = [
    ("alice", "bob", 403),  # investigators do not manage people
    ("frank", "halyk_officer", 403),
    ("dave", "halyk_officer", 404),  # a head of unit manages only the Department
    ("dave", "ivan", 200),
    ("admin", "halyk_officer", 200),  # platform administrator
    ("erin", "alice", 403),
]


@pytest.mark.parametrize(("persona", "target", "expected"), DISABLE_MEMBER)
def test_disable_member_form(world, signed_in, persona, target, expected):
    membership = Membership.objects.get(user__username=target)
    response = signed_in(persona).get(f"/accounts/members/{membership.pk}/disable/")
    assert response.status_code == expected


def test_allowed_disable_ends_the_target_session(world, signed_in):
    victim_client = signed_in("ivan")
    assert victim_client.get("/").status_code == 200
    membership = Membership.objects.get(user__username="ivan")
    response = signed_in("dave").post(
        f"/accounts/members/{membership.pk}/disable/", {"reason": "left the service"}
    )
    assert response.status_code == 302
    assert User.objects.get(username="ivan").is_active is False
    assert victim_client.get("/").status_code == 302
    event = AuditEvent.objects.get(action="accounts.user.disable")
    assert event.purpose == "left the service"
    assert event.actor_label == "dave"


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("alice", 403), ("frank", 403), ("henry", 403), ("dave", 403), ("admin", 403), ("erin", 200)],
)
def test_only_auditors_open_the_audit_log(world, signed_in, persona, expected):
    assert signed_in(persona).get("/audit/").status_code == expected


@pytest.mark.parametrize("persona", ["alice", "frank", "dave", "erin"])
def test_admin_site_is_for_platform_administrators_only(world, signed_in, persona):
    response = signed_in(persona).get("/admin/", follow=True)
    assert response.status_code == 200
    assert not response.redirect_chain[-1][0].startswith("/admin/")
    assert "site-administration" not in response.content.decode()


def test_platform_administrator_sees_admin_read_only(world, signed_in):
    client = signed_in("admin")
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/accounts/organisation/").status_code == 200
    assert client.get("/admin/accounts/organisation/add/").status_code == 403
    assert client.get("/admin/audit/auditevent/").status_code == 404


def test_anonymous_is_sent_to_sign_in_everywhere(world, client):
    for path in ["/", "/accounts/organisations/", "/audit/", "/accounts/organisations/DCC/"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/login/"), path


def test_reading_people_of_an_organisation_is_recorded_with_its_purpose(world, signed_in):
    signed_in("dave").get("/accounts/organisations/DCC/")
    event = AuditEvent.objects.get(action="read", actor_label="dave")
    assert event.object_type == "accounts.organisation"
    assert event.purpose == "list of the organisation's people"


@pytest.mark.parametrize(
    "path",
    [
        "/admin/accounts/user/?q=%00%ff",
        "/admin/accounts/user/?o=999",
        "/admin/accounts/user/abc/change/",
        "/admin/accounts/organisation/?kind__exact=<script>",
        "/admin/audit/auditevent/999999/change/",
    ],
)
def test_bad_input_to_the_admin_is_never_a_500(world, signed_in, path):
    response = signed_in("admin").get(path, follow=True)
    assert response.status_code in {200, 302, 400, 404}
