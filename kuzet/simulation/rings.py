"""Fraud rings: who runs which scheme with which phones, handles, domains and mule accounts.

A ring is organised in layers (callers and recruiters in front, droppers' accounts in one to four
layers behind, couriers and crypto exchangers at the end). It grows over the year, rotates its
numbers and mule accounts, and shares some infrastructure with other rings (a SIM-box operator, a
dropper herder, a cash-out wallet), as investigators describe them.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from kuzet.simulation.calibration import SIMULATED_PERIOD_END, SIMULATED_PERIOD_START
from kuzet.simulation.identifiers import IdentifierFactory
from kuzet.simulation.population import Account, Person, PopulationFactory

__all__ = [
    "LOOKALIKE_BRANDS",
    "MuleAccount",
    "Ring",
    "RingFactory",
    "RotatingPool",
    "SECONDARY_SCHEMES",
    "Tool",
]

DAY = 86_400
Item = TypeVar("Item")

# Which second scheme a ring running the first one also runs [judgement, after police reports:
# call centres that do "bank security" also spoof numbers; phishing kits feed online loans].
SECONDARY_SCHEMES: dict[str, tuple[str, ...]] = {
    "fake_bank_security": ("sim_spoofing", "loan_in_victim_name"),
    "phishing": ("loan_in_victim_name", "messenger_takeover"),
    "fake_ad_prepayment": ("phishing",),
    "investment_pyramid": ("fake_bank_security",),
    "messenger_takeover": ("phishing",),
    "loan_in_victim_name": ("phishing",),
}
SCHEMES_WITH_CALLS = frozenset(
    {"fake_bank_security", "sim_spoofing", "loan_in_victim_name", "investment_pyramid"}
)

# Look-alike domains imitate these brands; homoglyph variants swap a Latin letter for Cyrillic.
LOOKALIKE_BRANDS = (
    "kaspi", "halyk", "egov", "freedom", "jusan", "kazpost", "olx", "forte", "bcc",
    "homecredit", "kazatomprom", "kolesa", "krisha", "egov-kz", "halykbank",
)  # fmt: skip
DOMAIN_WORDS = (
    "secure", "bonus", "online", "login", "verify", "support", "pay", "help", "gift", "cashback",
    "card", "bank", "portal", "id", "auth", "invest", "profit", "delivery", "service", "client",
)  # fmt: skip
DOMAIN_TLDS = ("kz", "com", "online", "site", "top", "xyz", "info", "net", "shop", "icu", "org")
HOMOGLYPHS = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х"}
HANDLE_WORDS = (
    "kaspi", "support", "help", "invest", "kz", "astana", "almaty", "bonus", "seller", "shop",
    "official", "service", "pro", "money", "crypto", "work", "job", "sale", "gold", "profit",
)  # fmt: skip


@dataclass(slots=True)
class Tool:
    """One piece of a ring's infrastructure (phone, handle, domain, wallet…) and its time window."""

    type: str
    value: str
    role: str
    ring_id: str
    active_from: int
    active_to: int
    shared_with: list[str] = field(default_factory=list)
    holder_id: str | None = None
    written: str | None = None  # how it appears when that differs from the canonical value


@dataclass(slots=True)
class MuleAccount:
    """A dropper's account in one layer of a ring's money path."""

    account: Account
    holder: Person
    layer: int
    ring_id: str
    active_from: int
    active_to: int
    shared_with: list[str] = field(default_factory=list)


class RotatingPool(Generic[Item]):
    """Items used in turn: ``concurrent`` at a time, replaced every ``rotation`` seconds."""

    __slots__ = ("concurrent", "items", "rotation", "start")

    def __init__(self, start: int, rotation: int, concurrent: int) -> None:
        self.start = start
        self.rotation = rotation
        self.concurrent = concurrent
        self.items: list[Item] = []

    def slots(self, end: int) -> int:
        """How many rotation periods the window from ``start`` to ``end`` needs."""
        return max(1, math.ceil((end - self.start) / self.rotation))

    def pick(self, rng: random.Random, at: int) -> Item:
        """An item in use at ``at`` (the last period's items once the pool has run out)."""
        slot = max(0, (at - self.start) // self.rotation)
        base = min(slot * self.concurrent, len(self.items) - self.concurrent)
        return self.items[max(0, base) + int(rng.random() * min(self.concurrent, len(self.items)))]


@dataclass(slots=True)
class Ring:
    """A fraud ring: schemes, activity window, members and rotating infrastructure."""

    ring_id: str
    name: str
    schemes: list[str]
    weight: float
    active_from: int
    active_to: int
    max_layers: int
    forwarding_minutes: float
    atm_share: float
    based_abroad: bool
    base: str
    expected_incidents: float = 0.0
    members: list[tuple[Person, str]] = field(default_factory=list)
    phones: RotatingPool[Tool] = field(default_factory=lambda: RotatingPool(0, DAY, 1))
    handles: RotatingPool[Tool] = field(default_factory=lambda: RotatingPool(0, DAY, 1))
    domains: RotatingPool[Tool] = field(default_factory=lambda: RotatingPool(0, DAY, 1))
    layers: list[RotatingPool[MuleAccount]] = field(default_factory=list)
    wallets: list[Tool] = field(default_factory=list)
    emails: list[Tool] = field(default_factory=list)
    devices: list[Tool] = field(default_factory=list)

    def record(self) -> dict[str, object]:
        """The rings.jsonl row: the ring as investigators would describe it once solved."""
        return {
            "id": self.ring_id,
            "name": self.name,
            "schemes": self.schemes,
            "active_from": self.active_from,
            "active_to": self.active_to,
            "max_layers": self.max_layers,
            "forwarding_median_minutes": round(self.forwarding_minutes, 1),
            "atm_cash_out_share": round(self.atm_share, 2),
            "based_abroad": self.based_abroad,
            "base": self.base,
            "members": [
                {"person": person.person_id, "role": role} for person, role in self.members
            ],
            "phones": len(self.phones.items),
            "handles": len(self.handles.items),
            "domains": len(self.domains.items),
            "mule_accounts_per_layer": [len(pool.items) for pool in self.layers],
            "synthetic": True,
        }


class RingFactory:
    """Builds the rings of one world and their infrastructure."""

    def __init__(self, population: PopulationFactory, identifiers: IdentifierFactory) -> None:
        self.population = population
        self.identifiers = identifiers
        self.used_names: set[str] = set()

    def _unique(self, label: str, family: str, suffix: str = "") -> str:
        """``label + suffix``, or with a serial number before the suffix when already taken."""
        candidate = f"{label}{suffix}"
        if candidate in self.used_names:
            candidate = f"{label}{self.identifiers.serial(family)}{suffix}"
        self.used_names.add(candidate)
        return candidate

    def domain(self, rng: random.Random) -> Tool:
        """A look-alike registrable domain; one in eight uses a Cyrillic homoglyph."""
        brand = rng.choice(LOOKALIKE_BRANDS)
        word = rng.choice(DOMAIN_WORDS)
        tld = rng.choice(DOMAIN_TLDS)
        pattern = int(rng.random() * 8)
        written: str | None = None
        if pattern == 0:
            letters = [letter for letter in brand if letter in HOMOGLYPHS]
            if letters:
                target = rng.choice(letters)
                lookalike = brand.replace(target, HOMOGLYPHS[target], 1)
                written = self._unique(lookalike, "d", ".kz")
                return Tool(
                    "domain",
                    written.encode("idna").decode("ascii"),
                    "phishing_domain",
                    "",
                    0,
                    0,
                    written=written,
                )
            pattern = 1
        label = {
            1: f"{brand}-{word}",
            2: f"{brand}{word}",
            3: f"{word}-{brand}",
            4: f"{brand}-{word}{int(rng.random() * 100)}",
            5: f"my{brand}-{word}",
            6: f"{brand}-kz-{word}",
            7: f"{brand}{word}24",
        }[pattern]
        return Tool("domain", self._unique(label, "d", f".{tld}"), "phishing_domain", "", 0, 0)

    def handle(self, rng: random.Random, platform: str) -> Tool:
        """A Telegram or Instagram handle (canonical ``telegram:name``)."""
        first, second = rng.choice(HANDLE_WORDS), rng.choice(HANDLE_WORDS)
        separator = "." if platform == "instagram" and rng.random() < 0.4 else "_"
        name = self._unique(f"{first}{separator}{second}{int(rng.random() * 1000)}", "h")
        return Tool("messenger_handle", f"{platform}:{name}", "handle", "", 0, 0)

    def build(
        self, rng: random.Random, ring_id: str, schemes: list[str], weight: float, window: int
    ) -> Ring:
        """A ring's profile; its infrastructure comes with :meth:`equip`."""
        start = SIMULATED_PERIOD_START
        if window:
            # Rings founded during the year: the ecosystem grows (more rings active in December).
            start += int(rng.random() ** 0.7 * 300 * DAY)
        end = SIMULATED_PERIOD_END
        if window and rng.random() < 0.2:
            end = min(end, start + int((60 + rng.random() * 180) * DAY))
        based_abroad = rng.random() < 0.55  # MVD: most online-loan and savings thefts from abroad
        layers_draw = rng.random()
        max_layers = (
            1 if layers_draw < 0.05 else 2 if layers_draw < 0.25 else 3 if layers_draw < 0.6 else 4
        )
        return Ring(
            ring_id=ring_id,
            name=f"Synthetic ring {ring_id[5:]}",
            schemes=schemes,
            weight=weight,
            active_from=start,
            active_to=end,
            max_layers=max_layers,
            forwarding_minutes=3 + rng.random() ** 2 * 90,
            atm_share=0.2 + rng.random() * 0.7,
            based_abroad=based_abroad,
            base=rng.choice(("RU", "UZ", "KG", "UA", "GE", "AE"))
            if based_abroad
            else self.population.catalogue.region_choice(rng),
        )

    def equip(self, rng: random.Random, ring: Ring) -> None:
        """Members, phones, handles, domains, wallets and mule layers sized to the ring's volume."""
        volume = max(ring.expected_incidents, 4.0)
        start, end = ring.active_from, ring.active_to
        person = self.population.person

        def member(role: str, age_low: int, age_span: int, *, region: str | None = None) -> Person:
            new = person(
                rng,
                kind="ring_member",
                age=age_low + int(rng.random() * age_span),
                is_male=rng.random() < 0.8,
                region=region,
                ring_sim=True,
            )
            ring.members.append((new, role))
            return new

        home = None if ring.based_abroad else ring.base
        member("organiser", 25, 25, region=home)
        callers = [member("caller", 19, 20, region=home) for _ in range(1 + int(volume**0.4))]
        member("dropper_herder", 20, 20)
        for _ in range(1 + int(volume**0.25)):
            member("cash_courier", 18, 25)

        rotation = int((7 + rng.random() * 35) * DAY)
        uses_call = any(scheme in SCHEMES_WITH_CALLS for scheme in ring.schemes)
        ring.phones = RotatingPool(start, rotation, 1)
        slots = ring.phones.slots(end)
        ring.phones.concurrent = max(1, round(volume / (slots * (6 if uses_call else 12))))
        for index in range(slots * ring.phones.concurrent):
            # SIMs registered to callers or bought in bulk; the holder is the one who uses it.
            holder = callers[index % len(callers)]
            from_time = start + (index // ring.phones.concurrent) * rotation
            ring.phones.items.append(
                Tool(
                    "phone",
                    self.identifiers.mobile(self.population.catalogue.ring_prefix_choice(rng)),
                    "caller_phone" if uses_call else "contact_phone",
                    ring.ring_id,
                    from_time,
                    from_time + rotation + int(rng.random() * rotation),
                    holder_id=holder.person_id,
                )
            )
        ring.handles = RotatingPool(start, rotation * 2, 1)
        slots = ring.handles.slots(end)
        ring.handles.concurrent = max(1, round(volume / (slots * 15)))
        for index in range(slots * ring.handles.concurrent):
            platform = "instagram" if rng.random() < 0.35 else "telegram"
            tool = self.handle(rng, platform)
            tool.ring_id = ring.ring_id
            tool.active_from = start + (index // ring.handles.concurrent) * rotation * 2
            tool.active_to = tool.active_from + rotation * 3
            ring.handles.items.append(tool)
        ring.domains = RotatingPool(start, max(DAY, rotation // 2), 1)
        slots = ring.domains.slots(end)
        ring.domains.concurrent = max(1, round(volume / (slots * 10)))
        for index in range(slots * ring.domains.concurrent):
            tool = self.domain(rng)
            tool.ring_id = ring.ring_id
            tool.active_from = start + (index // ring.domains.concurrent) * ring.domains.rotation
            tool.active_to = tool.active_from + ring.domains.rotation * 2
            ring.domains.items.append(tool)
        for _ in range(1 + int(rng.random() * 3)):
            ring.wallets.append(
                Tool(
                    "crypto_wallet",
                    self.identifiers.wallet(),
                    "cash_out_wallet",
                    ring.ring_id,
                    start,
                    end,
                )
            )
        for index in range(1 + int(rng.random() * 2)):
            ring.emails.append(
                Tool(
                    "email",
                    f"ring{ring.ring_id[5:]}.{index}@mail.example.net",
                    "contact_email",
                    ring.ring_id,
                    start,
                    end,
                )
            )
        if "sim_spoofing" in ring.schemes or (uses_call and rng.random() < 0.5):
            for _ in range(1 + int(rng.random() * 4)):
                ring.devices.append(
                    Tool(
                        "imei", self.identifiers.imei(), "sim_box_device", ring.ring_id, start, end
                    )
                )

        # Droppers' accounts: layer 1 receives from victims and is used by ≈ 5 incidents before
        # the bank blocks it; deeper layers are fewer and live longer.
        droppers: list[Person] = []
        for layer in range(1, ring.max_layers + 1):
            lifetime = int((10 + rng.random() * 35) * DAY * layer)
            pool: RotatingPool[MuleAccount] = RotatingPool(start, lifetime, 1)
            slots = pool.slots(end)
            pool.concurrent = max(1, round(volume / (slots * 5 * layer * layer)))
            for index in range(slots * pool.concurrent):
                # A dropper often opens accounts at two or three banks.
                if not droppers or rng.random() < 0.6:
                    droppers.append(member("dropper", 18, 12 if rng.random() < 0.8 else 45))
                holder = droppers[-1]
                bank_code = self.population.catalogue.mule_bank_choice(rng)
                from_time = start + (index // pool.concurrent) * lifetime
                pool.items.append(
                    MuleAccount(
                        self.population.account(bank_code, holder.person_id),
                        holder,
                        layer,
                        ring.ring_id,
                        from_time,
                        from_time + lifetime,
                    )
                )
            ring.layers.append(pool)


def ring_tools(ring: Ring) -> list[Tool]:
    """The ring's non-account infrastructure as it stands after sharing, in a stable order."""
    return [
        *ring.phones.items,
        *ring.handles.items,
        *ring.domains.items,
        *ring.wallets,
        *ring.emails,
        *ring.devices,
    ]


def share_infrastructure(rng: random.Random, rings: list[Ring]) -> list[tuple[str, str, str]]:
    """Let some rings use others' SIM-box phones, deep mule accounts and wallets.

    Returns (kind, owner ring, borrowing ring) for the ground truth.
    """
    shared: list[tuple[str, str, str]] = []
    if len(rings) < 2:
        return shared
    for borrower in rings:
        if rng.random() >= 0.35:
            continue
        owner = rings[int(rng.random() * len(rings))]
        if owner is borrower:
            continue
        kind = ("phones", "mules", "wallet")[int(rng.random() * 3)]
        if kind == "phones" and owner.phones.items:
            count = max(1, len(borrower.phones.items) // 5)
            for index in range(count):
                tool = owner.phones.items[int(rng.random() * len(owner.phones.items))]
                position = (index * 7) % len(borrower.phones.items)
                borrower.phones.items[position] = tool
                if borrower.ring_id not in tool.shared_with:
                    tool.shared_with.append(borrower.ring_id)
        elif kind == "mules" and len(owner.layers) >= 2 and len(borrower.layers) >= 2:
            source, target = owner.layers[-1], borrower.layers[-1]
            for position in range(0, len(target.items), 2):
                mule = source.items[position % len(source.items)]
                target.items[position] = mule
                if borrower.ring_id not in mule.shared_with:
                    mule.shared_with.append(borrower.ring_id)
        else:
            wallet = owner.wallets[0]
            borrower.wallets.append(wallet)
            if borrower.ring_id not in wallet.shared_with:
                wallet.shared_with.append(borrower.ring_id)
        shared.append((kind, owner.ring_id, borrower.ring_id))
    return shared
