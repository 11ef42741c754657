"""Check-digit algorithms: Luhn, ISO 7064 mod 97, the Kazakh IIN/BIN mod 11, base58check,
bech32/bech32m and Keccak-256 (for Ethereum's EIP-55 mixed-case checksum).

All functions take ASCII strings that the caller has already matched against a strict pattern.
"""

from __future__ import annotations

import hashlib
from types import ModuleType

_fast_keccak: ModuleType | None
try:
    from Crypto.Hash import keccak as _fast_keccak
except ImportError:  # pragma: no cover - pycryptodome is a pinned dependency
    _fast_keccak = None

__all__ = [
    "base58_decode",
    "base58check_payload",
    "bech32_decode_segwit",
    "iban_checksum_is_valid",
    "kazakh_check_digit",
    "keccak256",
    "keccak256_pure",
    "luhn_is_valid",
]


# Luhn doubles every second digit from the right and adds the digits of the product:
# 0→0, 1→2, 2→4, 3→6, 4→8, 5→1, 6→3, 7→5, 8→7, 9→9, done for a whole string by translate.
_LUHN_DOUBLED = str.maketrans("0123456789", "0246813579")


def luhn_is_valid(digits: str) -> bool:
    """Whether a string of ASCII digits passes the Luhn (mod 10) check."""
    kept = digits[-1::-2]
    doubled = digits[-2::-2].translate(_LUHN_DOUBLED)
    return (sum(map(int, kept)) + sum(map(int, doubled))) % 10 == 0


_IBAN_LETTER_VALUES = str.maketrans({chr(ord("A") + index): str(10 + index) for index in range(26)})


def iban_checksum_is_valid(iban: str) -> bool:
    """ISO 13616 / ISO 7064 mod 97-10 over a compact upper-case IBAN."""
    # Letters become their ISO 13616 values (A = 10 … Z = 35) in one C-level translate.
    return int((iban[4:] + iban[:4]).translate(_IBAN_LETTER_VALUES)) % 97 == 1


_FIRST_WEIGHTS = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
_SECOND_WEIGHTS = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)


def kazakh_check_digit(first_eleven: str) -> int | None:
    """The IIN/BIN check digit for 11 ASCII digits, or None when the prefix can never be valid.

    Government Decree No. 565 (2003): weights 1..11 mod 11; when that gives 10, weights
    3..11,1,2 mod 11; when that gives 10 again, no number is issued with this prefix.
    """
    digits = [ord(character) - 48 for character in first_eleven]
    check = sum(d * w for d, w in zip(digits, _FIRST_WEIGHTS, strict=True)) % 11
    if check == 10:
        check = sum(d * w for d, w in zip(digits, _SECOND_WEIGHTS, strict=True)) % 11
        if check == 10:
            return None
    return check


_BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BASE58_VALUES = {character: index for index, character in enumerate(_BASE58_ALPHABET)}


def base58_decode(text: str) -> bytes:
    """Bitcoin-alphabet base58 to bytes (leading '1's are leading zero bytes)."""
    number = 0
    for character in text:
        number = number * 58 + _BASE58_VALUES[character]
    body = number.to_bytes((number.bit_length() + 7) // 8, "big")
    leading_zeros = len(text) - len(text.lstrip("1"))
    return b"\x00" * leading_zeros + body


def base58check_payload(text: str) -> bytes | None:
    """The payload of a base58check string, or None when its 4-byte checksum is wrong."""
    raw = base58_decode(text)
    if len(raw) < 5:
        return None
    payload, checksum = raw[:-4], raw[-4:]
    if hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4] != checksum:
        return None
    return payload


# BIP-173 (bech32) and BIP-350 (bech32m), after the reference implementation by Pieter Wuille.
_BECH32_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_VALUES = {character: index for index, character in enumerate(_BECH32_CHARSET)}
_BECH32_CONSTANT = 1
_BECH32M_CONSTANT = 0x2BC830A3


_BECH32_GENERATOR = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
# The XOR of generator terms selected by each 5-bit "top" value, so one table look-up replaces
# the reference implementation's five conditional XORs per character.


def _generator_mask(top: int) -> int:
    mask = 0
    for index, term in enumerate(_BECH32_GENERATOR):
        if (top >> index) & 1:
            mask ^= term
    return mask


_BECH32_TABLE = tuple(_generator_mask(top) for top in range(32))


def _bech32_polymod(values: list[int]) -> int:
    checksum = 1
    table = _BECH32_TABLE
    for value in values:
        checksum = ((checksum & 0x1FFFFFF) << 5) ^ value ^ table[checksum >> 25]
    return checksum


def _bech32_hrp_expand(hrp: str) -> list[int]:
    return (
        [ord(character) >> 5 for character in hrp]
        + [0]
        + [ord(character) & 31 for character in hrp]
    )


def _convert_bits(data: list[int], from_bits: int, to_bits: int) -> list[int] | None:
    accumulator = 0
    bits = 0
    result: list[int] = []
    maximum = (1 << to_bits) - 1
    for value in data:
        accumulator = (accumulator << from_bits) | value
        bits += from_bits
        while bits >= to_bits:
            bits -= to_bits
            result.append((accumulator >> bits) & maximum)
    if bits >= from_bits or ((accumulator << (to_bits - bits)) & maximum):
        return None
    return result


def bech32_decode_segwit(address: str, expected_hrp: str) -> tuple[int, str] | None:
    """(witness version, "bech32" or "bech32m") of a valid segwit address, else None.

    ``address`` must be all lower case (callers lower-case an all-upper-case address first;
    mixed case is invalid by BIP-173).
    """
    separator = address.rfind("1")
    if separator < 1 or separator + 7 > len(address) or len(address) > 90:
        return None
    hrp = address[:separator]
    if hrp != expected_hrp:
        return None
    values_by_character = _BECH32_VALUES
    data_part = address[separator + 1 :]
    if not all(character in values_by_character for character in data_part):
        return None
    data = [values_by_character[character] for character in data_part]
    constant = _bech32_polymod(_bech32_hrp_expand(hrp) + data)
    if constant == _BECH32_CONSTANT:
        encoding = "bech32"
    elif constant == _BECH32M_CONSTANT:
        encoding = "bech32m"
    else:
        return None
    values = data[:-6]
    if not values:
        return None
    version = values[0]
    program = _convert_bits(values[1:], 5, 8)
    if version > 16 or program is None or not 2 <= len(program) <= 40:
        return None
    if version == 0 and (encoding != "bech32" or len(program) not in (20, 32)):
        return None
    if version != 0 and encoding != "bech32m":
        return None
    return version, encoding


# Keccak-256 as Ethereum uses it (original Keccak padding 0x01, not SHA3's 0x06), which the
# standard library does not offer. Only needed for mixed-case Ethereum addresses.
_KECCAK_ROUND_CONSTANTS = (
    0x0000000000000001, 0x0000000000008082, 0x800000000000808A, 0x8000000080008000,
    0x000000000000808B, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
    0x000000000000008A, 0x0000000000000088, 0x0000000080008009, 0x000000008000000A,
    0x000000008000808B, 0x800000000000008B, 0x8000000000008089, 0x8000000000008003,
    0x8000000000008002, 0x8000000000000080, 0x000000000000800A, 0x800000008000000A,
    0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
)  # fmt: skip
_KECCAK_ROTATIONS = (
    (0, 36, 3, 41, 18),
    (1, 44, 10, 45, 2),
    (62, 6, 43, 15, 61),
    (28, 55, 25, 21, 56),
    (27, 20, 39, 8, 14),
)
_MASK_64 = (1 << 64) - 1


def _rotate_left(value: int, shift: int) -> int:
    return ((value << shift) | (value >> (64 - shift))) & _MASK_64 if shift else value


def _keccak_f1600(state: list[list[int]]) -> None:
    for round_constant in _KECCAK_ROUND_CONSTANTS:
        parity = [
            state[x][0] ^ state[x][1] ^ state[x][2] ^ state[x][3] ^ state[x][4] for x in range(5)
        ]
        for x in range(5):
            delta = parity[(x - 1) % 5] ^ _rotate_left(parity[(x + 1) % 5], 1)
            for y in range(5):
                state[x][y] ^= delta
        rotated = [[0] * 5 for _ in range(5)]
        for x in range(5):
            for y in range(5):
                rotated[y][(2 * x + 3 * y) % 5] = _rotate_left(state[x][y], _KECCAK_ROTATIONS[x][y])
        for x in range(5):
            for y in range(5):
                state[x][y] = rotated[x][y] ^ ((~rotated[(x + 1) % 5][y]) & rotated[(x + 2) % 5][y])
        state[0][0] ^= round_constant


def keccak256(data: bytes) -> bytes:
    """Keccak-256 digest (rate 136 bytes, Keccak padding).

    Uses pycryptodome's C implementation when it is installed (a hundred times faster); the
    pure-Python permutation below is the fallback and the reference the tests compare with.
    """
    if _fast_keccak is not None:
        digest: bytes = _fast_keccak.new(digest_bits=256, data=data).digest()
        return digest
    return keccak256_pure(data)


def keccak256_pure(data: bytes) -> bytes:
    """Keccak-256 in pure Python."""
    rate = 136
    padded = bytearray(data)
    padded.append(0x01)
    while len(padded) % rate:
        padded.append(0)
    padded[-1] |= 0x80
    state = [[0] * 5 for _ in range(5)]
    for offset in range(0, len(padded), rate):
        block = padded[offset : offset + rate]
        for index in range(rate // 8):
            lane = int.from_bytes(block[index * 8 : index * 8 + 8], "little")
            state[index % 5][index // 5] ^= lane
        _keccak_f1600(state)
    output = b"".join(state[index % 5][index // 5].to_bytes(8, "little") for index in range(4))
    return output[:32]
