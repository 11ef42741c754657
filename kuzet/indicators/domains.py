"""Host names: IDNA encoding, the registrable domain, and brand look-alike detection.

The registrable domain comes from the Public Suffix List snapshot bundled inside tldextract;
the extractor is built so that it never fetches a newer list at run time (no network in a
police system, and results must not change under our feet). Private suffixes (github.io,
blogspot.com…) count as public suffixes: a phishing page on ``evil.github.io`` is its own
registrable domain, not GitHub's.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

import idna
import tldextract

__all__ = ["Brand", "RegistrableDomain", "brands", "host_to_ascii", "lookalike_of", "registrable"]

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
    """The lower-case A-label form of a host name (IDNA 2008 with UTS 46 mapping), or None."""
    host = host.rstrip(".")
    if host.isascii():
        host = host.lower()
        labels = host.split(".")
        if all(_ASCII_LABEL.fullmatch(label) for label in labels):
            return host
        return None
    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError, ValueError):
        return None


@lru_cache(maxsize=4096)
def _host_to_unicode(ascii_host: str) -> str:
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


@dataclass(frozen=True, slots=True)
class Brand:
    """A protected brand domain and the label that identifies it (``kaspi`` for kaspi.kz)."""

    domain: str
    name: str
    label: str
    skeleton: str


# What a look-alike character is read as. Cyrillic and Greek letters that render like Latin
# ones, and the digits people substitute for letters. Both the suspect and the brand are reduced
# to this skeleton before comparing, so legitimate digits in a brand (tele2) still compare equal.
_CONFUSABLES = str.maketrans(
    {
        "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o",
        "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i",
        "ј": "j", "һ": "h", "ԛ": "q", "ԝ": "w", "ӏ": "l", "ы": "bl", "ь": "b", "г": "r",
        "ո": "n", "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o",
        "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ω": "w", "ѵ": "v", "ɑ": "a", "ı": "i",
        "0": "o", "1": "l", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "|": "l",
        "-": "", "_": "", "i": "l",
    }
)  # fmt: skip


def skeleton(text: str) -> str:
    """A confusable-insensitive form of a label (``kаspi`` with Cyrillic а → ``kaspl``)."""
    reduced = text.lower().translate(_CONFUSABLES)
    return reduced.replace("rn", "m").replace("vv", "w")


@cache
def brands() -> tuple[Brand, ...]:
    """The protected brand domains from ``brands.json``."""
    # From the package, not beside this file: the compiled module lives in native/.
    data = json.loads(
        resources.files("kuzet.indicators").joinpath("brands.json").read_text("utf-8")
    )
    result = []
    for row in data["brands"]:
        parts = registrable(row["domain"])
        # gov.kz is itself a public suffix: its "label" is the suffix's first label.
        label = parts.domain.split(".")[0] if parts else row["domain"].split(".")[0]
        result.append(Brand(row["domain"], row["name"], label, skeleton(label)))
    return tuple(result)


def _edit_distance_at_most(first: str, second: str, limit: int) -> bool:
    """Whether the optimal-string-alignment (Damerau) distance is <= limit."""
    if abs(len(first) - len(second)) > limit:
        return False
    # A cheap lower bound first: an insertion, deletion or substitution changes at most one
    # character on each side of the two strings' letter counts (a transposition changes none),
    # so the distance is at least the larger count of letters one string has and the other
    # lacks. Most labels differ from a brand in far more letters than the limit.
    unmatched = list(second)
    missing_from_second = 0
    for character in first:
        if character in unmatched:
            unmatched.remove(character)
        else:
            missing_from_second += 1
            if missing_from_second > limit:
                return False
    if len(unmatched) > limit:
        return False
    previous_previous: list[int] = []
    previous = list(range(len(second) + 1))
    for i in range(1, len(first) + 1):
        current = [i] + [0] * len(second)
        for j in range(1, len(second) + 1):
            cost = first[i - 1] != second[j - 1]
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and first[i - 1] == second[j - 2] and first[i - 2] == second[j - 1]:
                current[j] = min(current[j], previous_previous[j - 2] + 1)
        if min(current) > limit:
            return False
        previous_previous, previous = previous, current
    return previous[-1] <= limit


_TOKEN_SPLIT = re.compile(r"[^a-z]+")


@dataclass(frozen=True, slots=True)
class _BrandIndex:
    """Precomputed look-ups so a domain is compared with every brand in a few C calls."""

    domains: frozenset[str]
    suffixes: tuple[str, ...]
    by_skeleton: dict[str, str]
    long_skeletons: re.Pattern[str]
    mentioned_domains: re.Pattern[str]
    by_length: dict[int, tuple[Brand, ...]]
    long_domains: tuple[str, ...]


@cache
def _index() -> _BrandIndex:
    protected = brands()
    by_skeleton: dict[str, str] = {}
    for brand in protected:
        by_skeleton.setdefault(brand.skeleton, brand.domain)
    long_brands = sorted(
        (brand for brand in protected if len(brand.skeleton) >= 5),
        key=lambda brand: -len(brand.skeleton),
    )
    by_length: dict[int, list[Brand]] = {}
    for brand in long_brands:
        by_length.setdefault(len(brand.skeleton), []).append(brand)
    return _BrandIndex(
        domains=frozenset(brand.domain for brand in protected),
        suffixes=tuple("." + brand.domain for brand in protected),
        by_skeleton=by_skeleton,
        long_skeletons=re.compile(
            "|".join(
                f"(?P<b{index}>{re.escape(brand.skeleton)})"
                for index, brand in enumerate(long_brands)
            )
        ),
        mentioned_domains=re.compile("|".join(re.escape(brand.domain) for brand in protected)),
        by_length={length: tuple(group) for length, group in by_length.items()},
        long_domains=tuple(brand.domain for brand in long_brands),
    )


def _long_brand(index: _BrandIndex, match: re.Match[str]) -> str:
    name = match.lastgroup or "b0"
    return index.long_domains[int(name[1:])]


@lru_cache(maxsize=16384)
def _label_lookalike(ascii_domain: str) -> str | None:
    """The brand a registrable domain's own label imitates (cached per domain)."""
    index = _index()
    unicode_domain = _host_to_unicode(ascii_domain)
    label = unicode_domain.split(".")[0]
    label_skeleton = skeleton(label)
    if label_skeleton in index.by_skeleton:
        return index.by_skeleton[label_skeleton]
    for component in re.split(r"[-_.0-9]+", label.lower()):
        if component and skeleton(component) in index.by_skeleton:
            return index.by_skeleton[skeleton(component)]
    found = index.long_skeletons.search(label_skeleton)
    if found is not None:
        return _long_brand(index, found)
    for length in range(len(label_skeleton) - 2, len(label_skeleton) + 3):
        for brand in index.by_length.get(length, ()):
            limit = 2 if len(brand.skeleton) >= 9 else 1
            if _edit_distance_at_most(label_skeleton, brand.skeleton, limit):
                return brand.domain
    return None


def _mentioned_brand(context: str) -> str | None:
    """The brand named in free text around a domain (subdomain, user info, path)."""
    index = _index()
    found = index.mentioned_domains.search(context)
    if found is not None:
        return found.group()
    reduced = skeleton(context.replace(".", " "))
    for token in _TOKEN_SPLIT.split(reduced):
        if token in index.by_skeleton:
            return index.by_skeleton[token]
    long_found = index.long_skeletons.search(reduced)
    if long_found is not None:
        return _long_brand(index, long_found)
    return None


def lookalike_of(ascii_domain: str, ascii_subdomain: str = "", extra: str = "") -> str | None:
    """The protected brand domain that a registrable domain imitates, or None.

    Signals, in order: the brand's label after confusable folding (``kаspi.kz``, ``kaspi.com``,
    ``ka5pi.kz``), the label as a component (``kaspi-bonus.kz``), one or two edits away
    (``kapsi.kz``, ``halykbakn.kz``), or the brand named in the subdomain, user info or path
    (``kaspi.kz.secure-pay.com``). The brand's own domain and its subdomains are not look-alikes.
    """
    index = _index()
    if ascii_domain in index.domains or ascii_domain.endswith(index.suffixes):
        return None
    own = _label_lookalike(ascii_domain)
    if own is not None:
        return own
    context = (_host_to_unicode(ascii_subdomain) + " " + extra).lower().strip()
    return _mentioned_brand(context) if context else None
