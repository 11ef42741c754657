"""The held-out look-alike sets and the real-domain set (imported by ``make_heldout.py``).

Look-alikes of the protected brands (``kuzet/indicators/brands.json``), made by URLCrazy's typo
classes as its README describes them and by single substitutions from Unicode's
``confusables.txt``; and real domains that imitate no brand (the OpenDNS top domains list, and
store and search pages whose path names a brand). Labels come from the generators' rules, never
from running kuzet's extractor; see ``public_sets.py`` for the label pairs and ``README.md``.
"""

from __future__ import annotations

import json
import random
import re
from functools import cache

import public_sets
from public_sets import DATA, HERE, Set, Vector, registrable, to_ascii

BRANDS_JSON = HERE.parents[2] / "kuzet" / "indicators" / "brands.json"
# Files the engine was tuned on: read only to leave their entries out of the held-out sets.
TUNED_DATA = HERE.parents[2] / "kuzet" / "indicators" / "tests" / "data"

# ---------------------------------------------------------------------------------------------
# Look-alikes of the protected brands: URLCrazy's typo classes, as its README describes them
# (urbanadventurer/urlcrazy; no code taken, the tool not run), and single substitutions from
# Unicode's confusables.txt (UTS 39).


@cache
def _brands() -> tuple[list[str], set[str]]:
    table = json.loads(BRANDS_JSON.read_text(encoding="utf-8"))["brands"]
    protected = [row["domain"] for row in table]
    own = set(protected)
    for row in table:
        own.update(row.get("official", []))
    return protected, own


@cache
def _tuned_typosquats() -> set[str]:
    lines = (TUNED_DATA / "dnstwist_typosquats.tsv").read_text(encoding="utf-8").splitlines()
    return {line.split("\t")[-1] for line in lines if line and not line.startswith("#")}


@cache
def _tuned_real_domains() -> set[str]:
    text = (TUNED_DATA / "real_domains.txt").read_text(encoding="utf-8")
    return {line.strip() for line in text.splitlines() if line.strip() and line[0] != "#"}


_ROWS = ("1234567890-", "qwertyuiop", "asdfghjkl", "zxcvbnm")


def _neighbours(character: str) -> str:
    """The keys immediately left and right of a key on a QWERTY keyboard."""
    for row in _ROWS:
        at = row.find(character)
        if at >= 0:
            return (row[at - 1] if at > 0 else "") + (row[at + 1] if at + 1 < len(row) else "")
    return ""


_TLDS = ("com", "net", "org", "info", "ru", "biz", "co", "io", "xyz", "online", "site", "top",
         "shop", "app", "me", "pro", "cc", "su")  # fmt: skip
_PREFIXES = ("corp", "login", "signin", "web", "vpn", "www")
_SUFFIXES = ("sso", "login", "365")
_HOMOGLYPHS = {"0": "o", "1": "l", "l": "i", "rn": "m", "cl": "d", "vv": "w"}


def urlcrazy_typos(label: str) -> dict[str, set[str]]:
    """Each URLCrazy typo class that applies to a brand label, and the labels it makes."""
    n = len(label)
    classes: dict[str, set[str]] = {
        "character omission": {label[:i] + label[i + 1 :] for i in range(n)},
        "character repeat": {label[:i] + label[i] + label[i:] for i in range(n)},
        "adjacent character swap": {
            label[:i] + label[i + 1] + label[i] + label[i + 2 :] for i in range(n - 1)
        },
        "adjacent character replacement": {
            label[:i] + key + label[i + 1 :] for i in range(n) for key in _neighbours(label[i])
        },
        "double character replacement": {
            label[:i] + key + key + label[i + 2 :]
            for i in range(n - 1)
            if label[i] == label[i + 1]
            for key in _neighbours(label[i])
        },
        "adjacent character insertion": {
            label[: i + 1] + key + label[i + 1 :] for i in range(n) for key in _neighbours(label[i])
        }
        | {label[:i] + key + label[i:] for i in range(n) for key in _neighbours(label[i])},
        "vowel swapping": {
            label[:i] + vowel + label[i + 1 :]
            for i in range(1, n)
            if label[i] in "aeiou"
            for vowel in "aeiou"
        },
        "bit flipping": {
            label[:i] + chr(ord(label[i]) ^ (1 << bit)) + label[i + 1 :]
            for i in range(n)
            for bit in range(8)
            if re.fullmatch(r"[a-z0-9-]", chr(ord(label[i]) ^ (1 << bit)))
        },
        "homoglyphs": {
            label.replace(old, new, 1) if label.count(old) else label
            for pair in _HOMOGLYPHS.items()
            for old, new in (pair, pair[::-1])
        },
        "singular or pluralise": {label + "s"} if not label.endswith("s") else {label[:-1]},
        "domain prefix": {f"{prefix}-{label}" for prefix in _PREFIXES},
        "domain suffix": {f"{label}-{suffix}" for suffix in _SUFFIXES},
    }
    return classes


def lookalikes_urlcrazy(real_domains: set[str], *, unseen: bool = False) -> Set:
    """Two typos per URLCrazy class and brand; ``unseen``: two others, drawn after the fixes."""
    protected, own = _brands()
    tuned = _tuned_typosquats()
    rng = random.Random(11_2026)
    again = random.Random(12_2026)
    vectors: list[Vector] = []
    for brand in protected:
        label, tld = brand.split(".", 1)
        classes = {
            name: {f"{typo}.{tld}" for typo in labels if typo != label}
            for name, labels in urlcrazy_typos(label).items()
        }
        classes["wrong top level domain"] = {f"{label}.{other}" for other in _TLDS if other != tld}
        for _class_name, domains in sorted(classes.items()):
            candidates = [
                domain
                for domain in sorted(domains)
                if re.fullmatch(r"(?!-)[a-z0-9-]+(?<!-)(\.[a-z]+)+", domain)
                and "--" not in domain
                and domain not in own
                and domain not in tuned
                and domain not in real_domains
                and registrable(domain) == domain
            ]
            chosen = rng.sample(candidates, min(2, len(candidates)))
            if unseen:
                rest = [domain for domain in candidates if domain not in chosen]
                chosen = again.sample(rest, min(2, len(rest)))
            for domain in chosen:
                vectors.append((domain, [("domain", domain), ("lookalike", f"{domain}>{brand}")]))
    # A few written as links, as they arrive in SMS.
    for index in range(0, len(vectors), 7):
        domain = vectors[index][0]
        url = f"https://{domain}/login"
        vectors[index] = (url, [*vectors[index][1], ("url", url)])
    name = "lookalike-urlcrazy-unseen" if unseen else "lookalike-urlcrazy"
    return (name, "URLCrazy's typo classes (README) on brands.json", vectors)


@cache
def confusable_characters() -> dict[str, list[str]]:
    """Each lower-case ASCII letter or digit, to the single characters confusable with it."""
    table: dict[str, list[str]] = {}
    for line in (DATA / "confusables-ascii-subset.txt").read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        source, target = (field.strip() for field in line.split(";")[:2])
        if " " in source or " " in target:
            continue
        table.setdefault(chr(int(target, 16)), []).append(chr(int(source, 16)))
    return table


_CONFUSABLE_DRAW_NAMES = ("", "-unseen", "-third", "-fourth")


def lookalikes_confusables(*, draw: int = 1) -> Set:
    """One character of a brand's label replaced by a confusable that stays a valid IDN.

    Six substitutions per brand in each draw, none drawn twice; each draw after the first was
    made after the engine had been fixed on the misses of the one before (see README.md)."""
    protected, own = _brands()
    table = confusable_characters()
    tuned = _tuned_typosquats()
    rng = random.Random(39)
    again = random.Random(40)
    vectors: list[Vector] = []
    for brand in protected:
        label, tld = brand.split(".", 1)
        candidates: list[tuple[str, str]] = []
        for index, letter in enumerate(label):
            for character in table.get(letter, []):
                written = label[:index] + character + label[index + 1 :] + "." + tld
                encoded = to_ascii(written)
                # The characters UTS 46 maps back to the ASCII letter give the brand itself.
                if encoded is None or encoded in own or encoded in tuned or "xn--" not in encoded:
                    continue
                candidates.append((written, encoded))
        rest = candidates
        for number in range(1, draw + 1):
            # The second draw has a generator of its own; later ones are seeded per brand.
            generator = rng if number == 1 else again if number == 2 else None
            if generator is None:
                generator = random.Random(39 + number - 1 + len(vectors) + (number - 3) * 1000)
            chosen = generator.sample(rest, min(6, len(rest)))
            rest = [candidate for candidate in rest if candidate not in chosen]
        for written, encoded in chosen:
            vectors.append((written, [("domain", encoded), ("lookalike", f"{encoded}>{brand}")]))
    name = "lookalike-confusables" + _CONFUSABLE_DRAW_NAMES[draw - 1]
    return (name, "Unicode confusables.txt (UTS 39) on brands.json", vectors)


# ---------------------------------------------------------------------------------------------
# Real domains that imitate no brand: the OpenDNS top domains list, and store, search and
# encyclopaedia pages whose path or query names a brand (written for this set).

_ADULT = re.compile(r"porn|sex|xxx|xvideos|xnxx|xhamster|brazzers|redtube|youporn|adultfriend")
BRAND_PAGES = [
    "https://apps.apple.com/kz/app/homebank/id1011287498",
    "https://play.google.com/store/apps/details?id=kz.halyk.onlinebank",
    "https://play.google.com/store/apps/details?id=kz.egov.mobile&hl=ru",
    "https://apps.apple.com/ru/app/egov-mobile/id1476128386",
    "https://www.google.kz/search?q=halyk+bank+kontakty",
    "https://yandex.kz/search/?text=kolesa.kz+mošenniki",
    "https://www.bing.com/search?q=jusan+bank",
    "https://duckduckgo.com/?q=freedom+bank+kazakhstan",
    "https://ru.wikipedia.org/wiki/Kcell",
    "https://en.wikipedia.org/wiki/Halyk_Bank",
    "https://kk.wikipedia.org/wiki/Kaspi.kz",
    "https://www.youtube.com/@kaspikz",
    "https://www.youtube.com/results?search_query=egov+kz+инструкция",
    "https://www.facebook.com/halykbank",
    "https://vk.com/beeline_kz",
    "https://www.linkedin.com/company/kolesa-group",
    "https://github.com/kaspikz",
    "https://2gis.kz/almaty/search/Kaspi%20Bank",
    "https://www.tiktok.com/@olx.kz",
    "https://twitter.com/tele2kz",
    "https://www.reddit.com/r/Kazakhstan/search/?q=kaspi",
    "https://www.amazon.com/s?k=kaspi",
    "https://www.apple.com/kz/search/kaspi",
    "https://trends.google.com/trends/explore?q=olx.kz",
]


def real_domains(limit: int = 1500) -> Set:
    protected, own = _brands()
    tuned = _tuned_real_domains()
    vectors: list[Vector] = []
    seen: set[str] = set()
    lines = (DATA / "opendns-top-domains-head.txt").read_text(encoding="utf-8").splitlines()
    for index, name in enumerate(lines):
        name = name.strip().lower()
        domain = registrable(name) if name else None
        if (
            domain is None
            or domain != name
            or domain in tuned
            or domain in own
            or domain in seen
            or _ADULT.search(domain)
        ):
            continue
        seen.add(domain)
        written = f"www.{domain}" if index % 5 == 0 else domain
        vectors.append((written, [("domain", domain)]))
        if len(vectors) >= limit:
            break
    for url in BRAND_PAGES:
        host = url.split("/")[2]
        vectors.append((url, [("url", url), ("domain", registrable(host) or host)]))
    return ("real-domains", "OpenDNS top domains list; brand-naming store/search pages", vectors)


def real_domain_names() -> set[str]:
    vectors = real_domains()[2]
    return {value for _written, pairs in vectors for kind, value in pairs if kind == "domain"}


def all_sets() -> list[Set]:
    reals = real_domains()
    names = real_domain_names()
    # The second draws last, so that adding them left the first sets' sentences as they were.
    return [
        public_sets.iban_written(),
        public_sets.iban_php_iban(),
        public_sets.phones_written(),
        public_sets.idna_uts46(),
        public_sets.ioc_fanger(),
        lookalikes_urlcrazy(names),
        lookalikes_confusables(),
        reals,
        public_sets.iban_php_iban(unseen=True),
        public_sets.idna_uts46(unseen=True),
        lookalikes_urlcrazy(names, unseen=True),
        lookalikes_confusables(draw=2),
        lookalikes_confusables(draw=3),
        lookalikes_confusables(draw=4),
    ]
