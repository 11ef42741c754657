"""How people really write identifiers, amounts and dates in a report.

Each function takes the canonical value and returns the written form together with a flag saying
whether the form is *partial* (a masked card, the last four digits), which the ground truth keeps
so that extraction can be judged fairly.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

__all__ = [
    "ALMATY_OFFSET",
    "amount_written",
    "card_written",
    "date_written",
    "garble",
    "handle_written",
    "iban_written",
    "iso_utc",
    "phone_written",
    "url_written",
]

# Kazakhstan has one zone, UTC+5, since 1 March 2024 (kazakhstan.md §1.6): the display zone.
ALMATY_OFFSET = timedelta(hours=5)
MONTHS = {
    "ru": ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
           "октября", "ноября", "декабря"),
    "kk": ("қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым", "шілде", "тамыз", "қыркүйек",
           "қазан", "қараша", "желтоқсан"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"),
}  # fmt: skip


_DAY_PREFIXES: dict[int, str] = {}


def iso_utc(timestamp: int) -> str:
    """POSIX seconds as ``2025-03-04T05:06:07Z`` (day prefixes cached: called millions of times)."""
    day, seconds = divmod(timestamp, 86_400)
    prefix = _DAY_PREFIXES.get(day)
    if prefix is None:
        prefix = _DAY_PREFIXES[day] = datetime.fromtimestamp(day * 86_400, UTC).strftime(
            "%Y-%m-%dT"
        )
    hours, rest = divmod(seconds, 3_600)
    return f"{prefix}{hours:02d}:{rest // 60:02d}:{rest % 60:02d}Z"


def phone_written(rng: random.Random, e164: str) -> str:
    """``+77011234567`` as one of the dozen ways Kazakh victims type it."""
    national = e164[2:]
    code, rest = national[:3], national[3:]
    form = int(rng.random() * 13)
    if form == 0:
        return e164
    if form == 1:
        return f"+7 {code} {rest[:3]} {rest[3:5]} {rest[5:]}"
    if form == 2:
        return f"8({code}){rest}"
    if form == 3:
        return f"8{national}"
    if form == 4:
        return national
    if form == 5:
        return f"+7 ({code}) {rest[:3]}-{rest[3:5]}-{rest[5:]}"
    if form == 6:
        return f"8 {code} {rest[:3]} {rest[3:5]} {rest[5:]}"
    if form == 7:
        return f"8-{code}-{rest[:3]}-{rest[3:5]}-{rest[5:]}"
    if form == 8:
        return f"+7 {code} {rest}"
    if form == 9:
        return f"7{national}"
    if form == 10:
        return f"+7{code} {rest[:3]} {rest[3:]}"
    if form == 11:
        return f"8 ({code}) {rest[:3]} {rest[3:]}"
    return f"+7-{code}-{rest[:3]}-{rest[3:]}"


def whatsapp_link(rng: random.Random, e164: str) -> str:
    """A wa.me link, the way a WhatsApp contact is pasted."""
    prefix = "https://" if rng.random() < 0.5 else ""
    return f"{prefix}wa.me/{e164[1:]}"


def card_written(rng: random.Random, card: str) -> tuple[str, bool]:
    """A card number in full (spaced, dashed, solid) or masked; True when only partly given."""
    form = int(rng.random() * 10)
    if form <= 2:
        return f"{card[:4]} {card[4:8]} {card[8:12]} {card[12:]}", False
    if form == 3:
        return f"{card[:4]}-{card[4:8]}-{card[8:12]}-{card[12:]}", False
    if form <= 5:
        return card, False
    if form == 6:
        return f"{card[:4]} {card[4:6]}** **** {card[12:]}", True
    if form == 7:
        return f"*{card[12:]}", True
    if form == 8:
        return f"{card[:6]}******{card[12:]}", True
    return f"{card[:4]}  {card[4:8]}  {card[8:12]}  {card[12:]}", False


def iban_written(rng: random.Random, iban: str) -> str:
    """An IBAN compact, in groups of four, lower-case or with a stray space."""
    form = int(rng.random() * 6)
    grouped = " ".join(iban[index : index + 4] for index in range(0, len(iban), 4))
    if form == 0:
        return iban
    if form == 1:
        return grouped
    if form == 2:
        return grouped.lower()
    if form == 3:
        return iban.lower()
    if form == 4:
        return f"{iban[:2]} {iban[2:4]} {iban[4:7]} {iban[7:]}"
    return f"{iban[:4]} {iban[4:]}"


def url_written(rng: random.Random, domain: str, path: str) -> str:
    """A phishing link as pasted, or defanged the way careful people and CERTs write it."""
    scheme = "https://" if rng.random() < 0.7 else "http://"
    subdomain = ("", "www.", "login.", "m.", "secure.")[int(rng.random() * 5)]
    form = int(rng.random() * 7)
    if form == 0:
        return f"{scheme.replace('http', 'hxxp')}{subdomain}{domain.replace('.', '[.]')}/{path}"
    if form == 1:
        return f"{subdomain}{domain.replace('.', '[.]')}"
    if form == 2:
        return domain
    if form == 3:
        return f"{subdomain}{domain}/{path}"
    if form == 4:
        return f"{scheme.replace('http', 'hxxp')}{domain}/{path}"
    return f"{scheme}{subdomain}{domain}/{path}"


def handle_written(rng: random.Random, canonical: str) -> str:
    """``telegram:name`` as @name, t.me/name, instagram.com/name…"""
    platform, name = canonical.split(":", 1)
    form = int(rng.random() * 4)
    if platform == "telegram":
        return (f"@{name}", f"t.me/{name}", f"https://t.me/{name}", f"@{name}")[form]
    return (f"@{name}", f"instagram.com/{name}", f"https://www.instagram.com/{name}/",
            f"@{name}")[form]  # fmt: skip


def amount_written(rng: random.Random, language: str, amount: int) -> str:
    """An amount in tenge as people write it: 150000 тг, 150 000 тенге, 150.000₸, 150к…"""
    spaced = f"{amount:,}".replace(",", " ")
    form = int(rng.random() * 7)
    if language == "en":
        return (f"{amount:,} KZT", f"KZT {amount:,}", f"{amount} tenge", f"{spaced} tenge",
                f"{amount:,} tenge", f"₸{amount:,}", f"{amount} KZT")[form]  # fmt: skip
    word = "тенге" if language == "ru" else "теңге"
    if form == 0:
        return f"{amount} тг"
    if form == 1:
        return f"{spaced} {word}"
    if form == 2:
        return f"{amount:,}₸".replace(",", ".")
    if form == 3 and amount % 1000 == 0 and amount < 1_000_000:
        return f"{amount // 1000}к"
    if form == 4 and amount % 1000 == 0:
        thousand = "тыс." if language == "ru" else "мың"
        return f"{amount // 1000} {thousand} {word}"
    if form == 5:
        return f"{spaced} тг."
    return f"{amount} {word}"


def date_written(rng: random.Random, language: str, timestamp: int) -> str:
    """The local (UTC+5) date as a reporter writes it."""
    local = datetime.fromtimestamp(timestamp, UTC) + ALMATY_OFFSET
    form = int(rng.random() * 4)
    if form == 0:
        return f"{local:%d.%m.%Y}"
    if form == 1:
        return f"{local.day} {MONTHS[language][local.month - 1]}"
    if form == 2:
        return f"{local:%d.%m.%y}"
    return f"{local:%d.%m.%Y} {local:%H:%M}"


def garble(rng: random.Random, written: str) -> str:
    """One digit changed or dropped: the wrong details victims give from memory."""
    positions = [index for index, character in enumerate(written) if character.isdigit()]
    if len(positions) < 4:
        return written
    position = positions[len(positions) // 2 + int(rng.random() * (len(positions) // 2))]
    if rng.random() < 0.5:
        return written[:position] + written[position + 1 :]
    replacement = str((int(written[position]) + 1 + int(rng.random() * 8)) % 10)
    return written[:position] + replacement + written[position + 1 :]
