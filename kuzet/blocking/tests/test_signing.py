"""Signing and checking partner messages: the vectors, the window, the keys, the nonces."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

import pytest
from django.utils import timezone

from kuzet.accounts.models import Organisation
from kuzet.blocking import signing
from kuzet.blocking.nonces import nonce_first_use

KEY = "partner-key-for-tests"
BODY = b'{"kind":"hold_alert","amount":"150000.00"}'
NOW = 1_780_000_000


def test_the_signature_is_hmac_sha256_over_timestamp_nonce_and_body():
    expected = hmac.new(KEY.encode(), b"1780000000.abc123." + BODY, hashlib.sha256).hexdigest()
    assert signing.signature(key=KEY, timestamp="1780000000", nonce="abc123", body=BODY) == (
        f"v1={expected}"
    )


def test_a_fixed_vector():
    # Computed once with openssl: printf '1700000000.n0nce.{}' | openssl dgst -sha256 -hmac key
    assert signing.signature(key="key", timestamp="1700000000", nonce="n0nce", body=b"{}") == (
        "v1=a0a9bb9868a25edc89e1b3da90a7a3befc7e51b993eae5613de8b3ef663c736e"
    )


def signed(now: float = NOW, key: str = KEY) -> dict[str, str]:
    return signing.signed_headers(key=key, message_id="m-1", body=BODY, now=now, nonce="n-1")


def test_signed_headers_verify_and_name_the_message():
    verified = signing.signature_verify(keys=[KEY], headers=signed(), body=BODY, now=NOW + 10)
    assert verified == signing.VerifiedMessage(message_id="m-1", timestamp=NOW, nonce="n-1")


def test_header_names_are_read_whatever_their_case():
    headers = {name.lower(): value for name, value in signed().items()}
    assert signing.signature_verify(keys=[KEY], headers=headers, body=BODY, now=NOW).nonce == "n-1"


@pytest.mark.parametrize("skew", [301, -301, 3600])
def test_a_timestamp_outside_five_minutes_is_refused(skew):
    with pytest.raises(signing.SignatureInvalid, match="window"):
        signing.signature_verify(keys=[KEY], headers=signed(), body=BODY, now=NOW + skew)


@pytest.mark.parametrize("skew", [300, -300, 0])
def test_a_timestamp_within_five_minutes_is_accepted(skew):
    signing.signature_verify(keys=[KEY], headers=signed(), body=BODY, now=NOW + skew)


def test_a_changed_body_is_refused():
    with pytest.raises(signing.SignatureInvalid, match="does not match"):
        signing.signature_verify(keys=[KEY], headers=signed(), body=BODY + b" ", now=NOW)


def test_a_changed_nonce_or_timestamp_is_refused():
    for name, value in ((signing.HEADER_NONCE, "n-2"), (signing.HEADER_TIMESTAMP, str(NOW + 1))):
        headers = {**signed(), name: value}
        with pytest.raises(signing.SignatureInvalid, match="does not match"):
            signing.signature_verify(keys=[KEY], headers=headers, body=BODY, now=NOW)


def test_another_partners_key_is_refused_and_a_previous_key_accepted_while_listed():
    headers = signed(key="old-key")
    with pytest.raises(signing.SignatureInvalid):
        signing.signature_verify(keys=[KEY], headers=headers, body=BODY, now=NOW)
    signing.signature_verify(keys=[KEY, "old-key"], headers=headers, body=BODY, now=NOW)


@pytest.mark.parametrize(
    "header", [signing.HEADER_SIGNATURE, signing.HEADER_NONCE, signing.HEADER_TIMESTAMP]
)
def test_a_missing_header_is_refused(header):
    headers = {name: value for name, value in signed().items() if name != header}
    with pytest.raises(signing.SignatureInvalid, match="missing"):
        signing.signature_verify(keys=[KEY], headers=headers, body=BODY, now=NOW)


def test_a_malformed_timestamp_is_refused():
    headers = {**signed(), signing.HEADER_TIMESTAMP: "1e9"}
    with pytest.raises(signing.SignatureInvalid, match="malformed"):
        signing.signature_verify(keys=[KEY], headers=headers, body=BODY, now=NOW)


def test_fresh_keys_and_nonces_differ():
    assert signing.signing_key_new() != signing.signing_key_new()
    assert len(signing.signing_key_new()) >= 43
    first = signing.signed_headers(key=KEY, message_id="m", body=BODY)
    second = signing.signed_headers(key=KEY, message_id="m", body=BODY)
    assert first[signing.HEADER_NONCE] != second[signing.HEADER_NONCE]


@pytest.mark.django_db
def test_a_nonce_is_accepted_once_per_partner(reference_data):
    kaspi, halyk = Organisation.objects.filter(kind="bank").order_by("code")[:2]
    assert nonce_first_use(organisation=kaspi, nonce="n-1") is True
    assert nonce_first_use(organisation=kaspi, nonce="n-1") is False
    assert nonce_first_use(organisation=halyk, nonce="n-1") is True


@pytest.mark.django_db
def test_an_expired_nonce_is_forgotten(reference_data):
    kaspi = Organisation.objects.filter(kind="bank").first()
    assert nonce_first_use(organisation=kaspi, nonce="n-1") is True
    later = timezone.now() + timedelta(minutes=11)
    assert nonce_first_use(organisation=kaspi, nonce="n-1", now=later) is True
