"""People of the simulated world: victims, ring members, innocent bystanders and reporters.

Every person is synthetic: the surname is assembled from syllables (it is not taken from a list of
real people), the IIN, phone, card and IBAN come from :mod:`kuzet.simulation.identifiers`, and
every record carries ``"synthetic": true``.
"""

from __future__ import annotations

import bisect
import itertools
import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Generic, TypeVar

from kuzet import reference
from kuzet.simulation.calibration import (
    BANK_SHARE_OF_MULES,
    BANK_SHARE_OF_VICTIMS,
    KAZAKH_SHARE_BY_REGION,
    LANGUAGE_ENGLISH_SHARE,
    OPERATOR_SHARE,
    REGION_RATE_MULTIPLIER,
)
from kuzet.simulation.identifiers import IdentifierFactory

__all__ = ["Account", "Catalogue", "Person", "PopulationFactory", "WeightedChoice"]

MALE_FIRST_NAMES = (
    "Асет", "Арман", "Ерлан", "Нурлан", "Данияр", "Бауыржан", "Серик", "Канат", "Ержан", "Тимур",
    "Алексей", "Сергей", "Дмитрий", "Андрей", "Ринат", "Марат", "Айдос", "Еркебулан", "Олжас",
    "Руслан", "Максим", "Виктор", "Жандос", "Мирас", "Бекзат", "Нурсултан", "Ильяс", "Азамат",
)  # fmt: skip
FEMALE_FIRST_NAMES = (
    "Айгерим", "Гульнара", "Динара", "Жанар", "Сауле", "Алия", "Мадина", "Асель", "Назира",
    "Елена", "Ольга", "Татьяна", "Наталья", "Светлана", "Гульмира", "Раушан", "Бибигуль",
    "Камила", "Аружан", "Томирис", "Зарина", "Людмила", "Галина", "Айжан", "Меруерт", "Дана",
)  # fmt: skip
SURNAME_STEMS_FIRST = (
    "Ас", "Бай", "Жан", "Кен", "Мұр", "Нур", "Сер", "Тал", "Ер", "Қай", "Дау", "Ора", "Сал",
    "Том", "Иль", "Ар", "Жол", "Қуан", "Сей", "Бел", "Вор", "Зар", "Лип", "Мел", "Тих", "Кор",
)  # fmt: skip
SURNAME_STEMS_SECOND = (
    "бек", "тай", "жан", "ғали", "мұрат", "бай", "хан", "сұл", "бол", "кен", "тур", "ник",
    "ман", "дар", "гуз", "ель", "ан", "ис", "ум", "ар",
)  # fmt: skip
Item = TypeVar("Item")
EMAIL_DOMAINS = ("mail.example.com", "inbox.example.org", "post.example.net")


class WeightedChoice(Generic[Item]):
    """Draws from fixed weights with one ``random()`` call and a bisection (fast, deterministic)."""

    __slots__ = ("cumulative", "items", "total")

    def __init__(self, items: list[Item], weights: list[float]) -> None:
        self.items = items
        self.cumulative = list(itertools.accumulate(weights))
        self.total = self.cumulative[-1]

    def __call__(self, rng: random.Random) -> Item:
        index = bisect.bisect_right(self.cumulative, rng.random() * self.total)
        return self.items[min(index, len(self.items) - 1)]


@dataclass(slots=True)
class Account:
    """A bank account and its card: what money moves between."""

    iban: str
    card: str
    bank_code: str
    holder_id: str


@dataclass(slots=True)
class Person:
    """A synthetic person; ``kind`` is the world's truth (victim, ring member, innocent…)."""

    person_id: str
    kind: str
    full_name: str
    is_male: bool
    birth_date: date
    iin: str
    region: str
    language: str
    phone: str
    account: Account
    email: str

    @property
    def age(self) -> int:
        """Age on 1 July 2025, the middle of the simulated year."""
        birthday_not_yet = (self.birth_date.month, self.birth_date.day) > (7, 1)
        return 2025 - self.birth_date.year - (1 if birthday_not_yet else 0)

    def record(self) -> dict[str, object]:
        """The persons.jsonl row (the ring membership is in the ground truth, not here)."""
        return {
            "id": self.person_id,
            "full_name": self.full_name,
            "sex": "male" if self.is_male else "female",
            "birth_date": self.birth_date.isoformat(),
            "iin": self.iin,
            "region": self.region,
            "language": self.language,
            "phone": self.phone,
            "email": self.email,
            "bank": self.account.bank_code,
            "iban": self.account.iban,
            "card": self.account.card,
            "synthetic": True,
        }


class Catalogue:
    """Reference data, prepared once as fast weighted choices."""

    def __init__(self) -> None:
        self.regions = {region.iso_code: region for region in reference.regions()}
        region_codes = sorted(self.regions)
        self.region_choice = WeightedChoice(
            region_codes,
            [
                self.regions[code].population_thousands * REGION_RATE_MULTIPLIER.get(code, 1.0)
                for code in region_codes
            ],
        )
        self.banks = {bank.code: bank for bank in reference.banks()}
        self.victim_bank_choice = WeightedChoice(
            list(BANK_SHARE_OF_VICTIMS), list(BANK_SHARE_OF_VICTIMS.values())
        )
        self.mule_bank_choice = WeightedChoice(
            list(BANK_SHARE_OF_MULES), list(BANK_SHARE_OF_MULES.values())
        )
        self.operators = {operator.code: operator for operator in reference.mobile_operators()}
        self.all_prefixes = frozenset(
            prefix for operator in self.operators.values() for prefix in operator.prefixes
        )
        subscriber_prefixes: list[str] = []
        prefix_weights: list[float] = []
        for code, share in OPERATOR_SHARE.items():
            prefixes = self.operators[code].prefixes
            subscriber_prefixes.extend(prefixes)
            prefix_weights.extend([share / len(prefixes)] * len(prefixes))
        self.subscriber_prefix_choice = WeightedChoice(subscriber_prefixes, prefix_weights)
        # Rings also buy SIMs of the small operators in bulk.
        self.ring_prefix_choice = WeightedChoice(
            [*subscriber_prefixes, "760", "762", "763", "764", "785"],
            [*prefix_weights, 1.5, 1.0, 1.0, 1.0, 0.5],
        )
        self.schemes = {scheme.code: scheme for scheme in reference.schemes()}
        self.scheme_choice = WeightedChoice(
            list(self.schemes), [scheme.weight_2025 for scheme in self.schemes.values()]
        )
        self.platforms = list(reference.organisations()["platforms"])
        # A bank's cards carry a BIN the reference data lists for it (card_ranges.json), so
        # intake finds the bank from the card as it would from a real one; only the account
        # part after the BIN is synthetic. No public BIN is known for most banks: their cards
        # get a made-up prefix that matches no listed BIN, so the demo also shows a card whose
        # bank cannot be identified.
        listed: dict[str, str] = {}
        for prefix, bank_code in sorted(reference.card_prefixes().items()):
            listed.setdefault(bank_code, prefix)
        self.card_prefixes = {
            code: listed.get(code)
            or f"{4 if index % 3 else 5}{(index * 7919 + 40_000) % 100_000:05d}"
            for index, code in enumerate(sorted(self.banks))
        }
        if any(
            reference.bank_code_for_card(prefix + "0" * 10) not in (code, None)
            for code, prefix in self.card_prefixes.items()
        ):
            raise ValueError("a made-up card prefix falls inside another bank's listed BIN")

    def language_for(self, region: str, rng: random.Random) -> str:
        """kk or ru by the region's Kazakh share, and a few reports in English."""
        draw = rng.random()
        if draw < LANGUAGE_ENGLISH_SHARE:
            return "en"
        kazakh_share = KAZAKH_SHARE_BY_REGION.get(region, 0.3)
        return "kk" if rng.random() < kazakh_share else "ru"


class PopulationFactory:
    """Creates persons and accounts with unique synthetic identifiers."""

    def __init__(self, catalogue: Catalogue, identifiers: IdentifierFactory) -> None:
        self.catalogue = catalogue
        self.identifiers = identifiers
        self.person_count = 0

    def account(self, bank_code: str, holder_id: str) -> Account:
        """An account at ``bank_code`` with its IBAN and card."""
        bank = self.catalogue.banks[bank_code]
        # Kaspi's public account parts start with a letter (``722S…``, kazakhstan.md §2.3).
        letter = "S" if bank_code == "KASPI" else ""
        return Account(
            iban=self.identifiers.iban(bank.iban_code, letter),
            card=self.identifiers.card(self.catalogue.card_prefixes[bank_code]),
            bank_code=bank_code,
            holder_id=holder_id,
        )

    def person(
        self,
        rng: random.Random,
        *,
        kind: str,
        age: int,
        is_male: bool,
        region: str | None = None,
        bank_code: str | None = None,
        ring_sim: bool = False,
    ) -> Person:
        """A new person of ``age`` (on 1 July 2025) with a phone, an account and an IIN."""
        self.person_count += 1
        person_id = f"P-{self.person_count:07d}"
        catalogue = self.catalogue
        region = region or catalogue.region_choice(rng)
        birth_date = date(2025 - age, 7, 1) - timedelta(days=int(rng.random() * 365))
        first_names = MALE_FIRST_NAMES if is_male else FEMALE_FIRST_NAMES
        stem = rng.choice(SURNAME_STEMS_FIRST) + rng.choice(SURNAME_STEMS_SECOND)
        surname = stem + ("ов" if is_male else "ова")
        prefix_choice = (
            catalogue.ring_prefix_choice if ring_sim else catalogue.subscriber_prefix_choice
        )
        bank_code = bank_code or catalogue.victim_bank_choice(rng)
        number = self.identifiers.serial("email")
        return Person(
            person_id=person_id,
            kind=kind,
            full_name=f"{surname} {rng.choice(first_names)}",
            is_male=is_male,
            birth_date=birth_date,
            iin=self.identifiers.iin(birth_date, is_male),
            region=region,
            language=catalogue.language_for(region, rng),
            phone=self.identifiers.mobile(prefix_choice(rng)),
            account=self.account(bank_code, person_id),
            email=f"user{number:07d}@{EMAIL_DOMAINS[number % len(EMAIL_DOMAINS)]}",
        )
