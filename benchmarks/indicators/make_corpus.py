"""Generate the labelled indicator corpus (``corpus.jsonl``) from hand-written templates.

Run: ``.venv/bin/python benchmarks/indicators/make_corpus.py`` (seeded, so the output is
reproducible). Ground truth comes from how each snippet is built: every placeholder is filled
by a generator that returns the text it writes *and* the canonical indicators that text
contains. The extractor under test is never run here. Check digits are computed with
independent code (hashlib, schwifty, pycryptodome's Keccak, idna), not with kuzet.

Placeholders: {phone} {phone_ru} {landline} {wa} {card} {card_cvv} {partial} {iban}
{iban_foreign} {iin} {bin} {email} {url} {domain} {lookalike} {ip} {ip6} {btc} {eth} {tron}
{tg} {tg_link} {ig} {imei}. Hard negatives (expected nothing): {date} {amount} {order}
{track} {bad_iin} {bad_card} {account} {time} {code} {file} {bad_phone}.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import sys
from collections.abc import Callable
from pathlib import Path

import idna
from Crypto.Hash import keccak
from schwifty import IBAN

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from kuzet.reference import banks, mobile_operators  # noqa: E402  (reference data only)

SEED = 20260101
TARGET_SNIPPETS = 2400
OUTPUT = Path(__file__).with_name("corpus.jsonl")

Expected = list[dict[str, str]]
Filler = Callable[[random.Random], tuple[str, Expected]]


def item(kind: str, value: str) -> dict[str, str]:
    return {"type": kind, "value": value}


# --------------------------------------------------------------------------------------------
# Value generators

KZ_MOBILE_PREFIXES = [p for op in mobile_operators() for p in op.prefixes if p not in ("750",)]
RU_MOBILE_PREFIXES = [
    "901",
    "903",
    "905",
    "910",
    "912",
    "915",
    "916",
    "917",
    "919",
    "925",
    "926",
    "929",
    "950",
    "960",
    "964",
    "977",
    "985",
    "999",
]
KZ_LANDLINE_AREAS = [
    "7172",
    "7272",
    "7252",
    "7212",
    "7132",
    "7122",
    "7292",
    "7112",
    "7142",
    "7152",
    "7182",
    "7232",
    "7222",
    "7262",
    "7242",
    "7282",
    "7162",
]


def digits(rng: random.Random, count: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(count))


def phone_forms(national: str, rng: random.Random) -> str:
    a, b, c, d = national[:3], national[3:6], national[6:8], national[8:]
    forms = [
        f"+7 {a} {b} {c} {d}",
        f"+7({a}){b}-{c}-{d}",
        f"8 {a} {b} {c}{d}",
        f"8{national}",
        f"8-{a}-{b}-{c}-{d}",
        f"+7{national}",
        f"8 ({a}) {b}-{c}-{d}",
        f"+7 {a} {b}{c}{d}",
        f"+7 ({a}) {b} {c} {d}",
        f"8 {a} {b} {c} {d}",
        f"7{national}",
        f"+7-{a}-{b}-{c}-{d}",
        f"8({a}){b}{c}{d}",
        f"8 {a} {b}-{c}-{d}",
    ]
    return rng.choice(forms)


def phone(rng: random.Random) -> tuple[str, Expected]:
    national = rng.choice(KZ_MOBILE_PREFIXES) + digits(rng, 7)
    roll = rng.random()
    if roll < 0.06:
        text = national  # bare 10 digits, as people type into forms
    elif roll < 0.09:
        text = f"tel:+7{national}"
    elif roll < 0.11:
        text = f"＋7 {national[:3]} {national[3:6]} {national[6:8]} {national[8:]}"
    elif roll < 0.13:
        text = (
            f"+7\u00a0{national[:3]}\u00a0{national[3:6]}\u00a0{national[6:8]}\u00a0{national[8:]}"
        )
    else:
        text = phone_forms(national, rng)
    return text, [item("phone", "+7" + national)]


def phone_ru(rng: random.Random) -> tuple[str, Expected]:
    national = rng.choice(RU_MOBILE_PREFIXES) + digits(rng, 7)
    return phone_forms(national, rng), [item("phone", "+7" + national)]


def landline(rng: random.Random) -> tuple[str, Expected]:
    area = rng.choice(KZ_LANDLINE_AREAS)
    rest = str(rng.randint(2, 5)) + digits(rng, 9 - len(area))
    national = area + rest
    if area == "7272":
        text = rng.choice(
            [f"8 (727) {national[3:6]}-{national[6:8]}-{national[8:]}", f"+7 727 {national[3:]}"]
        )
    else:
        text = rng.choice(
            [
                f"8 ({area}) {rest[:2]} {rest[2:4]} {rest[4:]}",
                f"+7 {area} {rest[:2]}-{rest[2:4]}-{rest[4:]}",
            ]
        )
    return text, [item("phone", "+7" + national)]


def whatsapp(rng: random.Random) -> tuple[str, Expected]:
    national = rng.choice(KZ_MOBILE_PREFIXES) + digits(rng, 7)
    text = rng.choice(
        [
            f"wa.me/7{national}",
            f"https://wa.me/7{national}",
            f"https://api.whatsapp.com/send?phone=7{national}",
        ]
    )
    return text, [item("phone", "+7" + national)]


def luhn_complete(prefix: str) -> str:
    total = 0
    for index, character in enumerate(reversed(prefix)):
        digit = int(character)
        if index % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return prefix + str((10 - total % 10) % 10)


def luhn_ok(number: str) -> bool:
    return luhn_complete(number[:-1]) == number


CARD_PREFIXES = [
    "440043",
    "400303",
    "417000",
    "521324",
    "537643",
    "220070",
    "220220",
    "546946",
    "427704",
    "404243",
    "510126",
    "622126",
    "489354",
]


def card_number(rng: random.Random) -> str:
    return luhn_complete(rng.choice(CARD_PREFIXES) + digits(rng, 9))


def card_text(number: str, rng: random.Random) -> str:
    groups = [number[i : i + 4] for i in range(0, 16, 4)]
    return rng.choice([" ".join(groups), "-".join(groups), number, " ".join(groups)])


def card(rng: random.Random) -> tuple[str, Expected]:
    number = card_number(rng)
    text = card_text(number, rng)
    if rng.random() < 0.04:
        text = text.replace(" ", "\u00a0")  # copied from a banking app
    return text, [item("card", number)]


def card_cvv(rng: random.Random) -> tuple[str, Expected]:
    number = card_number(rng)
    month, year, cvv = rng.randint(1, 12), rng.randint(25, 31), digits(rng, 3)
    text = rng.choice(
        [
            f"{card_text(number, rng)} {month:02d}/{year} {cvv}",
            f"{card_text(number, rng)}, срок {month:02d}/{year}, CVV {cvv}",
            f"{card_text(number, rng)} exp {month:02d}/{year} cvc {cvv}",
            f"{card_text(number, rng)} {month:02d}/{year} код {cvv}",
        ]
    )
    return text, [item("card", number)]


def partial(rng: random.Random) -> tuple[str, Expected]:
    number = card_number(rng)
    last = number[-4:]
    first6 = number[:6]
    choice = rng.randrange(5)
    if choice == 0:
        return f"{first6[:4]} {first6[4:]}** **** {last}", [
            item("card_partial", f"{first6}******{last}")
        ]
    if choice == 1:
        return f"************{last}", [item("card_partial", f"************{last}")]
    if choice == 2:
        return f"**** **** **** {last}", [item("card_partial", f"************{last}")]
    if choice == 3:
        return f"{first6[:4]} {first6[4:]}XX XXXX {last}", [
            item("card_partial", f"{first6}******{last}")
        ]
    return f"{first6}******{last}", [item("card_partial", f"{first6}******{last}")]


KZ_BANK_CODES = [bank.iban_code for bank in banks()]


def iban(rng: random.Random) -> tuple[str, Expected]:
    code = rng.choice(KZ_BANK_CODES)
    account = "".join(rng.choice("0123456789ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(4)) + digits(
        rng, 9
    )
    if rng.random() < 0.6:
        account = digits(rng, 13)
    value = str(IBAN.generate("KZ", bank_code=code, account_code=account).compact)
    roll = rng.random()
    if roll < 0.45:
        text = value
    elif roll < 0.55:
        # The country code apart and the bank code grouped: "KZ 86 125 KZT5004100100".
        text = f"{value[:2]} {value[2:4]} {value[4:7]} {value[7:]}"
    elif roll < 0.9:
        text = " ".join(value[i : i + 4] for i in range(0, len(value), 4))
    elif roll < 0.95:
        text = value.lower()
    else:
        text = "К" + value[1:]  # Cyrillic К: the homoglyph trick, still the same IBAN
    return text, [item("iban", value)]


def iban_foreign(rng: random.Random) -> tuple[str, Expected]:
    country = rng.choice(["DE", "GB", "TR", "AE", "GE", "FR"])
    value = str(IBAN.random(country_code=country, random=rng).compact)
    text = (
        value if rng.random() < 0.5 else " ".join(value[i : i + 4] for i in range(0, len(value), 4))
    )
    return text, [item("iban", value)]


def kazakh_check(first11: str) -> int | None:
    w1 = range(1, 12)
    w2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
    check = sum(int(d) * w for d, w in zip(first11, w1, strict=True)) % 11
    if check == 10:
        check = sum(int(d) * w for d, w in zip(first11, w2, strict=True)) % 11
        if check == 10:
            return None
    return check


def iin_value(rng: random.Random) -> str:
    while True:
        year = rng.randint(1940, 2007)
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        century_digit = (3 if year < 2000 else 5) + rng.randint(0, 1)
        prefix = f"{year % 100:02d}{month:02d}{day:02d}{century_digit}{digits(rng, 4)}"
        check = kazakh_check(prefix)
        if check is not None:
            return prefix + str(check)


FULLWIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


def iin(rng: random.Random) -> tuple[str, Expected]:
    value = iin_value(rng)
    roll = rng.random()
    if roll < 0.04:
        return value.translate(FULLWIDTH_DIGITS), [item("iin", value)]  # filter evasion
    if roll < 0.07:
        return value[:6] + "\u200b" + value[6:], [item("iin", value)]  # zero-width space
    return value, [item("iin", value)]


def bin_value(rng: random.Random) -> str:
    while True:
        registered = f"{rng.randint(0, 24):02d}{rng.randint(1, 12):02d}"
        prefix = f"{registered}{rng.choice('456')}{rng.choice('0123')}{digits(rng, 5)}"
        check = kazakh_check(prefix)
        if check is not None:
            return prefix + str(check)


def bin_(rng: random.Random) -> tuple[str, Expected]:
    value = bin_value(rng)
    return value, [item("bin", value)]


FIRST_NAMES = [
    "aigerim",
    "nurlan",
    "ivan",
    "dana",
    "arman",
    "olga",
    "timur",
    "saule",
    "erlan",
    "madina",
    "sergey",
    "asel",
    "daniyar",
    "elena",
    "bekzat",
    "zhanna",
]
LAST_NAMES = ["petrov", "nurpeisova", "akhmetov", "ivanova", "seitkali", "kim", "omarov", "li"]
MAIL_DOMAINS = [
    "gmail.com",
    "mail.ru",
    "yandex.kz",
    "inbox.ru",
    "bk.ru",
    "list.ru",
    "outlook.com",
    "yahoo.com",
    "kaspi-support.kz",
    "halyk-help.com",
    "egov-service.online",
]


def email(rng: random.Random) -> tuple[str, Expected]:
    local = rng.choice(
        [
            f"{rng.choice(FIRST_NAMES)}.{rng.choice(LAST_NAMES)}",
            f"{rng.choice(FIRST_NAMES)}{rng.randint(1, 99)}",
            f"{rng.choice(['support', 'help', 'info', 'security', 'noreply', 'bank'])}",
            f"{rng.choice(FIRST_NAMES)}_{rng.choice(LAST_NAMES)}{rng.randint(70, 99)}",
        ]
    )
    domain = rng.choice(MAIL_DOMAINS)
    value = f"{local}@{domain}"
    roll = rng.random()
    if roll < 0.15:
        text = value.title().replace("@" + domain.title(), "@" + domain.upper())
    elif roll < 0.2:
        text = value.replace("@", "[at]").replace(".", "[.]", 1) if "." not in local else value
    else:
        text = value
    return text, [item("email", value.lower())]


BRAND_WORDS = [
    "kaspi",
    "halyk",
    "homebank",
    "egov",
    "jusan",
    "freedom",
    "forte",
    "olx",
    "kcell",
    "beeline",
    "bcc",
    "kolesa",
    "kazpost",
]
SCAM_WORDS = [
    "bonus",
    "secure",
    "pay",
    "verify",
    "support",
    "dostavka",
    "delivery",
    "login",
    "online",
    "gift",
    "prize",
    "kz",
    "help",
    "card",
    "id",
    "service",
    "auth",
    "check",
]
TLDS = [
    "kz",
    "com",
    "online",
    "site",
    "top",
    "xyz",
    "shop",
    "ru",
    "info",
    "net",
    "org",
    "com.kz",
    "org.kz",
    "store",
    "click",
    "live",
    "pro",
]


def scam_host(rng: random.Random) -> tuple[str, str]:
    """(host, registrable domain)."""
    label = rng.choice(
        [
            f"{rng.choice(BRAND_WORDS)}-{rng.choice(SCAM_WORDS)}",
            f"{rng.choice(SCAM_WORDS)}-{rng.choice(BRAND_WORDS)}",
            f"{rng.choice(BRAND_WORDS)}{rng.choice(SCAM_WORDS)}",
            f"{rng.choice(SCAM_WORDS)}{rng.randint(1, 999)}",
            f"{rng.choice(BRAND_WORDS)}-{rng.choice(SCAM_WORDS)}-{rng.choice(SCAM_WORDS)}",
        ]
    )
    registrable = f"{label}.{rng.choice(TLDS)}"
    roll = rng.random()
    if roll < 0.15:
        return f"www.{registrable}", registrable
    if roll < 0.25:
        brand = rng.choice(["kaspi.kz", "halykbank.kz", "egov.kz", "olx.kz"])
        return f"{brand}.{registrable}", registrable
    if roll < 0.32:
        return f"{rng.choice(['pay', 'login', 'secure', 'm'])}.{registrable}", registrable
    return registrable, registrable


PATHS = [
    "/login",
    "/pay?id={n}",
    "/verify",
    "/kaspi/gold",
    "/bonus/{n}",
    "/auth?session={n}",
    "/olx/delivery/{n}",
    "/",
    "/card/confirm",
    "/egov/service?uid={n}",
    "/index.php?r={n}",
]


def url(rng: random.Random) -> tuple[str, Expected]:
    host, registrable = scam_host(rng)
    path = rng.choice(PATHS).format(n=rng.randint(1000, 999999))
    scheme = rng.choice(["https", "http", "https", "https"])
    roll = rng.random()
    if roll < 0.12:
        text = f"hxxps://{host.replace('.', '[.]')}{path}"
        value = f"https://{host}{path}"
    elif roll < 0.2 and path != "/":
        text = f"{host}{path}"
        value = f"http://{host}{path}"
    elif roll < 0.25:
        text = f"{scheme.upper()}://{host.upper()}{path}"
        value = f"{scheme}://{host}{path}"
    else:
        text = f"{scheme}://{host}{path}"
        value = f"{scheme}://{host}{path}"
    if path == "/" and rng.random() < 0.5 and not text.endswith("]"):
        text = text[:-1]
    return text, [item("url", value), item("domain", registrable)]


def domain(rng: random.Random) -> tuple[str, Expected]:
    host, registrable = scam_host(rng)
    if rng.random() < 0.1:
        return host.upper(), [item("domain", registrable)]
    return host, [item("domain", registrable)]


CONFUSABLE_SWAPS = {"a": "а", "o": "о", "e": "е", "c": "с", "p": "р", "k": "к"}


def lookalike(rng: random.Random) -> tuple[str, Expected]:
    brand = rng.choice(
        [
            "kaspi.kz",
            "halykbank.kz",
            "homebank.kz",
            "egov.kz",
            "olx.kz",
            "kcell.kz",
            "jusan.kz",
            "forte.kz",
        ]
    )
    label, tld = brand.split(".", 1)
    roll = rng.random()
    if roll < 0.5:
        positions = [i for i, ch in enumerate(label) if ch in CONFUSABLE_SWAPS]
        i = rng.choice(positions)
        fake = label[:i] + CONFUSABLE_SWAPS[label[i]] + label[i + 1 :]
    elif roll < 0.75 and len(label) >= 5:
        i = rng.randrange(len(label) - 1)
        fake = label[:i] + label[i + 1] + label[i] + label[i + 2 :]
        if fake == label:
            fake = label + "s"
    else:
        fake = (
            label.replace("o", "0").replace("l", "1")
            if ("o" in label or "l" in label)
            else label + "-kz"
        )
    host = f"{fake}.{rng.choice([tld, 'com', 'kz', 'online'])}"
    value = idna.encode(host, uts46=True).decode("ascii")
    return host, [item("domain", value)]


def lookalike_url(rng: random.Random) -> tuple[str, Expected]:
    """A look-alike host inside a defanged link: hxxps://kаspi.kz/login."""
    host, found = lookalike(rng)
    path = rng.choice(["/login", "/verify", "/pay", "/"])
    value = f"https://{found[0]['value']}{path}"
    return f"hxxps://{host}{path}", [item("url", value), found[0]]


def ip(rng: random.Random) -> tuple[str, Expected]:
    roll = rng.random()
    if roll < 0.7:
        first = rng.choice(
            [5, 31, 37, 45, 46, 77, 78, 85, 91, 92, 95, 109, 176, 178, 185, 188, 194, 212, 217]
        )
        value = f"{first}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    elif roll < 0.9:
        value = f"192.168.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    else:
        value = f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    return value, [item("ip", value)]


def ip6(rng: random.Random) -> tuple[str, Expected]:
    groups = [f"{rng.randint(0, 0xFFFF):x}" for _ in range(4)]
    value = f"2a03:{groups[0]}:{groups[1]}::{groups[2]}"
    return value, [item("ip", value)]


B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def b58check(version: int, payload: bytes) -> str:
    raw = bytes([version]) + payload
    raw += hashlib.sha256(hashlib.sha256(raw).digest()).digest()[:4]
    number = int.from_bytes(raw, "big")
    out = ""
    while number:
        number, remainder = divmod(number, 58)
        out = B58[remainder] + out
    return "1" * (len(raw) - len(raw.lstrip(b"\0"))) + out


BECH = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def bech32_address(program: bytes, version: int) -> str:
    def polymod(values: list[int]) -> int:
        gen = [0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3]
        chk = 1
        for v in values:
            b = chk >> 25
            chk = (chk & 0x1FFFFFF) << 5 ^ v
            for i in range(5):
                chk ^= gen[i] if ((b >> i) & 1) else 0
        return chk

    acc, bits, data = 0, 0, [version]
    for value in program:
        acc = (acc << 8) | value
        bits += 8
        while bits >= 5:
            bits -= 5
            data.append((acc >> bits) & 31)
    if bits:
        data.append((acc << (5 - bits)) & 31)
    hrp = [ord(x) >> 5 for x in "bc"] + [0] + [ord(x) & 31 for x in "bc"]
    const = 1 if version == 0 else 0x2BC830A3
    mod = polymod(hrp + data + [0] * 6) ^ const
    checksum = [(mod >> 5 * (5 - i)) & 31 for i in range(6)]
    return "bc1" + "".join(BECH[d] for d in data + checksum)


def btc(rng: random.Random) -> tuple[str, Expected]:
    roll = rng.random()
    if roll < 0.4:
        value = b58check(0, rng.randbytes(20))
    elif roll < 0.6:
        value = b58check(5, rng.randbytes(20))
    elif roll < 0.9:
        value = bech32_address(rng.randbytes(20), 0)
    else:
        value = bech32_address(rng.randbytes(32), 1)
    return value, [item("crypto_wallet", value)]


def eth(rng: random.Random) -> tuple[str, Expected]:
    body = rng.randbytes(20).hex()
    if rng.random() < 0.6:
        digest = keccak.new(digest_bits=256, data=body.encode()).hexdigest()
        text_body = "".join(
            c.upper() if c.isalpha() and int(h, 16) >= 8 else c
            for c, h in zip(body, digest[:40], strict=True)
        )
    else:
        text_body = body
    return "0x" + text_body, [item("crypto_wallet", "0x" + body)]


def tron(rng: random.Random) -> tuple[str, Expected]:
    value = b58check(0x41, rng.randbytes(20))
    return value, [item("crypto_wallet", value)]


TG_WORDS = [
    "kaspi",
    "halyk",
    "support",
    "help",
    "bonus",
    "official",
    "kz",
    "bank",
    "invest",
    "crypto",
    "olx",
    "manager",
    "admin",
    "service",
    "pay",
    "egov",
    "vip",
    "trade",
]


def tg_name(rng: random.Random) -> str:
    while True:
        name = "_".join(rng.sample(TG_WORDS, rng.randint(2, 3)))
        if rng.random() < 0.3:
            name += str(rng.randint(1, 99))
        if 5 <= len(name) <= 32:
            return name


def tg(rng: random.Random) -> tuple[str, Expected]:
    name = tg_name(rng)
    written = name if rng.random() < 0.8 else name.title()
    return "@" + written, [item("messenger_handle", "telegram:" + name)]


def tg_link(rng: random.Random) -> tuple[str, Expected]:
    name = tg_name(rng)
    text = rng.choice([f"t.me/{name}", f"https://t.me/{name}", f"http://t.me/{name}"])
    return text, [item("messenger_handle", "telegram:" + name)]


def ig(rng: random.Random) -> tuple[str, Expected]:
    name = rng.choice(["shop", "store", "butik", "mebel", "iphone", "sale"]) + rng.choice(
        [".almaty", "_astana", ".kz", "_shymkent", "kz", ".official"]
    )
    text = rng.choice(
        [
            f"instagram.com/{name}",
            f"https://www.instagram.com/{name}",
            f"https://instagram.com/{name}/",
        ]
    )
    return text, [item("messenger_handle", "instagram:" + name)]


def imei(rng: random.Random) -> tuple[str, Expected]:
    value = luhn_complete(rng.choice(["35", "86", "35", "01"]) + digits(rng, 12))
    return value, [item("imei", value)]


# Hard negatives: look like indicators, are not.


def date(rng: random.Random) -> tuple[str, Expected]:
    d, m, y = rng.randint(1, 28), rng.randint(1, 12), rng.randint(2019, 2025)
    return rng.choice(
        [
            f"{d:02d}.{m:02d}.{y}",
            f"{y}-{m:02d}-{d:02d}",
            f"{d:02d}/{m:02d}/{y}",
            f"{d}.{m:02d}.{y % 100}",
        ]
    ), []


def amount(rng: random.Random) -> tuple[str, Expected]:
    value = rng.choice(
        [rng.randint(1, 999) * 1000, rng.randint(1, 50) * 100000, rng.randint(100, 99999)]
    )
    spaced = f"{value:,}".replace(",", " ")
    return rng.choice(
        [
            f"{spaced} тг",
            f"{spaced} ₸",
            f"{spaced} тенге",
            f"{value} KZT",
            f"{spaced}тг",
            f"{value:,} tenge",
            f"{spaced} теңге",
        ]
    ), []


def order(rng: random.Random) -> tuple[str, Expected]:
    return rng.choice(
        [
            f"№{digits(rng, 8)}",
            f"№ {digits(rng, 6)}",
            f"#{digits(rng, 7)}",
            f"{rng.randint(1, 9)}{digits(rng, 8)}",
            f"ORD-{digits(rng, 9)}",
        ]
    ), []


def track(rng: random.Random) -> tuple[str, Expected]:
    return rng.choice(
        [
            f"KZ{digits(rng, 9)}CN",
            f"RR{digits(rng, 9)}KZ",
            f"LP{digits(rng, 14)}",
            f"CP{digits(rng, 9)}KZ",
            f"UA{digits(rng, 9)}CN",
        ]
    ), []


def bad_iin(rng: random.Random) -> tuple[str, Expected]:
    value = iin_value(rng)
    wrong = value[:11] + str((int(value[11]) + rng.randint(1, 9)) % 10)
    return wrong, []


def bad_card(rng: random.Random) -> tuple[str, Expected]:
    number = card_number(rng)
    wrong = number[:15] + str((int(number[15]) + rng.randint(1, 9)) % 10)
    return card_text(wrong, rng), []


def account(rng: random.Random) -> tuple[str, Expected]:
    return rng.choice(
        [
            f"40817810{digits(rng, 12)}",
            f"{rng.choice('123456')}{digits(rng, 19)}",
            f"{rng.choice('1234569')}{digits(rng, 9)}",
            f"0{digits(rng, 10)}",
        ]
    ), []


def time_(rng: random.Random) -> tuple[str, Expected]:
    return f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}", []


def code(rng: random.Random) -> tuple[str, Expected]:
    return digits(rng, rng.choice([4, 6])), []


def file_(rng: random.Random) -> tuple[str, Expected]:
    return rng.choice(
        [
            "скрин.jpg",
            "чек.pdf",
            "IMG_2024.png",
            "выписка.xlsx",
            "photo.jpeg",
            "договор.docx",
            "screenshot.png",
            "app-release.apk",
        ]
    ), []


def bad_phone(rng: random.Random) -> tuple[str, Expected]:
    return rng.choice(
        [
            f"+7 750 {digits(rng, 3)} {digits(rng, 2)} {digits(rng, 2)}",
            f"8 {digits(rng, 3)[:1]}00 {digits(rng, 3)}",
            f"+7 701 {digits(rng, 3)} {digits(rng, 2)}",
        ]
    ), []


FILLERS: dict[str, Filler] = {
    "phone": phone, "phone_ru": phone_ru, "landline": landline, "wa": whatsapp, "card": card,
    "card_cvv": card_cvv, "partial": partial, "iban": iban, "iban_foreign": iban_foreign,
    "iin": iin, "bin": bin_, "email": email, "url": url, "domain": domain,
    "lookalike": lookalike, "lookalike_url": lookalike_url, "ip": ip, "ip6": ip6, "btc": btc,
    "eth": eth, "tron": tron,
    "tg": tg, "tg_link": tg_link, "ig": ig, "imei": imei, "date": date, "amount": amount,
    "order": order, "track": track, "bad_iin": bad_iin, "bad_card": bad_card,
    "account": account, "time": time_, "code": code, "file": file_, "bad_phone": bad_phone,
}  # fmt: skip


def ig_at(rng: random.Random) -> tuple[str, Expected]:
    """An @name written right after the word Instagram (templates guarantee the context)."""
    name = rng.choice(["shop", "store", "butik", "mebel", "iphone", "sale"]) + rng.choice(
        [".almaty", "_astana", ".kz", "_shymkent", "kz"]
    )
    return "@" + name, [item("messenger_handle", "instagram:" + name)]


FILLERS["ig_at"] = ig_at

# --------------------------------------------------------------------------------------------
# Templates: (language, genre, text). Written as people write: SMS from "bank security", OLX
# chats, victim narratives, bank analyst notes, forum posts, Telegram messages.

TEMPLATES_FILE = Path(__file__).with_name("templates.tsv")


def load_templates() -> list[tuple[str, str, str]]:
    """(language, genre, template) rows of ``templates.tsv``; lines starting with # are notes."""
    rows = []
    for line in TEMPLATES_FILE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            language, genre, template = line.split("\t", 2)
            rows.append((language, genre, template))
    return rows


TEMPLATES = load_templates()

PLACEHOLDER = re.compile(r"\{(\w+)\}")


def render(template: str, rng: random.Random) -> tuple[str, Expected]:
    expected: Expected = []
    pieces: list[str] = []
    last = 0
    for match in PLACEHOLDER.finditer(template):
        pieces.append(template[last : match.start()])
        text, found = FILLERS[match.group(1)](rng)
        pieces.append(text)
        expected.extend(found)
        last = match.end()
    pieces.append(template[last:])
    return "".join(pieces), expected


def main() -> None:
    rng = random.Random(SEED)
    lines = []
    for index in range(TARGET_SNIPPETS):
        language, genre, template = (
            TEMPLATES[index % len(TEMPLATES)] if index < len(TEMPLATES) else rng.choice(TEMPLATES)
        )
        text, expected = render(template, rng)
        unique = sorted({(e["type"], e["value"]) for e in expected})
        lines.append(
            json.dumps(
                {
                    "id": f"{language}-{genre}-{index:05d}",
                    "language": language,
                    "genre": genre,
                    "text": text,
                    "expected": [item(kind, value) for kind, value in unique],
                },
                ensure_ascii=False,
            )
        )
    OUTPUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    sys.stdout.write(f"wrote {len(lines)} snippets to {OUTPUT}\n")


if __name__ == "__main__":
    main()
