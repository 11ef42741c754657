"""The client's address, the same for audit, rate limits and sign-in, also behind the proxy."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from kuzet.audit.services import client_address_of

PROXY = "10.0.0.5"


def request_from(peer: str, forwarded: str | None = None):
    headers = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


@pytest.fixture
def behind_proxy(settings):
    import ipaddress

    settings.TRUSTED_PROXIES = [ipaddress.ip_network("10.0.0.0/24")]


def test_without_trusted_proxies_the_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert client_address_of(request_from("198.51.100.9", "203.0.113.1")) == "198.51.100.9"


def test_behind_the_proxy_the_client_is_the_last_untrusted_hop(behind_proxy):
    # The client wrote "1.2.3.4" itself; the proxy appended the real peer, 203.0.113.7.
    request = request_from(PROXY, "1.2.3.4, 203.0.113.7")
    assert client_address_of(request) == "203.0.113.7"


def test_every_trusted_hop_is_skipped(behind_proxy):
    request = request_from(PROXY, "203.0.113.7, 10.0.0.9")
    assert client_address_of(request) == "203.0.113.7"


def test_a_peer_that_is_not_a_trusted_proxy_cannot_forge_the_header(behind_proxy):
    assert client_address_of(request_from("198.51.100.9", "203.0.113.7")) == "198.51.100.9"


def test_a_malformed_hop_stops_at_the_last_address_we_trust(behind_proxy):
    assert client_address_of(request_from(PROXY, "203.0.113.7, not-an-address")) == PROXY


def test_a_missing_peer_address_is_none():
    assert client_address_of(request_from("")) is None
