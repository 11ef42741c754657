"""The keyed hashes intake links reports by: identifiers and reporters' contacts."""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from django.conf import settings

from kuzet import indicators


def identifier_hash(indicator_type: str, value: str) -> str:
    """The keyed hash every link, registry entry and screening call keys on."""
    return _identifier_hash(indicator_type, value, settings.IDENTIFIER_HASH_KEY)


def contact_hash(value: str) -> str:
    """Keyed hash of a reporter's phone or e-mail: finds repeat reporters without storing twice."""
    return _contact_hash(value, settings.IDENTIFIER_HASH_KEY)


# Cached by value and key: a batch hashes each reporter several times, and mule accounts and
# phones recur across thousands of reports.
@lru_cache(maxsize=65536)
def _identifier_hash(indicator_type: str, value: str, key: str) -> str:
    return indicators.identifier_hash(indicator_type, value, key.encode("utf-8"))


@lru_cache(maxsize=65536)
def _contact_hash(value: str, key: str) -> str:
    return hmac.new(key.encode("utf-8"), f"contact:{value}".encode(), hashlib.sha256).hexdigest()
