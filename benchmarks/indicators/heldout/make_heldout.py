"""Build the held-out indicator corpus (``heldout.jsonl``) from public test vectors.

Run: ``.venv/bin/python benchmarks/indicators/heldout/make_heldout.py``. The vectors below are
data copied from the public sources named in ``README.md`` (one set per source); no code was
taken from them. The sets built from public lists and generators (IBAN spellings, phones as
written, IdnaTestV2, ioc-fanger, look-alikes, real domains) come from ``public_sets.py`` and
``lookalike_sets.py``.
Each vector is written into a sentence of a report, in Russian, Kazakh or
English, phrased differently from every template the extractor was developed on
(``../templates.tsv``). A valid vector is labelled with its canonical form, computed here by
rules stated in the README and never by running the extractor; an invalid one is labelled with
nothing (a correct extractor reports nothing for it).

The extractor was not tuned on this corpus, and must not be: its figures here are the check on
how far the figures on the tuned corpus carry to formats we did not write ourselves.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import lookalike_sets  # noqa: E402

OUTPUT = Path(__file__).with_name("heldout.jsonl")

# Sentences people write, in which the vector stands for the identifier they copied.
CARRIERS = [
    ("ru", "Добрый день. По просьбе «консультанта» отправила деньги на {x}, с тех пор он молчит."),
    ("ru", "Прошу проверить реквизиты {x} — их прислали в WhatsApp как счёт для страховки."),
    ("ru", "сын перевёл деньги на {x} и теперь не может вернуть, помогите пожалуйста"),
    ("ru", "В чате продавец скинул: {x}. Я оплатила, товара нет."),
    ("kk", "Сәлеметсіз бе, маған {x} деген реквизит жіберді, ақша аудардым, енді жауап бермейді."),
    ("kk", "Алаяқ {x} арқылы ақша сұрады, мен екі рет аудардым."),
    ("en", "Hi, the 'broker' asked me to top up via {x}; after that the site went offline."),
    ("en", "Details from the chat: {x} (sent at 14:02), recipient unknown."),
    ("en", "I paid the deposit to {x} as instructed and never heard back."),
]

# ---------------------------------------------------------------------------------------------
# BIP-350 (bitcoin/bips, bip-0350.mediawiki, "Test vectors for v0-v16 native segregated witness
# addresses"). Main-network addresses only: test-network ones are left out of scoring.
BIP350_VALID = [
    "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
    "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y",
    "BC1SW50QGDZ25J",
    "bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs",
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
]
BIP350_INVALID = [
    "tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut",
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd",
    "tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqglt7rf",
    "BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL",
    "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh",
    "tb1q0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq24jc47",
    "bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4",
    "BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R",
    "bc1pw5dgrnzv",
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav",
    "BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P",
    "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq",
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf",
    "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vpggkg4j",
    "bc1gmk9yu",
]

# Bitcoin Core (bitcoin/bitcoin, src/test/data/key_io_valid.json): main-network addresses, and
# main-network private keys (WIF), which are not wallet addresses and must not be reported.
KEY_IO_MAIN_ADDRESSES = [
    "1FsSia9rv4NeEwvJ2GvXrX7LyxYspbN2mo",
    "36j4NfKv6Akva9amjWrLG6MuSQym1GuEmm",
    "bc1qvyq0cc6rahyvsazfdje0twl7ez82ndmuac2lhv",
    "bc1qyucykdlhp62tezs0hagqury402qwhk589q80tqs5myh3rxq34nwqhkdhv7",
    "bc1p83n3au0rjylefxq2nc2xh2y4jzz4pm6zxj4mw5pagdjjr2a9f36s6jjnnu",
    "bc1z2rksukkjr8",
    "1FjL87pn8ky6Vbavd1ZHeChRXtoxwRGCRd",
    "3BZECeAH8gSKkjrTx8PwMrNQBLG18yHpvf",
    "bc1qhxt04s5xnpy0kxw4x99n5hpdf5pmtzpqs52es2",
    "bc1qgc9ljrvdf2e0zg9rmmq86xklqwfys7r6wptjlacdgrcdc7sa6ggqu4rrxf",
    "bc1pve739yap4uxjvfk0jrey69078u0gasm2nwvv483ec6zkzulgw9xqu4w9fd",
    "bc1zmjtqxkzs89",
]
KEY_IO_MAIN_PRIVATE_KEYS = [
    "5JuW2AMDYu4xVwRG9DZW18VbzQrGcd5RCgb99sS6ehJsNQXu5b9",
    "L5nJeqKmpHp4P7F8ZYyjwc5a7P4d8EabuGAzfGJk7yC1BJyzNaEd",
    "5HsL2nZuEebU5nM3RxNVQD9GcAnvNMahqQskf4fkqHe54zwd14e",
    "KwuVvu6hsuEMHrfFWJQV64tRrWX3QzqHH18JuAHYqYV6dqBvNKxd",
]

# EIP-55 (ethereum/ERCs, ERCS/erc-55.md, "Test Cases"): all caps, all lower, normal.
EIP55 = [
    "0x52908400098527886E0F7030069857D2E4169EE7",
    "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
    "0xde709f2102306220921060314715629080e2fb77",
    "0x27b1fdb04752bbc536007a920d24acb045561c26",
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
    "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
    "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
]

# SWIFT IBAN registry sample numbers, as collected in python-stdnum
# (arthurdejong/python-stdnum, tests/test_iban.doctest): one written form per country (the
# grouped one where the registry gives both), plus the invalid lists of the same file.
IBAN_VALID = [
    "AD12 0001 2030 2003 5910 0100",
    "AE070331234567890123456",
    "AL47 2121 1009 0000 0002 3569 8741",
    "AT61 1904 3002 3457 3201",
    "AZ21NABZ00000000137010001944",
    "BA39 1290 0794 0102 8494",
    "BG80 BNBG 9661 1020 3456 78",
    "BH67BMAG00001299123456",
    "BR1800000000141455123924100C2",
    "CH93 0076 2011 6238 5295 7",
    "CY17 0020 0128 0000 0012 0052 7600",
    "CZ65 0800 0000 1920 0014 5399",
    "DE89 3704 0044 0532 0130 00",
    "DK50 0040 0440 1162 43",
    "DO28BAGR00000001212453611324",
    "EE38 2200 2210 2014 5685",
    "ES15-0049-1806-9121-1186-9374",
    "FI21 1234 5600 0007 85",
    "FO62 6460 0001 6316 34",
    "FR14 2004 1010 0505 0001 3M02 606",
    "GB29 NWBK 6016 1331 9268 19",
    "GE29 NB00 0000 0101 9049 17",
    "GI75 NWBK 0000 0000 7099 453",
    "GL89 6471 0001 0002 06",
    "GR16 0110 1250 0000 0001 2300 695",
    "GT82TRAJ01020000001210029690",
    "HR12 1001 0051 8630 0016 0",
    "HU42 1177 3016 1111 1018 0000 0000",
    "IE29 AIBK 9311 5212 3456 78",
    "IL62 0108 0000 0009 9999 999",
    "IS14 0159 2600 7654 5510 7303 39",
    "IT60 X054 2811 1010 0000 0123 456",
    "JO94CBJO0010000000000131000302",
    "KZ86125KZT5004100100",
    "LB62 0999 0000 0001 0019 0122 9114",
    "LI21 0881 0000 2324 013A A",
    "LT12 1000 0111 0100 1000",
    "LU28 0019 4006 4475 0000",
    "LV80 BANK 0000 4351 9500 1",
    "MC11 1273 9000 7000 1111 1000 h79",
    "MD24AG000225100013104168",
    "ME25 5050 0001 2345 6789 51",
    "MK072 5012 0000 0589 84",
    "MR13 0002 0001 0100 0012 3456 753",
    "MT84 MALT 0110 0001 2345 MTLC AST0 01S",
    "MU17 BOMM 0101 1010 3030 0200 000M UR",
    "NL91 ABNA 0417 1643 00",
    "NO93 8601 1117 947",
    "NO07.8380.08.06006",
    "PK36SCBL0000001123456702",
    "PL61 1090 1014 0000 0712 1981 2874",
    "PS92PALS000000000400123456702",
    "PT50 0002 0123 1234 5678 9015 4",
    "QA58DOHB00001234567890ABCDEFG",
    "RO49 AAAA 1B31 0075 9384 0000",
    "RS35 2600 0560 1001 6113 79",
    "SA03 8000 0000 6080 1016 7519",
    "SE45 5000 0000 0583 9825 7466",
    "SI56 1910 0000 0123 438",
    "SK31 1200 0000 1987 4263 7541",
    "SM86 U032 2509 8000 0000 0270 100",
    "TN59 1000 6035 1835 9847 8831",
    "TR33 0006 1005 1978 6457 8413 26",
    "VG96VPVG0000012345678901",
    "XK051212012345678906",
]
IBAN_INVALID = [
    # broken checksums or mangled
    "AL48212110090000000235698741",
    "AD1210012030200359100100",
    "AT611804300234573201",
    "BE68530907547034",
    "BA391290709401028494",
    "BG80BNBG99611020345678",
    "HR1210010052863000160",
    "CY17002001281000001200527600",
    "CZ6508000000129000145399",
    "CZ9455000000000101038930",
    "DK5000400440116342",
    # wrong length, valid checksum
    "AD48 0001 2030 2003 5910 01",
    "AT93 1904 3002 3457 3201 99",
    "BE36 5390 0754 7034 1234",
    "BA30 1290 0794 0102 84",
    # letters or digits where the country's format forbids them, or an unknown country
    "BG93 BNBG 9661 1A20 3456 78",
    "GI22 NW3K 0000 0000 7099 453",
    "NL56 3003 0A17 1643 00",
    "QQ93 1234 5678",
]

# libphonenumber's example numbers for Kazakhstan (google/libphonenumber,
# resources/PhoneNumberMetadata.xml, territory KZ: fixed line, mobile, toll free, premium rate,
# personal number, VoIP), each as E.164 and as the metadata's national format.
KZ_EXAMPLES = [
    ("+77123456789", "8 (71234) 5 67 89"),
    ("+77710009998", "8 (771) 000 9998"),
    ("+78001234567", "8 (800) 123-45-67"),
    ("+78091234567", "8 (809) 123-45-67"),
    ("+77511234567", "8 (751) 123 4567"),
    ("+78081234567", "8 (808) 123-45-67"),
]

# Payment networks' published test card numbers (Stripe, "Testing" documentation, basic test
# cards: Visa, Visa debit, Mastercard, Mastercard 2-series, debit and prepaid, American Express,
# Discover).
TEST_CARDS = [
    "4242424242424242",
    "4000056655665556",
    "5555555555554444",
    "2223003122003222",
    "5200828282828210",
    "5105105105105100",
    "378282246310005",
    "371449635398431",
    "6011111111111117",
    "6011000990139424",
    "6011981111111113",
]


def compact_iban(text: str) -> str:
    return re.sub(r"[\s.\-]", "", text).upper()


def grouped_card(number: str) -> str:
    if len(number) == 15:  # American Express groups 4-6-5
        return f"{number[:4]} {number[4:10]} {number[10:]}"
    return " ".join(number[i : i + 4] for i in range(0, len(number), 4))


def sets() -> list[tuple[str, str, list[tuple[str, list[tuple[str, str]]]]]]:
    """(set name, source, [(written vector, expected (type, value) pairs)])."""
    return [
        (
            "bip350",
            "bitcoin/bips bip-0350.mediawiki",
            [(v, [("crypto_wallet", v.lower())]) for v in BIP350_VALID]
            + [(v, []) for v in BIP350_INVALID],
        ),
        (
            "bitcoin-core-key-io",
            "bitcoin/bitcoin src/test/data/key_io_valid.json",
            [
                (v, [("crypto_wallet", v.lower() if v.lower().startswith("bc1") else v)])
                for v in KEY_IO_MAIN_ADDRESSES
            ]
            + [(v, []) for v in KEY_IO_MAIN_PRIVATE_KEYS],
        ),
        (
            "eip55",
            "ethereum/ERCs ERCS/erc-55.md",
            [(v, [("crypto_wallet", v.lower())]) for v in EIP55],
        ),
        (
            "iban-registry",
            "SWIFT IBAN registry samples via arthurdejong/python-stdnum tests/test_iban.doctest",
            [(v, [("iban", compact_iban(v))]) for v in IBAN_VALID]
            + [(v, []) for v in IBAN_INVALID],
        ),
        (
            "libphonenumber-kz",
            "google/libphonenumber PhoneNumberMetadata.xml, territory KZ",
            [
                (form, [("phone", e164)])
                for e164, national in KZ_EXAMPLES
                for form in (e164, national)
            ],
        ),
        (
            "test-cards",
            "Stripe testing documentation, basic test card numbers",
            [(number, [("card", number)]) for number in TEST_CARDS]
            + [(grouped_card(number), [("card", number)]) for number in TEST_CARDS],
        ),
        *lookalike_sets.all_sets(),
    ]


def main() -> None:
    lines = []
    counter = 0
    for name, source, vectors in sets():
        for index, (written, expected) in enumerate(vectors):
            language, carrier = CARRIERS[counter % len(CARRIERS)]
            counter += 1
            lines.append(
                json.dumps(
                    {
                        "id": f"{name}-{index:03d}",
                        "set": name,
                        "source": source,
                        "language": language,
                        "text": carrier.format(x=written),
                        "expected": [{"type": kind, "value": value} for kind, value in expected],
                    },
                    ensure_ascii=False,
                )
            )
    OUTPUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines)} snippets to {OUTPUT}")


if __name__ == "__main__":
    main()
