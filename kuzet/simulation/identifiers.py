"""Synthetic identifiers that pass Kazakhstan's check rules and never repeat within one world.

The generator must not depend on the indicator engine (it is what the world is used to judge), so
the check rules of ``kazakhstan.md`` §2 are written again here in their smallest form: the IIN/BIN
two-pass modulo 11, ISO 13616 modulo 97 for IBANs, Luhn for cards and IMEIs, and the +7 7xx
mobile prefixes of the reference operators.

Uniqueness without memory: every family of identifiers is numbered by a counter, and the counter
goes through a seeded bijection of the digit space (an affine map, a digit reversal and a second
affine map). Different counters therefore give different numbers, the numbers look random, and a
world of millions of identifiers needs no set of issued values.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import date

__all__ = [
    "IdentifierFactory",
    "Scrambler",
    "derive_seed",
    "iban_check_digits",
    "iin_check_digit",
    "is_valid_iban",
    "is_valid_iin",
    "is_valid_kz_mobile",
    "luhn_check_digit",
    "luhn_is_valid",
    "tron_address",
]

IIN_WEIGHTS_FIRST = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
IIN_WEIGHTS_SECOND = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def derive_seed(seed: int, *labels: object) -> int:
    """A sub-seed for one part of the world, stable across processes and Python versions.

    ``hash()`` is randomised per process, so sub-seeds come from SHA-256 of the labels instead.
    """
    text = "\x1f".join([str(seed), *(str(label) for label in labels)])
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


def iin_check_digit(first_eleven: str) -> int | None:
    """The 12th digit of an IIN or BIN, or None when no digit can make the prefix valid."""
    digits = [ord(character) - 48 for character in first_eleven]
    check = sum(d * w for d, w in zip(digits, IIN_WEIGHTS_FIRST, strict=True)) % 11
    if check == 10:
        check = sum(d * w for d, w in zip(digits, IIN_WEIGHTS_SECOND, strict=True)) % 11
        if check == 10:
            return None
    return check


def is_valid_iin(value: str) -> bool:
    """Checksum, calendar date and century digit of an individual's IIN (``kazakhstan.md`` §2.1)."""
    if len(value) != 12 or not value.isascii() or not value.isdigit():
        return False
    century_digit = int(value[6])
    if century_digit not in range(1, 7):
        return False
    century = 1800 + 100 * ((century_digit - 1) // 2)
    try:
        date(century + int(value[0:2]), int(value[2:4]), int(value[4:6]))
    except ValueError:
        return False
    return iin_check_digit(value[:11]) == int(value[11])


def luhn_check_digit(payload: str) -> int:
    """The Luhn digit to append to ``payload`` (cards, IMEIs)."""
    total = 0
    for index, character in enumerate(reversed(payload)):
        digit = ord(character) - 48
        if index % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10


def luhn_is_valid(value: str) -> bool:
    """True when the last digit of ``value`` is its Luhn check digit."""
    return value.isdigit() and luhn_check_digit(value[:-1]) == int(value[-1])


def _iban_number(text: str) -> int:
    return int("".join(str(int(character, 36)) for character in text))


def iban_check_digits(country: str, bban: str) -> str:
    """ISO 13616 check digits: 98 minus the remainder of BBAN + country + "00" modulo 97."""
    return f"{98 - _iban_number(bban + country + '00') % 97:02d}"


def is_valid_iban(value: str) -> bool:
    """A compact upper-case KZ IBAN with a correct modulo-97 check."""
    if len(value) != 20 or not value.startswith("KZ") or not value.isalnum():
        return False
    return _iban_number(value[4:] + value[:4]) % 97 == 1


def is_valid_kz_mobile(value: str, prefixes: frozenset[str]) -> bool:
    """An E.164 Kazakh mobile number in one of the operators' prefixes."""
    return (
        len(value) == 12
        and value.startswith("+7")
        and value[1:].isdigit()
        and value[2:5] in prefixes
    )


def _base58(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    characters = []
    while number:
        number, remainder = divmod(number, 58)
        characters.append(BASE58_ALPHABET[remainder])
    leading_zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * leading_zeros + "".join(reversed(characters))


def tron_address(payload: bytes) -> str:
    """A TRON (TRC-20) address: Base58Check of 0x41 and 20 bytes; USDT on TRON is the usual rail."""
    body = b"\x41" + payload[:20]
    checksum = hashlib.sha256(hashlib.sha256(body).digest()).digest()[:4]
    return _base58(body + checksum)


@dataclass(slots=True)
class Scrambler:
    """A seeded bijection of the numbers ``0 .. 10**digits - 1``: distinct in, distinct out."""

    digits: int
    first_multiplier: int
    first_offset: int
    second_multiplier: int
    second_offset: int

    @classmethod
    def from_seed(cls, digits: int, seed: int) -> Scrambler:
        """Multipliers end in 1, 3, 7 or 9, so they are coprime to powers of ten."""
        rng = random.Random(seed)  # noqa: S311 - synthetic data, not secrets
        modulus = 10**digits

        def multiplier() -> int:
            return rng.randrange(modulus // 10, modulus) // 10 * 10 + rng.choice((1, 3, 7, 9))

        return cls(
            digits,
            multiplier() % modulus,
            rng.randrange(modulus),
            multiplier() % modulus,
            rng.randrange(modulus),
        )

    def __call__(self, counter: int) -> int:
        modulus: int = 10**self.digits
        mixed = (counter * self.first_multiplier + self.first_offset) % modulus
        reversed_digits = int(f"{mixed:0{self.digits}d}"[::-1])
        return (reversed_digits * self.second_multiplier + self.second_offset) % modulus


@dataclass(slots=True)
class IdentifierFactory:
    """Issues every identifier of one world; each family has its own counter and scrambler."""

    seed: int
    counters: dict[str, int] = field(default_factory=dict)
    scramblers: dict[tuple[int, str], Scrambler] = field(default_factory=dict)

    def _next(self, family: str, digits: int) -> int:
        counter = self.counters.get(family, 0)
        self.counters[family] = counter + 1
        scrambler = self.scramblers.get((digits, family))
        if scrambler is None:
            scrambler = Scrambler.from_seed(digits, derive_seed(self.seed, "scramble", family))
            self.scramblers[(digits, family)] = scrambler
        return scrambler(counter)

    def iin(self, birth_date: date, is_male: bool) -> str:
        """A valid IIN for this birth date and sex; prefixes that can never be valid are skipped."""
        century_digit = 1 + 2 * ((birth_date.year - 1800) // 100) + (0 if is_male else 1)
        head = f"{birth_date:%y%m%d}{century_digit}"
        while True:
            first_eleven = f"{head}{self._next('iin:' + head, 4):04d}"
            check = iin_check_digit(first_eleven)
            if check is not None:
                return f"{first_eleven}{check}"

    def bin(self, registered: date, entity_type: int = 4) -> str:
        """A valid BIN: YYMM of registration, entity type, head office, serial, check digit."""
        head = f"{registered:%y%m}{entity_type}0"
        while True:
            first_eleven = f"{head}{self._next('bin:' + head, 5):05d}"
            check = iin_check_digit(first_eleven)
            if check is not None:
                return f"{first_eleven}{check}"

    def iban(self, bank_iban_code: str, account_letter: str = "") -> str:
        """A KZ IBAN with a real bank code and a synthetic 13-character account part."""
        digits = 13 - len(account_letter)
        account = f"{account_letter}{self._next('iban:' + bank_iban_code, digits):0{digits}d}"
        bban = bank_iban_code + account
        return f"KZ{iban_check_digits('KZ', bban)}{bban}"

    def card(self, issuer_prefix: str) -> str:
        """A 16-digit Luhn-valid card number under a synthetic six-digit issuer prefix."""
        payload = f"{issuer_prefix}{self._next('card:' + issuer_prefix, 9):09d}"
        return f"{payload}{luhn_check_digit(payload)}"

    def mobile(self, prefix: str) -> str:
        """An E.164 mobile number ``+7`` + operator prefix + seven synthetic digits."""
        return f"+7{prefix}{self._next('mobile:' + prefix, 7):07d}"

    def landline(self, area_code: str) -> str:
        """An E.164 landline in a regional area code (hotlines and support desks)."""
        digits = 10 - len(area_code)
        subscriber = f"{self._next('landline:' + area_code, digits - 1):0{digits - 1}d}"
        # The first subscriber digit 2 keeps Almaty numbers in the 7272… block phonenumbers knows.
        return f"+7{area_code}2{subscriber}"

    def imei(self) -> str:
        """A Luhn-valid 15-digit IMEI with a synthetic type-allocation code."""
        payload = f"35{self._next('imei', 12):012d}"
        return f"{payload}{luhn_check_digit(payload)}"

    def wallet(self) -> str:
        """A TRON wallet address (Base58Check) for crypto cash-outs."""
        number = self._next("wallet", 18)
        return tron_address(hashlib.sha256(f"{self.seed}:{number}".encode()).digest())

    def serial(self, family: str) -> int:
        """A plain counter for names that only need to be unique (handles, domains, e-mails)."""
        counter = self.counters.get(family, 0)
        self.counters[family] = counter + 1
        return counter
