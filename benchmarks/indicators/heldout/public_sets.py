"""The held-out sets built from public lists (imported by ``make_heldout.py``; the look-alike
and real-domain sets are in ``lookalike_sets.py``).

Each function returns ``(set name, source, [(written vector, expected (type, value) pairs)])``.
The labels come from rules stated in ``README.md`` — UTS 46 (the ``idna`` package), the Public
Suffix List snapshot bundled in tldextract, libphonenumber's metadata (the ``phonenumbers``
package), ISO 13616's mod-97 check — never from running kuzet's extractor.

A look-alike is labelled with the pair ``("lookalike", "<registrable domain>><brand domain>")``:
``run.py`` reports kuzet's ``lookalike_of`` the same way, so a flag on a real, unrelated domain
is counted as a false look-alike and a missed imitation as a miss.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import idna
import phonenumbers
import tldextract

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"

Vector = tuple[str, list[tuple[str, str]]]
Set = tuple[str, str, list[Vector]]


@cache
def _psl() -> tldextract.TLDExtract:
    # The Public Suffix List snapshot bundled in tldextract, private suffixes included.
    return tldextract.TLDExtract(
        suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True
    )


def registrable(ascii_host: str) -> str | None:
    parts = _psl()(ascii_host)
    if not parts.domain or not parts.suffix:
        return None
    return f"{parts.domain}.{parts.suffix}"


def to_ascii(host: str) -> str | None:
    """UTS 46 ToASCII, non-transitional, STD3 rules, as the ``idna`` package implements it."""
    try:
        return idna.encode(host, uts46=True, std3_rules=True, transitional=False).decode()
    except (idna.IDNAError, UnicodeError, ValueError):
        return None


# ---------------------------------------------------------------------------------------------
# Real-world IBAN spellings. IBANs from schwifty's tests (mdomke/schwifty tests/test_iban.py,
# MIT): its BIC-lookup list and the countries its `valid` list adds to the registry samples
# already in the `iban-registry` set, written the ways people copy them.

SCHWIFTY_VALID = [
    "AD1200012030200359100100", "AE070331234567890123456", "AT483200000012345864",
    "AT930100000000123145", "BA393385804800211234", "BE71096123456769",
    "BG18RZBB91550123456789", "CH5604835012345678009", "CR23015108410026012345",
    "CY21002001950000357001234567", "CZ5508000000001234567899", "DE37206905000009027378",
    "EE471000001020145685", "ES7921000813610123456789", "FI1410093000123458",
    "FR7630006000011234567890189", "GB33BUKB20201555555555", "GR9608100010000001234567890",
    "HR1723600001101234565", "HU42117730161111101800000000", "IE64IRCE92050112345678",
    "IS480114007083000000000000", "KZ244350000012344567", "LT601010012345678901",
    "LU120010001234567891", "LV97HABA0012345678910", "NL02ABNA0123456789",
    "NO8330001234567", "PL50860000020000000000093122", "PT50002700000001234567833",
    "RO66BACX0000001234567890", "RS35105008123123123173", "SE7280000810340009783242",
    "SI56192001234567892", "SK8975000000000012345671", "DE42430609677000534100",
    "ES9121000418450200051332", "BE68539007547034", "BR9700360305000010009795493P1",
    "CZ9455000000001011038930", "KW81CBKU0000000000001234560101",
    "LC55HEMM000100010012001200023015", "ST68000100010051845310112",
    "SC18SSCB11010000000000001497USD", "TL380080012345678910157",
    "UA213996220000026007233566001", "BY13NBRB3600900000002Z00AB00",
    "SV62CENR00000000000000700025",
    "IQ98NBIQ850123456789012", "MC5811222000010123456789030",
]  # fmt: skip
# schwifty's `invalid` list: short, long, unknown country, wrong check digits (00 and 01 too).
SCHWIFTY_INVALID = [
    "DE89 3704 0044 0532 0130", "DE89 3704 0044 0532 0130 0000", "GB96 BARC 2020 1530 0934 591",
    "XX89 3704 0044 0532 0130 00", "DE99 3704 0044 0532 0130 00", "DEAA 3704 0044 0532 0130 00",
    "GB2L ABBY 0901 2857 2017 07", "GB01 BARC 2071 4583 6083 87", "GB00 HLFX 1101 6111 4553 65",
    "GB94 BARC 2020 1530 0934 59",
]  # fmt: skip


def _groups(text: str, size: int = 4) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


IBAN_SPELLINGS = {
    "dashes": lambda iban: "-".join(_groups(iban)),
    "dots": lambda iban: ".".join(_groups(iban)),
    "double spaces": lambda iban: "  ".join(_groups(iban)),
    "lower case": lambda iban: " ".join(_groups(iban.lower())),
    "no-break spaces": lambda iban: "\u00a0".join(_groups(iban)),
    "country apart": lambda iban: iban[:2] + " " + iban[2:4] + " " + " ".join(_groups(iban[4:])),
    "two lines": lambda iban: " ".join(_groups(iban)[:3]) + "\n" + " ".join(_groups(iban)[3:]),
    "lower, dashes": lambda iban: "-".join(_groups(iban.lower())),
}


def iban_mod97(compact: str) -> bool:
    """ISO 13616 check: letters as numbers, the check digits 02-98, remainder 1 mod 97."""
    check = compact[2:4]
    if not check.isdigit() or not 2 <= int(check) <= 98:
        return False
    moved = compact[4:] + compact[:4]
    digits = "".join(str(int(ch, 36)) for ch in moved)
    return int(digits) % 97 == 1


def iban_written() -> Set:
    vectors: list[Vector] = []
    spellings = list(IBAN_SPELLINGS.values())
    for index, iban in enumerate(SCHWIFTY_VALID):
        if not iban_mod97(iban):
            raise ValueError(f"not a valid IBAN: {iban}")
        for spell in (spellings[index % len(spellings)], spellings[(index + 3) % len(spellings)]):
            vectors.append((spell(iban), [("iban", iban)]))
    for index, written in enumerate(SCHWIFTY_INVALID):
        compact = written.replace(" ", "")
        spell = spellings[index % len(spellings)]
        vectors.append((spell(compact), []))
    return ("iban-written", "mdomke/schwifty tests/test_iban.py, spelled as people write", vectors)


@cache
def _swift_registry() -> dict[str, int]:
    """Each country of the SWIFT IBAN registry and its IBAN length, as schwifty ships it
    (``iban_registry/generated.json``: the registry itself, without schwifty's additions of
    countries that only some banks treat as IBAN countries)."""
    import schwifty

    path = Path(schwifty.__file__).with_name("iban_registry") / "generated.json"
    table = json.loads(path.read_text(encoding="utf-8"))
    return {country: int(spec["iban_length"]) for country, spec in table.items()}


def iban_php_iban(*, unseen: bool = False) -> Set:
    """Real-world IBANs as php-iban collected them, one in three wrapped onto a second line.

    ``unseen``: the second draw of lines, made after the engine was fixed on the first."""
    vectors: list[Vector] = []
    file_name = "php-iban-examples-unseen.txt" if unseen else "php-iban-examples-subset.txt"
    lines = (DATA / file_name).read_text(encoding="utf-8").splitlines()
    for index, line in enumerate(line for line in lines if line and not line.startswith("#")):
        compact = re.sub(r"[^A-Za-z0-9]", "", re.sub(r"^IBAN:? ", "", line)).upper()
        if compact[:2] not in _swift_registry():
            continue  # outside the registry: neither an IBAN to find nor one to refuse
        valid = iban_mod97(compact) and _swift_registry()[compact[:2]] == len(compact)
        written = line
        groups = line.split(" ")
        if index % 3 == 0 and len(groups) >= 4:
            written = " ".join(groups[:2]) + "\n" + " ".join(groups[2:])
        vectors.append((written, [("iban", compact)] if valid else []))
    name = "iban-php-iban-unseen" if unseen else "iban-php-iban"
    return (name, "globalcitizen/php-iban utils/example-ibans (as written)", vectors)


# ---------------------------------------------------------------------------------------------
# libphonenumber's KZ and RU example numbers (the `phonenumbers` package's metadata), written
# the ways people write them.

PHONE_TYPES = (
    "FIXED_LINE", "MOBILE", "TOLL_FREE", "PREMIUM_RATE", "SHARED_COST", "VOIP",
    "PERSONAL_NUMBER", "PAGER", "UAN", "VOICEMAIL",
)  # fmt: skip


def _phone_forms(national: str) -> Iterator[str]:
    """The 10 national digits of a +7 number in the forms people write (see README)."""
    if national.startswith("7") and national[:5] != national[:3] + "00":
        # a geographic Kazakh number: 4-digit area code as written on signs, then 2-2-2
        area, rest = national[:4], national[4:]
    else:
        area, rest = national[:3], national[3:]
    tail = [rest[: len(rest) - 4], rest[-4:-2], rest[-2:]]
    yield f"8 ({area}) {tail[0]}\u2013{tail[1]}\u2013{tail[2]}"  # en-dashes, word processors
    yield f"+7 {area} {tail[0]} {tail[1]} {tail[2]}"
    yield f"+7 ({area}) {tail[0]}-{tail[1]}-{tail[2]}"
    yield f"8-{area}-{tail[0]}-{tail[1]}-{tail[2]}"
    yield f"+7 {area} {tail[0]}\n{tail[1]} {tail[2]}"  # broken across a line
    yield f"8\u00a0{area}\u00a0{rest}"  # no-break spaces
    yield f"+7({area}){rest}"
    yield f"8{national}"
    yield f"+7 {area} {tail[0]} \u2013 {tail[1]} \u2013 {tail[2]}"  # spaced en-dashes


def phones_written() -> Set:
    seen: set[str] = set()
    vectors: list[Vector] = []
    for region in ("KZ", "RU"):
        for type_name in PHONE_TYPES:
            number = phonenumbers.example_number_for_type(
                region, getattr(phonenumbers.PhoneNumberType, type_name)
            )
            if number is None:
                continue
            e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
            if e164 in seen:
                continue
            seen.add(e164)
            national = e164[2:]
            for form in _phone_forms(national):
                vectors.append((form, [("phone", e164)]))
            # One digit too many: libphonenumber calls it invalid, so nothing is reported.
            if phonenumbers.is_valid_number(phonenumbers.parse(e164 + "1", None)):
                raise ValueError(f"{e164} with one digit more is valid")
            code, rest = national[:3], national[3:]
            vectors.append((f"+7 {code} {rest[:3]} {rest[3:5]} {rest[5:]}1", []))
            vectors.append((f"8 ({code}) {rest[:3]}-{rest[3:5]}-{rest[5:]}1", []))
    return (
        "libphonenumber-kz-ru-written",
        "phonenumbers 9.0.43 example numbers (libphonenumber metadata), KZ and RU",
        vectors,
    )


# ---------------------------------------------------------------------------------------------
# Unicode IdnaTestV2 (UTS 46 conformance file, Unicode 17.0.0).

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\x\{([0-9A-Fa-f]+)\}")


def _unescape(text: str) -> str:
    return _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)


# Characters a domain cannot be read out of running text with: separators, spaces, brackets,
# and the full stops UTS 46 maps to a dot (the file's sources are written with ASCII dots here).
_NOT_IN_TEXT = re.compile(r"[\s\u3002\uff0e\uff61/\\@:%#?\[\](){}<>\"'`,;!|=+*&^~$]")


def idna_uts46(*, unseen: bool = False) -> Set:
    """Valid IDNs (non-ASCII sources ToASCII accepts) and invalid ``xn--`` labels.

    ``unseen``: a second draw from the lines the first left, made after the engine was fixed."""
    valid: dict[str, str] = {}
    invalid: list[str] = []
    for line in (DATA / "IdnaTestV2-subset.txt").read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        columns = [column.strip() for column in line.split("#", 1)[0].split(";")]
        source = _unescape(columns[0])
        to_unicode = _unescape(columns[1]) or source
        unicode_status = columns[2]
        ascii_n = _unescape(columns[3]) or to_unicode
        ascii_status = columns[4] if columns[4] else unicode_status
        if ascii_status in ("[]",):
            ascii_status = ""
        if _NOT_IN_TEXT.search(source) or source.startswith("-") or source.endswith("-"):
            continue
        # A host in a report ends in a real top-level domain: the file's last label is kept
        # when it is one, otherwise ".com" is added (and the whole host checked again).
        last = ascii_n.rsplit(".", 1)[-1].lower()
        host = source if last.isalpha() and registrable(ascii_n.lower()) else source + ".com"
        if not source.isascii() and not ascii_status:
            encoded = to_ascii(host)
            domain = registrable(encoded) if encoded else None
            if domain is None or "xn--" not in domain:
                continue  # refused with ".com", or the non-ASCII part is only in a subdomain
            valid.setdefault(host, domain)
        elif source.isascii() and "xn--" in source.lower() and ascii_status:
            # Refused for its xn-- label: every other label is a valid LDH label on its own
            # ("bc--de" fails only UTS 46's CheckHyphens, which browsers turn off).
            others_valid = all(
                re.fullmatch(r"(?!-)[a-z0-9-]{1,63}(?<!-)", label) and label[2:4] != "--"
                for label in host.lower().split(".")
                if not label.startswith("xn--")
            )
            if others_valid and to_ascii(host) is None:
                invalid.append(host)
    rng = random.Random(46)
    valid_items = sorted(valid.items())
    chosen = rng.sample(valid_items, min(120, len(valid_items)))
    chosen_invalid = rng.sample(sorted(set(invalid)), min(60, len(set(invalid))))
    if unseen:
        again = random.Random(47)
        rest = [item for item in valid_items if item not in set(chosen)]
        chosen = again.sample(rest, min(120, len(rest)))
        rest_invalid = sorted(set(invalid) - set(chosen_invalid))
        chosen_invalid = again.sample(rest_invalid, min(60, len(rest_invalid)))
    vectors: list[Vector] = [(host, [("domain", domain)]) for host, domain in sorted(chosen)]
    vectors += [(host, []) for host in sorted(chosen_invalid)]
    name = "idna-uts46-unseen" if unseen else "idna-uts46"
    return (name, "Unicode IdnaTestV2.txt 17.0.0 (via servo/rust-url idna/tests)", vectors)


# ---------------------------------------------------------------------------------------------
# ioc-fanger's defanged indicators (ioc-fang/ioc-fanger, MIT: tests/sample_text_defanged.txt
# and the notations its tests/test_ioc_fanger.py fangs).

FANGER_DOMAINS = [
    "strategicdisaster[.]info", "apotheke-stiepel[.]com", "daliborfojt[.]cz", "ovemydress[.]pl",
    "service-ict[.]nl", "kshops[.]vn", "schriebershof[.]de", "cybersecurityafrica[.]net",
    "spideragroscience[.]com", "asistent[.]su", "ikstrade[.]co[.]kr", "biocarbon[.]com[.]ec",
    "fmc[.]org[.]in", "ozihykamrta[.]olimpian[.]org", "www[.]ccfinance[.]it",
    "music[.]mbsaeger[.]com", "static-94-108-135-78[.]sadecehosting[.]net",
    "img1[.]video[.]s-msn[.]com", "www[.]station-1022[.]net", "td63hftt[.]buwve5ton2[.]com",
    "7tno4hib47vlep5o[.]tor2web[.]fi", "traditions-and-custom[.]com", "helpdesk[.]keldon[.]info",
    "13343225565[.]com", "4turka[.]com", "777advisors[.]com", "betterhealth4us[.]com",
    "k47d3[.]proporr[.]com", "anybug[.]net", "meister[.]wtf",
]  # fmt: skip
FANGER_URLS = [
    "hXXp://pcgfund[.]com/binfile[.]php", "hXXp://isityouornotcc[.]asia/80[.]exe",
    "hXXp://holishit[.]in/wp-content/plugins/wpclef/assets/src/sass/neat/grid/binarystings[.]php",
    "hXXp://studiosundaytv[.]com/wp-content/themes/sketch/binfile[.]php",
    "hXXp://i5ndw[.]titlecorta[.]at/", "hXXp://helcel[.]com/sys_init[.]php",
    "hXXp://ohelloguyzzqq[.]com/85[.]exe", "hXXp://13343225565[.]com/mzfile[.]php",
    "hXXp://4turka[.]com/images/mzfile[.]php", "hXXp://anybug[.]net/wp-content/uploads/mzpfile[.]php",
]  # fmt: skip
FANGER_IPS = [
    "23[.]229[.]187[.]167", "95[.]142[.]152[.]194", "185[.]15[.]244[.]81", "5[.]61[.]253[.]47",
    "203[.]84[.]156[.]154", "176[.]223[.]208[.]20", "59[.]247[.]18[.]71", "188[.]190[.]73[.]247",
    "212[.]80[.]36[.]108", "46[.]151[.]52[.]231",
]  # fmt: skip
# Notations from test_ioc_fanger.py, applied to the sample file's hosts: (writer, fanged URL).
FANGER_NOTATIONS = [
    ("hxxp://{h}/test.php", "http://{h}/test.php"),
    ("hXXps://{h}/test.php", "https://{h}/test.php"),
    ("http[:]//{h}/test.php", "http://{h}/test.php"),
    ("https[:]//{h}/test.php", "https://{h}/test.php"),
    ("hxxps[:]//{h}/test.php", "https://{h}/test.php"),
    ("hxxp://{d}/test.php", "http://{h}/test.php"),
    ("http://{p}/test.php", "http://{h}/test.php"),
    ("https://{b}/test.php", "https://{h}/test.php"),
]
FANGER_EMAILS = [
    ("bob[@]{d}", "bob@{h}"), ("bob(@){h}", "bob@{h}"), ("bob[at]{h}", "bob@{h}"),
    ("bob(at){h}", "bob@{h}"), ("bob@{dot}", "bob@{h}"), ("bob@{pdot}", "bob@{h}"),
    ("silena[.]berillo(at){d}", "silena.berillo@{h}"), ("hto2018(at){d}", "hto2018@{h}"),
]  # fmt: skip


def ioc_fanger() -> Set:
    vectors: list[Vector] = []
    for written in FANGER_DOMAINS:
        host = written.replace("[.]", ".")
        domain = registrable(host)
        if domain is None:
            raise ValueError(f"no registrable domain: {host}")
        vectors.append((written, [("domain", domain)]))
    for written in FANGER_URLS:
        url = written.replace("[.]", ".").replace("hXXp", "http")
        host = url.split("/")[2]
        vectors.append((written, [("url", url), ("domain", registrable(host) or host)]))
    for written in FANGER_IPS:
        vectors.append((written, [("ip", written.replace("[.]", "."))]))
    hosts = [d.replace("[.]", ".") for d in FANGER_DOMAINS if d.count("[.]") == 1][:16]
    for index, host in enumerate(hosts):
        writer, fanged = FANGER_NOTATIONS[index % len(FANGER_NOTATIONS)]
        name, tld = host.rsplit(".", 1)
        forms = {
            "h": host,
            "d": f"{name}[.]{tld}",
            "p": f"{name}(.){tld}",
            "b": f"{name}[dot]{tld}",
        }
        url = fanged.format(**forms)
        vectors.append((writer.format(**forms), [("url", url), ("domain", host)]))
        e_writer, e_fanged = FANGER_EMAILS[index % len(FANGER_EMAILS)]
        e_forms = dict(forms, dot=f"{name}[dot]{tld}", pdot=f"{name}(dot){tld}")
        vectors.append((e_writer.format(**e_forms), [("email", e_fanged.format(**forms))]))
    source = "ioc-fang/ioc-fanger tests (sample_text_defanged.txt, notations)"
    return ("ioc-fanger", source, vectors)
