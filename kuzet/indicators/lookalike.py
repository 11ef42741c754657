"""Brand look-alike detection, judged on the host name alone.

A look-alike flag drives takedown requests, so it must be precise: only the registrable
domain, its subdomain and a URL's user info are read, never a path or query (a store page or
an article that names a bank is not an imitation of it). The signals, from strongest:

- the domain's own label reads as the brand's after confusable folding (``kаspi.kz`` with a
  Cyrillic а, ``eg0v.kz``, ``egөv.kz``, ``kaspi.com``), with the brand's top-level domain glued
  on (``egov-kz.com``, ``egovkz.com``), or as one hyphenated component (``olx-dostavka.kz``);
- the brand glued to words fraudsters add (``kaspibonus.com``, ``mykaspi.kz``);
- a typing mistake of the brand's label under the brand's own suffix, by the typosquatting
  classes dnstwist generates (omission, insertion and replacement by neighbouring keys,
  transposition, repetition, addition, vowel swap, bit flips, hyphenation, ASCII look-alikes),
  and for long labels any label one or two edits away;
- the brand's domain in the subdomain (``kaspi.kz.secure-pay.com``, ``egov.kz.evil.com``), a
  label split by a dot (``eg.ov.kz``), or in the user info (``https://kaspi.kz@evil.com/``).

Edit distance is never used across suffixes: ``force.com`` is not ``forte.kz``, ``cell.com``
not ``kcell.kz``, ``kaspa.org`` not ``kaspi.kz``. Domains a brand runs in other countries
(``olx.pl``, ``tele2.ru``) are listed in ``brands.json`` as its own.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from kuzet.indicators.domains import host_to_unicode, registrable

__all__ = ["Brand", "brands", "lookalike_of", "skeleton", "typo_variants"]


def _package_json(name: str) -> Any:
    # From the package, not beside this file: the compiled module lives in native/.
    return json.loads(resources.files("kuzet.indicators").joinpath(name).read_text("utf-8"))


@cache
def _unicode_folds() -> dict[int, str]:
    """Each character that renders like an ASCII letter or digit in a host, to that letter.

    A label is lower-cased before the fold, and UTS 46 stores a host in lower case: a
    confusable capital (Ꮟ, Ƨ, Ⲓ) reaches the fold as its lower-case form, which folds alike.
    """
    table: dict[str, str] = _package_json("confusables.json")["map"]
    folds = {ord(character): letter for character, letter in table.items()}
    for character, letter in table.items():
        lower = character.lower()
        if len(lower) == 1:
            folds.setdefault(ord(lower), letter)
    return folds


# Read after the Unicode fold, so that a typed "i" and a folded Cyrillic "і" end alike: the
# digits people substitute for letters, and the letters that pass for one another.
_ASCII_FOLDS = str.maketrans(
    {"0": "o", "1": "l", "i": "l", "|": "l", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b",
     "-": "", "_": ""}
)  # fmt: skip


# Letters and pairs that pass for one another at a glance but are ordinary letters of words too
# (dnstwist's ASCII glyph classes): folded only to compare a label with a brand's typos under
# the brand's own suffix, never across suffixes.
# The pairs are read after the letters: "d" has become "b", so "dl" (for "d") is "bl" there.
_WEAK_FOLDS = str.maketrans({"d": "b", "e": "c", "q": "g", "v": "u", "n": "m", "9": "6"})
_WEAK_PAIRS = (("lc", "k"), ("lh", "h"), ("lb", "b"), ("bl", "b"), ("mm", "m"), ("rr", "m"))


def weak_skeleton(folded: str) -> str:
    """``skeleton`` output with the weaker ASCII look-alikes folded too (``halykbamlc``)."""
    folded = folded.translate(_WEAK_FOLDS)
    for pair, letter in _WEAK_PAIRS:
        folded = folded.replace(pair, letter)
    return folded


def skeleton(text: str) -> str:
    """A confusable-insensitive form of a label (``kаspi`` with a Cyrillic а → ``kaspl``).

    Accents are dropped, every look-alike character becomes the ASCII letter it passes for,
    and then the ASCII look-alikes are folded the same way for the brand and the suspect.
    """
    reduced = text.lower()
    if not reduced.isascii():
        decomposed = unicodedata.normalize("NFD", reduced)
        reduced = "".join(
            character for character in decomposed if not unicodedata.combining(character)
        ).translate(_unicode_folds())
    reduced = reduced.translate(_ASCII_FOLDS)
    return reduced.replace("rn", "m").replace("vv", "w").replace("cl", "d")


@dataclass(frozen=True, slots=True)
class Brand:
    """A protected brand domain: ``label`` and ``suffix`` split it at its public suffix."""

    domain: str
    name: str
    label: str
    suffix: str
    skeleton: str
    official: frozenset[str]


@cache
def brands() -> tuple[Brand, ...]:
    """The protected brand domains from ``brands.json``."""
    result = []
    for row in _package_json("brands.json")["brands"]:
        domain = row["domain"]
        parts = registrable(domain)
        # gov.kz is itself a public suffix: its label is the suffix's first label.
        label, _, suffix = (parts.domain if parts else domain).partition(".")
        official = frozenset([domain, *row.get("official", ())])
        result.append(Brand(domain, row["name"], label, suffix, skeleton(label), official))
    return tuple(result)


# Keyboard rows of the layouts dnstwist models (QWERTY, QWERTZ, AZERTY); each row sits half a
# key to the right of the one above, so a key touches two keys above and two below.
_KEYBOARDS = (
    ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm"),
    ("1234567890", "qwertzuiop", "asdfghjkl", "yxcvbnm"),
    ("1234567890", "azertyuiop", "qsdfghjklm", "wxcvbn"),
)
# ASCII letters and pairs that pass for each other at a glance (dnstwist's ASCII glyph classes).
_ASCII_GLYPHS = {
    "0": "o", "1": "li", "3": "8", "6": "9", "8": "3", "9": "6", "b": "d", "c": "e", "d": "b",
    "e": "c", "g": "q", "i": "1l", "l": "1i", "m": "n", "n": "mr", "o": "0", "q": "g", "u": "v",
    "v": "u",
}  # fmt: skip
_VOWELS = "aeiou"
_HOST_CHARACTERS = "abcdefghijklmnopqrstuvwxyz0123456789"


@cache
def _neighbours() -> dict[str, str]:
    found: dict[str, set[str]] = {}
    for rows in _KEYBOARDS:
        for row_index, row in enumerate(rows):
            for column, key in enumerate(row):
                near = found.setdefault(key, set())
                near.update(row[max(0, column - 1) : column] + row[column + 1 : column + 2])
                if row_index > 0:
                    near.update(rows[row_index - 1][column : column + 2])
                if row_index + 1 < len(rows):
                    near.update(rows[row_index + 1][max(0, column - 1) : column + 1])
    return {key: "".join(sorted(near - {key})) for key, near in found.items()}


def _glyph_swaps(label: str) -> set[str]:
    return {
        label[:index] + glyph + label[index + 1 :]
        for index, character in enumerate(label)
        for glyph in _ASCII_GLYPHS.get(character, "")
    }


def typo_variants(label: str) -> set[str]:
    """The typosquats of an ASCII label, by dnstwist's fuzzer classes and URLCrazy's double
    character replacement (the label excluded)."""
    neighbours = _neighbours()
    found: set[str] = set()
    for index, character in enumerate(label):
        before, after = label[:index], label[index + 1 :]
        found.add(before + after)  # omission
        found.add(before + character + character + after)  # repetition
        found.update(before + key + after for key in neighbours.get(character, ""))
        for key in neighbours.get(character, ""):  # insertion next to the key meant
            found.update((before + key + character + after, before + character + key + after))
        if character in _VOWELS:
            found.update(before + vowel + after for vowel in _VOWELS)
        for bit in range(8):  # bit flips in memory or on the wire (bitsquatting)
            flipped = chr(ord(character) ^ (1 << bit))
            if flipped in _HOST_CHARACTERS or flipped == "-":
                found.add(before + flipped + after)
        if index:
            found.add(before + "-" + label[index:])  # hyphenation
        if index + 1 < len(label):
            found.add(before + label[index + 1] + character + label[index + 2 :])
            if label[index + 1] == character:
                # Double character replacement (URLCrazy's class): a doubled letter typed
                # twice with the finger on the neighbouring key, "bcc" as "bxx".
                found.update(
                    before + key + key + label[index + 2 :] for key in neighbours.get(character, "")
                )
    found.update(label + extra for extra in _HOST_CHARACTERS)  # addition
    for index in range(2, len(label) - 2):  # plural, as dnstwist makes it inside a label
        ending = "es" if label[index] in "sxz" else "s"
        found.add(label[: index + 1] + ending + label[index + 1 :])
    found.update((label + "s", label + "es"))
    swaps = _glyph_swaps(label)
    found |= swaps
    if len(label) <= 6:
        for swapped in swaps:
            found |= _glyph_swaps(swapped)
    found.discard(label)
    return {variant for variant in found if variant.strip("-")}


# Words glued to a brand in combosquats (``kaspibonus``, ``mykaspi``, ``halyk-online``):
# English and the Russian and Kazakh words as fraudsters transliterate them. Short ones only
# ever come first (``mykaspi``, ``ekaspi``): after a label they would make ``active`` of ``activ``.
_COMBO_PREFIXES = ("my", "e", "i", "go", "get", "www", "new", "the")
_COMBO_WORDS = (
    "online", "secure", "security", "safe", "login", "signin", "auth", "verify",
    "verification", "confirm", "check", "pay", "payment", "payments", "oplata", "tolem", "bank",
    "app", "apps", "mobile", "gift", "gifts", "promo", "prize", "priz", "bonus", "bonuses",
    "cashback", "support", "help", "komek", "service", "services", "official", "card", "cards",
    "cash", "credit", "kredit", "loan", "market", "shop", "store", "delivery", "dostavka", "gold",
    "red", "qr", "web", "portal", "account", "cabinet", "kabinet", "client", "clients",
    "personal", "akcia", "akciya", "aktsiya", "aksiya", "invest", "finance", "wallet",
    "transfer", "perevod", "update", "status", "info", "news", "lk", "sms", "kz", "kaz",
    "kazakhstan", "kzt", "tenge", "pro", "plus", "win", "free", "24", "365",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Index:
    by_domain: dict[str, Brand]
    by_skeleton: dict[str, Brand]
    # The brand's label with its top-level domain glued on (``egovkz``), by skeleton.
    glued: dict[str, Brand]
    # Typosquats of each brand's label under its own suffix: (skeleton, suffix) → brand.
    typos: dict[tuple[str, str], Brand]
    # The same with the weaker look-alikes folded (``weak_skeleton``).
    weak_typos: dict[tuple[str, str], Brand]
    combo_prefixes: frozenset[str]
    combo_words: frozenset[str]
    long_brands: tuple[Brand, ...]


@cache
def _index() -> _Index:
    protected = brands()
    by_skeleton: dict[str, Brand] = {}
    glued: dict[str, Brand] = {}
    for brand in protected:
        by_skeleton.setdefault(brand.skeleton, brand)
        glued.setdefault(brand.skeleton + skeleton(brand.suffix.replace(".", "")), brand)
    typos: dict[tuple[str, str], Brand] = {}
    weak_typos: dict[tuple[str, str], Brand] = {}
    weak_brands = {weak_skeleton(brand.skeleton) for brand in protected}
    for brand in protected:
        weak_typos.setdefault((weak_skeleton(brand.skeleton), brand.suffix), brand)
        for variant in typo_variants(brand.label):
            folded = skeleton(variant)
            # A typo of one brand that is another brand (or itself, folded) is not a typo.
            if len(folded) >= 2 and folded not in by_skeleton:
                typos.setdefault((folded, brand.suffix), brand)
                weak = weak_skeleton(folded)
                if weak not in weak_brands:
                    weak_typos.setdefault((weak, brand.suffix), brand)
    return _Index(
        by_domain={domain: brand for brand in protected for domain in brand.official},
        by_skeleton=by_skeleton,
        glued=glued,
        typos=typos,
        weak_typos=weak_typos,
        combo_prefixes=frozenset(skeleton(word) for word in _COMBO_PREFIXES + _COMBO_WORDS),
        combo_words=frozenset(skeleton(word) for word in _COMBO_WORDS),
        long_brands=tuple(brand for brand in protected if len(brand.skeleton) >= 5),
    )


def _is_combo_rest(words: frozenset[str], rest: str) -> bool:
    """Whether a folded remainder is empty or one or two of ``words``."""
    if not rest or rest in words:
        return True
    return any(rest[:cut] in words and rest[cut:] in words for cut in range(1, len(rest)))


def _edit_distance_at_most(first: str, second: str, limit: int) -> bool:
    """Whether the optimal-string-alignment (Damerau) distance is <= limit."""
    if abs(len(first) - len(second)) > limit:
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


_COMPONENT_SPLIT = re.compile(r"[-_]+")


def _named_label_brand(index: _Index, label: str) -> Brand | None:
    """The brand a label names, confusables folded: whole, with its suffix, or combined."""
    folded = skeleton(label)
    if not folded:
        return None
    found = index.by_skeleton.get(folded) or index.glued.get(folded)
    if found is not None:
        return found
    components = [part for part in _COMPONENT_SPLIT.split(label) if part]
    if len(components) > 1:
        for component in components:
            found = index.by_skeleton.get(skeleton(component))
            if found is not None:
                return found
    for brand in index.long_brands:
        start = folded.find(brand.skeleton)
        if start >= 0 and (
            _is_combo_rest(index.combo_prefixes, folded[:start])
            and _is_combo_rest(index.combo_words, folded[start + len(brand.skeleton) :])
        ):
            return brand
    return None


def _typo_brand(index: _Index, folded: str, suffix: str) -> Brand | None:
    """The brand whose label ``folded`` mistypes under the brand's own suffix."""
    found = index.typos.get((folded, suffix)) or index.weak_typos.get(
        (weak_skeleton(folded), suffix)
    )
    if found is not None:
        return found
    for brand in index.long_brands:
        if brand.suffix == suffix and len(brand.skeleton) >= 6:
            limit = 2 if len(brand.skeleton) >= 9 else 1
            if _edit_distance_at_most(folded, brand.skeleton, limit):
                return brand
    return None


def _named_brand(index: _Index, labels: list[str]) -> Brand | None:
    """A brand named by labels of a subdomain or user info: its domain or its long label."""
    folded = [skeleton(label) for label in labels]
    for position, label in enumerate(folded):
        found = index.glued.get(label)
        if found is None and position + 1 < len(folded):
            found = index.glued.get(label + folded[position + 1])
        if found is None and len(label) >= 5:
            # A short label alone ("gov", "olx") is too common a word to name the brand.
            found = index.by_skeleton.get(label)
        if found is not None:
            return found
    return None


def _split_label_brand(index: _Index, last_label: str, ascii_domain: str) -> Brand | None:
    """``eg.ov.kz``: a dot typed into the brand's label made its tail the registrable domain."""
    label = host_to_unicode(ascii_domain).partition(".")[0]
    suffix = ascii_domain.partition(".")[2]
    joined = skeleton(last_label + label)
    found = index.by_skeleton.get(joined) or index.typos.get((joined, suffix))
    if found is not None and found.suffix == suffix:
        return found
    return index.glued.get(joined)


def _suffix_split_brand(index: _Index, label: str, suffix: str) -> Brand | None:
    """``e.gov.kz``: a dot typed into ``egov`` left ``gov.kz``, a public suffix, behind it."""
    first, _, rest = suffix.partition(".")
    if not rest:
        return None
    found = index.by_skeleton.get(skeleton(label + first))
    return found if found is not None and found.suffix == rest else None


_USER_INFO_WORDS = re.compile(r"[^\W_]+(?:[-.][^\W_]+)*")


def lookalike_of(
    ascii_domain: str, ascii_subdomain: str = "", user_info: str = "", written_label: str = ""
) -> str | None:
    """The protected brand domain that a registrable domain imitates, or None.

    ``ascii_subdomain`` is the host's part before the registrable domain and ``user_info`` a
    URL's user info (``https://kaspi.kz@evil.com/``); nothing else about a URL is read.
    ``written_label`` is the registrable label as the text wrote it, when UTS 46 stores it
    otherwise: ``bcϲ.kz`` shows a lunate sigma, which passes for "c", and is registered with a
    σ, which passes for "o"; the reader saw the first. The brand's own domains and their
    subdomains are never look-alikes. Not cached here: the extractor caches each host's whole
    validation, this included.
    """
    index = _index()
    if ascii_domain in index.by_domain:
        return None
    label, _, suffix = host_to_unicode(ascii_domain).partition(".")
    own = _named_label_brand(index, label)
    if own is None and written_label and written_label != label:
        own = _named_label_brand(index, written_label) or _typo_brand(
            index, skeleton(written_label), ascii_domain.partition(".")[2]
        )
    if own is not None:
        return own.domain
    if ascii_subdomain:
        labels = host_to_unicode(ascii_subdomain).split(".")
        found = _named_brand(index, labels) or _split_label_brand(index, labels[-1], ascii_domain)
        if found is not None:
            return found.domain
    ascii_suffix = ascii_domain.partition(".")[2]
    own = _typo_brand(index, skeleton(label), ascii_suffix) or _suffix_split_brand(
        index, label, ascii_suffix
    )
    if own is not None:
        return own.domain
    if user_info:
        for word in _USER_INFO_WORDS.findall(user_info.lower()[:256]):
            if word in index.by_domain:
                return index.by_domain[word].domain
            found = _named_brand(index, word.split("."))
            if found is not None:
                return found.domain
    return None
