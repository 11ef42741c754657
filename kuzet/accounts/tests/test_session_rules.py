"""StaffSessionMiddleware ends the session itself, not only the page refusing it.

The pages' own guards also turn such a request away, so a test that looks only at the page's
answer passes with the middleware's rule deleted. These look at the session: after one request
it must no longer hold the user.
"""

from __future__ import annotations

import time

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client

from kuzet.accounts.middleware import AUTHENTICATED_AT_KEY
from kuzet.accounts.models import Membership

pytestmark = pytest.mark.django_db


def test_a_session_without_the_second_factor_is_ended(make_persona):
    # Signed in with the password, within the 12 hours, but no verified device in the session.
    client = Client()
    client.force_login(make_persona("alice"), backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[AUTHENTICATED_AT_KEY] = time.time()
    session.save()
    assert client.session.get(SESSION_KEY) is not None

    response = client.get("/")

    assert response.status_code == 302
    assert client.session.get(SESSION_KEY) is None


def test_a_session_whose_user_lost_every_role_is_ended(signed_in):
    client = signed_in("alice")
    assert client.get("/").status_code == 200
    Membership.objects.filter(user__username="alice").update(is_active=False)

    response = client.get("/")

    assert response.status_code == 302
    assert client.session.get(SESSION_KEY) is None
