"""Host names: IDNA encoding and the registrable domain (look-alikes: ``lookalike``).

The registrable domain comes from the Public Suffix List snapshot bundled inside tldextract;
the extractor is built so that it never fetches a newer list at run time (no network in a
police system, and results must not change under our feet). Private suffixes (github.io,
blogspot.com…) count as public suffixes: a phishing page on ``evil.github.io`` is its own
registrable domain, not GitHub's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

import idna
import tldextract

__all__ = ["RegistrableDomain", "host_to_ascii", "host_to_unicode", "registrable"]

# An LDH label (RFC 1035 letters-digits-hyphen), the only shape an ASCII host may take.
_ASCII_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)", re.ASCII)


@cache
def _extractor() -> tldextract.TLDExtract:
    return tldextract.TLDExtract(
        suffix_list_urls=(),
        cache_dir=None,
        fallback_to_snapshot=True,
        include_psl_private_domains=True,
    )


@lru_cache(maxsize=4096)
def host_to_ascii(host: str) -> str | None:
    """The lower-case A-label form of a host name (IDNA 2008 with UTS 46 mapping), or None.

    An ASCII host is taken as it is when every label is LDH; an ``xn--`` label must also be
    valid Punycode of a label that UTS 46 accepts, and encode back to itself.
    """
    host = host.rstrip(".")
    if host.isascii():
        host = host.lower()
        labels = host.split(".")
        if not all(_ASCII_LABEL.fullmatch(label) for label in labels):
            return None
        if "xn--" in host and not all(
            _is_valid_a_label(label) for label in labels if label.startswith("xn--")
        ):
            return None
        return host
    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError, ValueError):
        return None


def _is_valid_a_label(label: str) -> bool:
    try:
        return idna.encode(idna.decode(label), uts46=True).decode("ascii") == label
    except (idna.IDNAError, UnicodeError, ValueError):
        return False


@lru_cache(maxsize=4096)
def host_to_unicode(ascii_host: str) -> str:
    if "xn--" not in ascii_host:
        return ascii_host
    try:
        return idna.decode(ascii_host)
    except (idna.IDNAError, UnicodeError, ValueError):
        return ascii_host


@dataclass(frozen=True, slots=True)
class RegistrableDomain:
    """A host split at its public suffix, all in lower-case A-labels."""

    host: str
    domain: str
    subdomain: str
    suffix: str


@lru_cache(maxsize=16384)
def registrable(ascii_host: str) -> RegistrableDomain | None:
    """The registrable domain of an A-label host, or None when it has no public suffix."""
    result = _extractor()(ascii_host)
    if not result.suffix or not result.domain:
        return None
    return RegistrableDomain(
        host=ascii_host,
        domain=f"{result.domain}.{result.suffix}",
        subdomain=result.subdomain,
        suffix=result.suffix,
    )
