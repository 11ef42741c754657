"""Validators for network and online identifiers: e-mail, URL, domain, IP address, messenger
handles and crypto-currency wallets."""

from __future__ import annotations

import ipaddress
import re

from kuzet.indicators.checksums import base58check_payload, bech32_decode_segwit, keccak256
from kuzet.indicators.domains import host_to_ascii, registrable
from kuzet.indicators.identifiers import Validated, validate_phone_digits
from kuzet.indicators.lookalike import lookalike_of
from kuzet.indicators.model import IndicatorType, InvalidIndicator, JSONValue

__all__ = [
    "AUTHORITY_END",
    "MESSENGER_HOSTS",
    "ip_scope",
    "split_url",
    "validate_crypto_wallet",
    "validate_domain",
    "validate_email",
    "validate_ip",
    "validate_messenger_handle",
    "validate_url",
    "validate_whatsapp_link",
]

# ---------------------------------------------------------------------------------------------
# Domains


def _is_mixed_script(label: str) -> bool:
    if label.isascii():
        return False
    has_latin = any("a" <= character <= "z" for character in label)
    has_other = any(not character.isascii() and character.isalpha() for character in label)
    return has_latin and has_other


def validate_domain(candidate: str, *, user_info: str = "") -> Validated:
    """The registrable domain of a host name; ``user_info`` is a URL's user info, if any.

    The look-alike judgement reads the host and the user info only, never a path or query.

    ``kaspi.kz.secure-pay.com`` gives ``secure-pay.com`` with ``lookalike_of: kaspi.kz``.
    """
    host = candidate.strip().rstrip(".")
    if not host or len(host) > 253:
        raise InvalidIndicator(IndicatorType.DOMAIN, "a host name has 1 to 253 characters")
    ascii_host = host_to_ascii(host)
    if ascii_host is None:
        raise InvalidIndicator(IndicatorType.DOMAIN, "not a valid host name (IDNA 2008 / UTS 46)")
    parts = registrable(ascii_host)
    if parts is None:
        raise InvalidIndicator(IndicatorType.DOMAIN, "no registrable domain under a public suffix")
    unicode_label = host.lower().split(".")
    suspicious = any(_is_mixed_script(label) for label in unicode_label)
    # The registrable label as written, when the text wrote the host otherwise than as ASCII
    # (UTS 46 maps compatibility letters: the look-alike is judged on what the reader saw too).
    written_label = ""
    ascii_labels = ascii_host.split(".")
    if not host.isascii() and len(unicode_label) == len(ascii_labels):
        written_label = unicode_label[len(ascii_labels) - parts.domain.count(".") - 1]
    details: dict[str, JSONValue] = {
        "host": ascii_host,
        "lookalike_of": lookalike_of(parts.domain, parts.subdomain, user_info, written_label),
    }
    return Validated(parts.domain, details, suspicious)


# ---------------------------------------------------------------------------------------------
# IP addresses

_PRIVATE_NETWORKS = tuple(
    ipaddress.ip_network(network)
    for network in (
        "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16",
        "fc00::/7", "fe80::/10",
    )
)  # fmt: skip


def ip_scope(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    """public, private (RFC 1918, CGNAT, link-local, ULA), loopback, or reserved (the rest)."""
    if address.is_loopback:
        return "loopback"
    if address.is_global:
        return "public"
    if any(
        address in network for network in _PRIVATE_NETWORKS if network.version == address.version
    ):
        return "private"
    return "reserved"


# IPv4 scopes as (first address, last address, scope), checked with integer arithmetic: the
# ipaddress properties walk lists of networks and cost tens of microseconds per address.
_IPV4_SCOPES = tuple(
    (int(network.network_address), int(network.broadcast_address), scope)
    for network, scope in (
        (ipaddress.ip_network("127.0.0.0/8"), "loopback"),
        (ipaddress.ip_network("10.0.0.0/8"), "private"),
        (ipaddress.ip_network("172.16.0.0/12"), "private"),
        (ipaddress.ip_network("192.168.0.0/16"), "private"),
        (ipaddress.ip_network("100.64.0.0/10"), "private"),
        (ipaddress.ip_network("169.254.0.0/16"), "private"),
        (ipaddress.ip_network("0.0.0.0/8"), "reserved"),
        (ipaddress.ip_network("192.0.0.0/24"), "reserved"),
        (ipaddress.ip_network("192.0.2.0/24"), "reserved"),
        (ipaddress.ip_network("198.18.0.0/15"), "reserved"),
        (ipaddress.ip_network("198.51.100.0/24"), "reserved"),
        (ipaddress.ip_network("203.0.113.0/24"), "reserved"),
        (ipaddress.ip_network("224.0.0.0/3"), "reserved"),
    )
)


def _ipv4_fast(text: str) -> Validated | None:
    parts = text.split(".")
    if len(parts) != 4:
        return None
    number = 0
    for part in parts:
        if (
            not part.isascii()
            or not part.isdigit()
            or len(part) > 3
            or (len(part) > 1 and part[0] == "0")
        ):
            return None
        octet = int(part)
        if octet > 255:
            return None
        number = number * 256 + octet
    scope = "public"
    for first, last, named in _IPV4_SCOPES:
        if first <= number <= last:
            scope = named
            break
    return Validated(text, {"version": 4, "scope": scope})


def validate_ip(candidate: str) -> Validated:
    """An IPv4 or IPv6 address in compressed form (leading zeros in IPv4 are refused: some
    parsers read them as octal)."""
    text = candidate.strip()
    fast = _ipv4_fast(text) if "." in text and ":" not in text else None
    if fast is not None:
        return fast
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    if not text.isascii() or len(text) > 45:
        raise InvalidIndicator(IndicatorType.IP, "not an IP address")
    try:
        address = ipaddress.ip_address(text)
    except ValueError as error:
        raise InvalidIndicator(IndicatorType.IP, "not an IPv4 or IPv6 address") from error
    details: dict[str, JSONValue] = {"version": address.version, "scope": ip_scope(address)}
    return Validated(address.compressed, details)


# ---------------------------------------------------------------------------------------------
# E-mail

_EMAIL_LOCAL = re.compile(
    r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*", re.ASCII
)


def validate_email(candidate: str) -> Validated:
    """An e-mail address: dot-atom local part, a registrable domain; all lower case."""
    text = candidate.strip()
    if text[:7].lower() == "mailto:":
        text = text[7:]
    local, separator, host = text.rpartition("@")
    if not separator or not local or len(local) > 64:
        raise InvalidIndicator(IndicatorType.EMAIL, "expected local-part@domain")
    local = local.lower()
    if not _EMAIL_LOCAL.fullmatch(local):
        raise InvalidIndicator(IndicatorType.EMAIL, "local part has characters not allowed")
    ascii_host = host_to_ascii(host)
    if ascii_host is None or registrable(ascii_host) is None:
        raise InvalidIndicator(IndicatorType.EMAIL, "domain is not a registrable host name")
    details: dict[str, JSONValue] = {
        "domain": ascii_host,
        "masked": local[0] + "***@" + ascii_host,
    }
    return Validated(f"{local}@{ascii_host}", details)


# ---------------------------------------------------------------------------------------------
# URL

_URL_START = re.compile(r"([a-z][a-z0-9+.-]{1,15})://", re.ASCII | re.IGNORECASE)
_ALLOWED_SCHEMES = frozenset({"http", "https", "ftp", "ftps", "ws", "wss"})
MESSENGER_HOSTS = frozenset(
    {"t.me", "telegram.me", "telegram.dog", "instagram.com", "www.instagram.com",
     "wa.me", "api.whatsapp.com", "www.t.me"}
)  # fmt: skip


# The authority (user info, host, port) ends at the first of these; a backslash is treated as
# an end too, so "https://evil.example\\@kaspi.kz" cannot hide its real host.
AUTHORITY_END = re.compile(r"[/?#\\]")


def split_url(url: str) -> tuple[str, str, str, str, str]:
    """(scheme, user info, host, port, rest) of ``scheme://…``; rest starts with / ? or #."""
    start = _URL_START.match(url)
    if start is None:
        raise InvalidIndicator(IndicatorType.URL, "expected scheme://host")
    scheme = start.group(1).lower()
    remainder = url[start.end() :]
    found = AUTHORITY_END.search(remainder)
    authority_end = found.start() if found is not None else len(remainder)
    authority, rest = remainder[:authority_end], remainder[authority_end:]
    user_info, at, host_port = authority.rpartition("@")
    if not at:
        user_info = ""
    host, port = host_port, ""
    if host_port.startswith("["):
        closing = host_port.find("]")
        if closing < 0:
            raise InvalidIndicator(IndicatorType.URL, "unclosed IPv6 literal")
        host, port = host_port[: closing + 1], host_port[closing + 1 :].lstrip(":")
    elif ":" in host_port:
        host, _, port = host_port.rpartition(":")
    if port and (not port.isascii() or not port.isdigit() or int(port) > 65535):
        raise InvalidIndicator(IndicatorType.URL, "port is not a number up to 65535")
    return scheme, user_info, host, port, rest


def validate_url(candidate: str) -> Validated:
    """A URL, refanged by the normaliser: scheme and host lower case, host in punycode, path
    and query kept as written; an empty path becomes ``/`` (WHATWG serialisation)."""
    text = candidate.strip()
    if "://" not in text[:20]:
        text = "http://" + text
    scheme, user_info, host, port, rest = split_url(text)
    if scheme not in _ALLOWED_SCHEMES:
        raise InvalidIndicator(IndicatorType.URL, f"scheme {scheme} is not a web scheme")
    host_kind: str
    if host.startswith("[") or host.replace(".", "").isdigit():
        address = validate_ip(host)
        ascii_host = f"[{address.value}]" if ":" in address.value else address.value
        host_kind = "ip"
        mixed_script = False
        lookalike: JSONValue = None
        domain: JSONValue = None
    else:
        try:
            domain_result = validate_domain(host, user_info=user_info)
        except InvalidIndicator as error:
            raise InvalidIndicator(IndicatorType.URL, "host: " + error.reason) from error
        ascii_host = str(domain_result.details["host"])
        mixed_script = domain_result.suspicious
        host_kind = "domain"
        lookalike = domain_result.details["lookalike_of"]
        domain = domain_result.value
    if rest.startswith("\\"):
        raise InvalidIndicator(IndicatorType.URL, "backslash after the host")
    authority = (user_info + "@" if user_info else "") + ascii_host + (":" + port if port else "")
    path = rest if rest.startswith("/") else "/" + rest
    value = f"{scheme}://{authority}{path}"
    details: dict[str, JSONValue] = {
        "scheme": scheme,
        "host": ascii_host,
        "host_kind": host_kind,
        "domain": domain,
        "lookalike_of": lookalike,
        "mixed_script": mixed_script,
    }
    return Validated(value, details)


# ---------------------------------------------------------------------------------------------
# Messenger handles

_TELEGRAM_NAME = re.compile(r"[a-z][a-z0-9_]{3,30}[a-z0-9]", re.ASCII)
_INSTAGRAM_NAME = re.compile(r"(?!.*\.\.)[a-z0-9_][a-z0-9._]{0,28}[a-z0-9_]|[a-z0-9_]", re.ASCII)
# Paths under t.me and instagram.com that are pages, not accounts.
_TELEGRAM_RESERVED = frozenset(
    {"joinchat", "addstickers", "share", "proxy", "socks", "login", "iv", "setlanguage",
     "addemoji", "addtheme", "bg", "confirmphone", "contact", "invoice", "boost", "c", "s"}
)  # fmt: skip
_INSTAGRAM_RESERVED = frozenset(
    {"p", "reel", "reels", "explore", "stories", "accounts", "direct", "tv", "about", "legal",
     "developer", "web", "static", "privacy"}
)  # fmt: skip
_PLATFORM_HOSTS = {
    "t.me": "telegram",
    "www.t.me": "telegram",
    "telegram.me": "telegram",
    "telegram.dog": "telegram",
    "instagram.com": "instagram",
    "www.instagram.com": "instagram",
}


def _handle(platform: str, name: str) -> Validated:
    name = name.lower()
    if platform == "telegram":
        if not _TELEGRAM_NAME.fullmatch(name) or "__" in name:
            raise InvalidIndicator(
                IndicatorType.MESSENGER_HANDLE,
                "a Telegram username has 5-32 letters, digits or _, starting with a letter",
            )
        if name in _TELEGRAM_RESERVED:
            raise InvalidIndicator(IndicatorType.MESSENGER_HANDLE, f"t.me/{name} is not a user")
    else:
        if not _INSTAGRAM_NAME.fullmatch(name) or name in _INSTAGRAM_RESERVED:
            raise InvalidIndicator(
                IndicatorType.MESSENGER_HANDLE,
                "an Instagram username has 1-30 letters, digits, _ or inner dots",
            )
    return Validated(f"{platform}:{name}", {"platform": platform, "handle": name})


def validate_messenger_handle(candidate: str, *, default_platform: str = "telegram") -> Validated:
    """``@name``, ``t.me/name``, ``instagram.com/name`` or ``platform:name`` →
    ``telegram:name`` / ``instagram:name`` (lower case)."""
    text = candidate.strip()
    lowered = text.lower()
    for prefix in ("telegram", "instagram"):
        if lowered.startswith(prefix + ":"):
            return _handle(prefix, text[len(prefix) + 1 :])
    if text.startswith("@"):
        return _handle(default_platform, text[1:])
    link = re.sub(r"^(?:https?://)", "", text, flags=re.IGNORECASE)
    host, _, path = link.partition("/")
    platform = _PLATFORM_HOSTS.get(host.lower())
    if platform is None:
        raise InvalidIndicator(
            IndicatorType.MESSENGER_HANDLE, "expected @name, t.me/name or instagram.com/name"
        )
    segments = [segment for segment in re.split(r"[/?#]", path) if segment]
    if platform == "telegram" and segments[:1] == ["s"]:
        segments = segments[1:]
    if not segments:
        raise InvalidIndicator(IndicatorType.MESSENGER_HANDLE, "no user name in the link")
    return _handle(platform, segments[0].lstrip("@"))


def validate_whatsapp_link(candidate: str) -> Validated:
    """``wa.me/77011234567`` or ``api.whatsapp.com/send?phone=…`` → the phone it points to."""
    digits = re.sub(r"[^0-9]", "", candidate.rpartition("=")[2] if "=" in candidate else candidate)
    if not digits:
        raise InvalidIndicator(IndicatorType.PHONE, "no number in the WhatsApp link")
    # wa.me links always carry the full international number without a plus.
    return validate_phone_digits(digits, international=True)


# ---------------------------------------------------------------------------------------------
# Crypto wallets

_BASE58 = re.compile(r"[1-9A-HJ-NP-Za-km-z]+", re.ASCII)
_HEX_ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}", re.ASCII)


def _ethereum(address: str) -> Validated:
    body = address[2:]
    if body != body.lower() and body != body.upper():
        digest = keccak256(body.lower().encode("ascii")).hex()
        for character, nibble in zip(body, digest[:40], strict=True):
            if character.isalpha() and (int(nibble, 16) >= 8) != character.isupper():
                raise InvalidIndicator(
                    IndicatorType.CRYPTO_WALLET, "EIP-55 mixed-case checksum is wrong"
                )
    return Validated("0x" + body.lower(), {"chain": "ethereum", "format": "eip55"})


def validate_crypto_wallet(candidate: str) -> Validated:
    """A Bitcoin (base58check or bech32/bech32m), Ethereum (EIP-55) or TRON address."""
    text = candidate.strip()
    if _HEX_ADDRESS.fullmatch(text):
        return _ethereum(text)
    lowered = text.lower()
    if lowered.startswith("bc1"):
        if text != lowered and text != text.upper():
            raise InvalidIndicator(IndicatorType.CRYPTO_WALLET, "bech32 may not mix case")
        decoded = bech32_decode_segwit(lowered, "bc")
        if decoded is None:
            raise InvalidIndicator(
                IndicatorType.CRYPTO_WALLET, "bech32 checksum or program is wrong"
            )
        return Validated(lowered, {"chain": "bitcoin", "format": decoded[1]})
    if not _BASE58.fullmatch(text) or not 26 <= len(text) <= 35:
        raise InvalidIndicator(IndicatorType.CRYPTO_WALLET, "not a known wallet address format")
    payload = base58check_payload(text)
    if payload is None or len(payload) != 21:
        raise InvalidIndicator(IndicatorType.CRYPTO_WALLET, "base58check checksum is wrong")
    version = payload[0]
    if text[0] == "T" and version == 0x41:
        return Validated(text, {"chain": "tron", "format": "base58check"})
    if text[0] == "1" and version == 0x00:
        return Validated(text, {"chain": "bitcoin", "format": "p2pkh"})
    if text[0] == "3" and version == 0x05:
        return Validated(text, {"chain": "bitcoin", "format": "p2sh"})
    raise InvalidIndicator(IndicatorType.CRYPTO_WALLET, "unknown base58 address version")
