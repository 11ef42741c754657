"""Brand look-alikes: precise on real domains, thorough on typosquats of short brands.

A look-alike flag drives takedown requests. It is judged on the host (and a URL's user info)
only, never on a path or query, and edit distance never crosses suffixes. The typosquat table
comes from dnstwist's fuzzers, the real domains from a hand-written list (``data/README.md``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kuzet.indicators import extract, parse_domain, parse_url

DATA = Path(__file__).with_name("data")


def _lookalike(raw: str) -> str | None:
    parsed = parse_url(raw) if "/" in raw else parse_domain(raw)
    value = parsed.details["lookalike_of"]
    assert value is None or isinstance(value, str)
    return value


@pytest.mark.parametrize(
    "url",
    [
        "https://www.google.com/search?q=kaspi.kz+login",
        "https://apps.apple.com/kz/app/kaspi-kz/id1195076505",
        "https://play.google.com/store/apps/details?id=kz.kaspi.mobile",
        "https://en.wikipedia.org/wiki/Kaspi_Bank",
        "https://www.youtube.com/@kaspikz",
        "https://www.youtube.com/results?search_query=egov.kz",
        "https://ru.wikipedia.org/wiki/Halyk_Bank",
        "https://www.google.com/maps/place/OLX.kz",
    ],
)
def test_a_path_or_query_naming_a_brand_is_no_lookalike(url: str) -> None:
    assert _lookalike(url) is None
    assert [i.details["lookalike_of"] for i in extract(f"см. {url} .")] == [None, None]


@pytest.mark.parametrize(
    "domain", ["activision.com", "active.com", "force.com", "cell.com", "kaspa.org", "kaspian.com"]
)
def test_real_words_near_a_brand_under_another_suffix_are_no_lookalikes(domain: str) -> None:
    assert _lookalike(domain) is None


def test_no_real_domain_is_flagged() -> None:
    domains = [
        line for line in (DATA / "real_domains.txt").read_text("utf-8").split("\n")
        if line and not line.startswith("#")
    ]  # fmt: skip
    assert len(domains) > 200
    assert {domain: _lookalike(domain) for domain in domains if _lookalike(domain)} == {}


@pytest.mark.parametrize(
    ("domain", "brand"),
    [
        # Single confusable substitutions: Kazakh ө, Armenian օ and ո, Greek ο and ν, Cyrillic.
        ("egөv.kz", "egov.kz"),
        ("egօv.kz", "egov.kz"),
        ("egοv.kz", "egov.kz"),
        ("egoν.kz", "egov.kz"),
        ("еgov.kz", "egov.kz"),
        ("eɡov.kz", "egov.kz"),
        ("ᴏlx.kz", "olx.kz"),
        ("օlx.kz", "olx.kz"),
        ("οlx.kz", "olx.kz"),
        ("olх.kz", "olx.kz"),
        ("ølx.kz", "olx.kz"),
        # The folding reaches the same letter whichever way it starts: a Cyrillic і and a
        # typed i or 1 all read as the brand's i.
        ("kaspі.kz", "kaspi.kz"),
        ("kasp1.kz", "kaspi.kz"),
        ("ha۱ykbank.kz", "halykbank.kz"),
        # The brand with its top-level domain glued on, under any suffix.
        ("egov-kz.com", "egov.kz"),
        ("egov-kz.online", "egov.kz"),
        ("egovkz.xyz", "egov.kz"),
        ("olx-kz.com", "olx.kz"),
        # Subdomains and dots typed into the label.
        ("egov.kz.evil.com", "egov.kz"),
        ("olx.kz.delivery-pay.com", "olx.kz"),
        ("eg.ov.kz", "egov.kz"),
        ("e.gov.kz", "egov.kz"),
        # Typos of short brands under their own suffix.
        ("egovv.kz", "egov.kz"),
        ("eqov.kz", "egov.kz"),
        ("egv.kz", "egov.kz"),
        ("geov.kz", "egov.kz"),
        ("egob.kz", "egov.kz"),
        ("olxx.kz", "olx.kz"),
        ("oxl.kz", "olx.kz"),
        ("0lx.kz", "olx.kz"),
        ("ol-x.kz", "olx.kz"),
        # A doubled letter typed twice on the neighbouring key (URLCrazy's double character
        # replacement).
        ("bxx.kz", "bcc.kz"),
        ("ddin.kz", "ffin.kz"),
        ("kcekk.kz", "kcell.kz"),
        ("brrline.kz", "beeline.kz"),
        ("whatsaoo.com", "whatsapp.com"),
        # Letters of scripts that write capitals only (Cherokee, Lisu), and confusable
        # capitals, which a host holds in their other case (UTS 46 folds Cherokee small
        # letters to capitals, Latin and Coptic capitals to small letters).
        ("goꮩ.kz", "gov.kz"),
        ("ꓗaspi.kz", "kaspi.kz"),
        ("teleƧ.kz", "tele2.kz"),
        ("alteⲒ.kz", "altel.kz"),
        ("Ꮟcc.kz", "bcc.kz"),
        # Judged as written too: a lunate sigma passes for "c" and is registered as σ.
        ("bcϲ.kz", "bcc.kz"),
        ("kϲell.kz", "kcell.kz"),
        # Combosquats.
        ("kaspibonus.com", "kaspi.kz"),
        ("mykaspi.kz", "kaspi.kz"),
        ("olx-dostavka.kz", "olx.kz"),
    ],
)
def test_lookalikes_of_short_brands_are_caught(domain: str, brand: str) -> None:
    assert _lookalike(domain) == brand


def test_the_user_info_trick_names_the_brand() -> None:
    assert _lookalike("https://egov.kz@evil.com/login") == "egov.kz"


def test_dnstwist_typosquats_are_caught() -> None:
    rows = [
        line.split("\t")
        for line in (DATA / "dnstwist_typosquats.tsv").read_text("utf-8").split("\n")
        if line and not line.startswith("#")
    ]
    assert len(rows) > 3000
    found = {domain: _lookalike(domain) for _, _, domain in rows}
    caught = [domain for brand, _, domain in rows if found[domain] == brand]
    wrong = {
        domain: found[domain] for brand, _, domain in rows if found[domain] not in (None, brand)
    }
    assert wrong == {}
    assert len(caught) / len(rows) >= 0.98
    for brand in ("egov.kz", "olx.kz"):
        own = [domain for row_brand, _, domain in rows if row_brand == brand]
        assert sum(found[domain] == brand for domain in own) / len(own) >= 0.98
