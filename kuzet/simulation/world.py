"""Generate a whole simulated world and stream it to a :class:`~kuzet.simulation.output.Sink`.

Order of generation (each part has its own sub-seed, so a change in one part does not shift the
random draws of the others): hubs and innocent bystanders, rings, partners' profiles, incidents in
chunks of 1,000 (victim, money path, reports, partners' answers), telecom reports, false-report
campaigns. Only the rings and their infrastructure stay in memory; everything else is streamed.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kuzet.simulation.calibration import (
    SCALES,
    SCHEME_PROFILES,
    SIMULATED_PERIOD_END,
    SIMULATED_PERIOD_START,
    Scale,
)
from kuzet.simulation.formats import (
    iso_utc,
)
from kuzet.simulation.identifiers import IdentifierFactory, derive_seed
from kuzet.simulation.money import MoneyPath, TransferNumbers, simulate_money
from kuzet.simulation.output import Sink
from kuzet.simulation.partners import PartnerProfile, partner_profiles
from kuzet.simulation.population import (
    Account,
    Catalogue,
    Person,
    PopulationFactory,
    WeightedChoice,
)
from kuzet.simulation.reports import ReportWriter
from kuzet.simulation.rings import (
    SECONDARY_SCHEMES,
    Ring,
    RingFactory,
    ring_tools,
    share_infrastructure,
)
from kuzet.simulation.stats import ELDERLY_AGE, WorldStatistics

__all__ = ["GENERATOR_VERSION", "WorldResult", "generate_world"]

GENERATOR_VERSION = "1"
CHUNK = 1_000
DAY = 86_400
HOUR = 3_600
WEEKS = 53
LATE_AFTER = 7 * DAY
Mention = dict[str, Any]

# Reports per hour of the local day [judgement]: calls and purchases happen in waking hours.
LOCAL_HOUR_WEIGHTS = [
    1,
    0.5,
    0.3,
    0.3,
    0.3,
    0.5,
    1,
    2,
    4,
    6,
    7,
    7,
    7,
    7,
    7,
    7,
    7,
    6,
    6,
    5,
    5,
    4,
    3,
    2,
]


@dataclass(slots=True)
class WorldResult:
    """What a run produced: the manifest and the statistics document."""

    manifest: dict[str, Any]
    statistics: dict[str, Any]


class _World(ReportWriter):
    """State of one generation run (kept in one object so helpers share it without globals)."""

    def __init__(self, seed: int, scale: Scale, sink: Sink) -> None:
        self.seed = seed
        self.scale = scale
        self.sink = sink
        self.catalogue = Catalogue()
        self.identifiers = IdentifierFactory(seed)
        self.population = PopulationFactory(self.catalogue, self.identifiers)
        self.rings: list[Ring] = []
        self.statistics = WorldStatistics(seed=seed, scale=scale.name)
        self.transfer_numbers = TransferNumbers()
        self.report_count = 0
        self.incident_count = 0
        self.hotlines: dict[str, str] = {}
        self.supports: dict[str, str] = {}
        self.aggregators: list[str] = []
        self.exchangers: list[Account] = []
        self.innocents: list[Person] = []
        self.bystander_accounts: list[Account] = []
        self.recent_victims: list[Person] = []
        self.profiles: dict[str, PartnerProfile] = {}
        self.rings_by_scheme_week: dict[str, list[WeightedChoice[Ring]]] = {}
        days = list(range(365))
        self.day_choice = WeightedChoice(
            days, [(1 + 0.5 * day / 364) * (0.85 if (day + 2) % 7 >= 5 else 1.0) for day in days]
        )  # 2025-01-01 was a Wednesday: (day + 2) % 7 is the weekday, 0 = Monday
        self.hour_choice = WeightedChoice(list(range(24)), LOCAL_HOUR_WEIGHTS)

    # Records -------------------------------------------------------------------------------

    def identifier(
        self,
        kind: str,
        value: str,
        holder: str | None,
        *,
        role: str,
        ring: str | None = None,
        shared_with: list[str] | None = None,
        layer: int | None = None,
        hub: bool = False,
        innocent: bool = False,
        bank: str | None = None,
    ) -> None:
        self.sink.write(
            "identifiers.jsonl",
            {"type": kind, "value": value, "holder": holder, "bank": bank, "synthetic": True},
        )
        self.sink.write("ground_truth/identifiers.jsonl", {
            "type": kind, "value": value, "ring": ring, "shared_with": shared_with or [],
            "role": role, "layer": layer, "is_hub": hub, "is_innocent": innocent,
        })  # fmt: skip

    def person(self, person: Person, *, ring: str | None = None, role: str | None = None) -> None:
        self.sink.write("persons.jsonl", person.record())
        self.sink.write(
            "ground_truth/persons.jsonl",
            {"person": person.person_id, "kind": person.kind, "ring": ring, "role": role},
        )
        own_role = "victim_own" if person.kind == "victim" else f"{person.kind}_own"
        is_innocent = person.kind in ("innocent", "reporter", "false_reporter")
        for kind, value in (
            ("iin", person.iin),
            ("phone", person.phone),
            ("iban", person.account.iban),
            ("card", person.account.card),
        ):
            self.identifier(kind, value, person.person_id, role=own_role, ring=ring,
                            innocent=is_innocent, bank=person.account.bank_code
                            if kind in ("iban", "card") else None)  # fmt: skip

    # Setup ---------------------------------------------------------------------------------

    def setup_hubs(self, rng: random.Random) -> None:
        """Identifiers many unrelated reports share: hotlines, support desks, an aggregator."""
        for bank_code in sorted(self.catalogue.victim_bank_choice.items):
            number = self.identifiers.landline("727")
            self.hotlines[bank_code] = number
            self.identifier("phone", number, bank_code, role="bank_hotline", hub=True)
        for platform in ("OLX", "KASPIKZ", "KRISHA", "KOLESA"):
            number = self.identifiers.landline("7172")
            self.supports[platform] = number
            self.identifier("phone", number, platform, role="marketplace_support", hub=True)
        for bank_code in ("KASPI", "HALYK"):
            iban = self.identifiers.iban(self.catalogue.banks[bank_code].iban_code)
            self.aggregators.append(iban)
            self.identifier(
                "iban",
                iban,
                f"aggregator-{bank_code}",
                role="payment_aggregator",
                hub=True,
                bank=bank_code,
            )
        for _ in range(max(3, len(self.scale_rings()) // 10)):
            exchanger = self.population.person(
                rng,
                kind="exchanger",
                age=30,
                is_male=True,
                bank_code=self.catalogue.mule_bank_choice(rng),
            )
            self.exchangers.append(exchanger.account)
            self.sink.write("persons.jsonl", exchanger.record())
            self.sink.write(
                "ground_truth/persons.jsonl",
                {
                    "person": exchanger.person_id,
                    "kind": "exchanger",
                    "ring": None,
                    "role": "p2p_crypto_exchanger",
                },
            )
            self.identifier(
                "iban",
                exchanger.account.iban,
                exchanger.person_id,
                role="crypto_exchanger",
                hub=True,
                bank=exchanger.account.bank_code,
            )
        for _ in range(self.scale.innocent_persons):
            innocent = self.population.person(
                rng, kind="innocent", age=20 + int(rng.random() * 50), is_male=rng.random() < 0.5
            )
            self.innocents.append(innocent)
            self.bystander_accounts.append(innocent.account)
            self.person(innocent)

    def scale_rings(self) -> list[int]:
        return list(range(self.scale.rings))

    def setup_rings(self, rng: random.Random) -> None:
        """Rings per scheme in proportion to the 2025 weights, at least one per scheme."""
        schemes = list(self.catalogue.schemes.values())
        total_weight = sum(scheme.weight_2025 for scheme in schemes)
        allocation = {scheme.code: 1 for scheme in schemes}
        remaining = self.scale.rings - len(schemes)
        quotas = sorted(
            ((remaining * scheme.weight_2025 / total_weight, scheme.code) for scheme in schemes),
            key=lambda item: (-(item[0] % 1), item[1]),
        )
        for quota, code in quotas:
            allocation[code] += int(quota)
        for _, code in quotas[: max(0, remaining - sum(int(quota) for quota, _ in quotas))]:
            allocation[code] += 1
        factory = RingFactory(self.population, self.identifiers)
        for code in sorted(allocation):
            for index in range(allocation[code]):
                ring_schemes = [code]
                if code in SECONDARY_SCHEMES and rng.random() < 0.3:
                    ring_schemes.append(rng.choice(SECONDARY_SCHEMES[code]))
                # Ring sizes are skewed: a few large call centres, many small crews.
                weight = rng.paretovariate(1.3)
                ring = factory.build(
                    rng,
                    f"RING-{len(self.rings) + 1:04d}",
                    ring_schemes,
                    weight,
                    window=0 if index == 0 else 1,
                )
                self.rings.append(ring)
        scheme_share = {scheme.code: scheme.weight_2025 / total_weight for scheme in schemes}
        for code in scheme_share:
            runners = [ring for ring in self.rings if code in ring.schemes]
            weights = [ring.weight * (ring.active_to - ring.active_from) for ring in runners]
            for ring, weight in zip(runners, weights, strict=True):
                ring.expected_incidents += (
                    self.scale.incidents * scheme_share[code] * weight / sum(weights)
                )
            weekly: list[WeightedChoice[Ring]] = []
            for week in range(WEEKS):
                middle = SIMULATED_PERIOD_START + week * 7 * DAY + 3 * DAY
                active = [ring for ring in runners if ring.active_from <= middle < ring.active_to]
                active = active or runners
                weekly.append(WeightedChoice(active, [ring.weight for ring in active]))
            self.rings_by_scheme_week[code] = weekly
        for ring in self.rings:
            factory.equip(rng, ring)
        shared = share_infrastructure(rng, self.rings)
        for ring in self.rings:
            self.sink.write("rings.jsonl", {
                **ring.record(),
                "active_from": iso_utc(ring.active_from), "active_to": iso_utc(ring.active_to),
                "shares_with": sorted({borrower if owner == ring.ring_id else owner
                                       for _, owner, borrower in shared
                                       if ring.ring_id in (owner, borrower)}),
            })  # fmt: skip
            for member, role in ring.members:
                self.person(member, ring=ring.ring_id, role=role)
        written: set[str] = set()
        for ring in self.rings:
            for tool in ring_tools(ring):
                if tool.value in written:
                    continue
                written.add(tool.value)
                self.identifier(
                    tool.type,
                    tool.value,
                    tool.holder_id,
                    role=tool.role,
                    ring=tool.ring_id,
                    shared_with=tool.shared_with,
                )
            for layer_pool in ring.layers:
                for mule in layer_pool.items:
                    if mule.account.iban in written:
                        continue
                    written.add(mule.account.iban)
                    for kind, value in (("iban", mule.account.iban), ("card", mule.account.card)):
                        self.identifier(
                            kind,
                            value,
                            mule.holder.person_id,
                            role="mule_account",
                            ring=mule.ring_id,
                            shared_with=mule.shared_with,
                            layer=mule.layer,
                            bank=mule.account.bank_code,
                        )

    # Incidents -----------------------------------------------------------------------------

    def incident_time(self, rng: random.Random) -> int:
        day = self.day_choice(rng)
        local_hour = self.hour_choice(rng)
        moment = (
            SIMULATED_PERIOD_START + day * DAY + (local_hour - 5) * HOUR + int(rng.random() * HOUR)
        )
        return max(SIMULATED_PERIOD_START, moment)

    def victim_for(self, rng: random.Random, scheme: str) -> Person:
        profile = SCHEME_PROFILES[scheme]
        if self.recent_victims and rng.random() < 0.02:
            # Re-victimisation: the same person robbed again by another ring, so the victim's own
            # card appears in two rings' reports (a trap for naive linking).
            return self.recent_victims[int(rng.random() * len(self.recent_victims))]
        draw = rng.random()
        if draw < profile.elderly_share:
            age = 60 + int(rng.random() ** 1.5 * 26)
        elif draw < profile.elderly_share + profile.young_share:
            age = 18 + int(rng.random() * 13)
        else:
            age = 31 + int(rng.random() * 29)
        victim = self.population.person(
            rng, kind="victim", age=age, is_male=rng.random() < profile.male_share
        )
        self.person(victim)
        if len(self.recent_victims) < 500:
            self.recent_victims.append(victim)
        else:
            self.recent_victims[int(rng.random() * 500)] = victim
        return victim

    def generate_incident(self, rng: random.Random) -> None:
        self.incident_count += 1
        incident_id = f"INC-{self.incident_count:07d}"
        scheme = self.catalogue.scheme_choice(rng)
        profile = SCHEME_PROFILES[scheme]
        contact_at = self.incident_time(rng)
        week = min(WEEKS - 1, (contact_at - SIMULATED_PERIOD_START) // (7 * DAY))
        ring = self.rings_by_scheme_week[scheme][week](rng)
        statistics = self.statistics
        statistics.schemes[scheme] += 1

        mule_victim = None
        if scheme == "money_mule":
            mule_victim = ring.layers[0].pick(rng, contact_at)
            victim = mule_victim.holder
        else:
            victim = self.victim_for(rng, scheme)
        statistics.victims += 1
        statistics.elderly_victims += victim.age >= ELDERLY_AGE
        statistics.young_victims += victim.age <= 30
        statistics.victim_regions[victim.region] += 1

        # How long the deception takes before money moves [judgement].
        if scheme == "investment_pyramid":
            deception = int((3 + rng.random() * 40) * DAY)
            payments, gap = 2 + int(rng.random() * 4), 60 * 24 * 3.0
        elif scheme in ("fake_bank_security", "sim_spoofing", "loan_in_victim_name"):
            # Daily limits make "safe account" victims pay in several goes.
            deception = int((10 + rng.random() * 80) * 60)
            payments, gap = 1 + int(rng.random() * 5), 8.0
        elif scheme == "sextortion":
            deception = int((1 + rng.random() * 5) * DAY)
            payments, gap = 1 + int(rng.random() * 3), 60 * 24.0
        else:
            deception = int((5 + rng.random() * 180) * 60)
            payments, gap = 1 + int(rng.random() * 1.6), 15.0
        first_at = min(contact_at + deception, SIMULATED_PERIOD_END - 30 * DAY)
        first_at = max(first_at, contact_at)

        loss = 0
        path: MoneyPath | None = None
        if profile.moves_money:
            loss = int(profile.loss_median_kzt * math.exp(rng.gauss(0.0, profile.loss_spread)))
            loss = max(3_000, min(60_000_000, loss))
            loss = loss // 500 * 500 if loss < 100_000 else loss // 1_000 * 1_000
            payments = min(payments + (loss > 1_000_000), 6)
            draw = rng.random()
            layers = 1 if draw < 0.22 else 2 if draw < 0.58 else 3 if draw < 0.85 else 4
            layers = min(layers, ring.max_layers)
            path = simulate_money(
                rng,
                self.transfer_numbers,
                incident_id=incident_id,
                ring=ring,
                victim=victim.account,
                loss=loss,
                first_at=first_at,
                layers=layers,
                is_loan=scheme == "loan_in_victim_name",
                payments_count=payments,
                payment_gap_minutes=gap,
                exchangers=self.exchangers,
                bystanders=self.bystander_accounts,
            )
            statistics.losses.append(loss)
            statistics.layers[layers] += 1
            statistics.transfers += len(path.transfers) + len(path.background)
            statistics.cashed_out_atm += path.cashed_out_atm
            statistics.cashed_out_crypto += path.cashed_out_crypto
            for transfer in path.transfers:
                self.sink.write("transfers.jsonl", transfer)
            for transfer in path.background:
                self.sink.write("transfers.jsonl", transfer)
            remaining = sum(flow.remaining for flow in path.flows)
            statistics.remaining += remaining
            self.sink.write("ground_truth/money_paths.jsonl", {
                "incident": incident_id, "ring": ring.ring_id, "stolen_kzt": loss,
                "layers": layers, "transfers": len(path.transfers),
                "cashed_out_atm_kzt": path.cashed_out_atm,
                "cashed_out_crypto_kzt": path.cashed_out_crypto, "remaining_kzt": remaining,
                "accounts": [{
                    "iban": flow.iban, "bank": flow.bank, "layer": flow.layer,
                    "received_kzt": flow.received, "forwarded_kzt": flow.forwarded,
                    "fee_kept_kzt": flow.fee_kept, "cashed_out_kzt": flow.cashed_out,
                    "remaining_kzt": flow.remaining,
                } for flow in path.flows],
            })  # fmt: skip

        caller = ring.phones.pick(rng, contact_at)
        timeline: list[dict[str, Any]] = [{
            "at": iso_utc(contact_at), "event": "contact",
            "channel": profile.contact_channels[int(rng.random() * len(profile.contact_channels))],
        }]  # fmt: skip
        if path is not None:
            timeline.append({"at": iso_utc(path.payments[0].at), "event": "first_transfer"})
            timeline.append({"at": iso_utc(path.payments[-1].at), "event": "last_transfer"})
            timeline.append(
                {"at": iso_utc(max(path.last_at, path.payments[-1].at)), "event": "money_dispersed"}
            )
        self.sink.write("incidents.jsonl", {
            "id": incident_id, "scheme": scheme, "ring": ring.ring_id,
            "victim": victim.person_id, "region": victim.region, "loss_kzt": loss,
            "layers": path.layers if path else 0, "contact_at": iso_utc(contact_at),
            "timeline": timeline, "offender_abroad": ring.based_abroad, "synthetic": True,
        })  # fmt: skip

        first_report_at = self.victim_reports(
            rng,
            incident_id,
            scheme,
            ring,
            victim,
            contact_at,
            first_at,
            loss,
            path,
            caller.value,
            mule_victim,
        )
        if path is not None and rng.random() < profile.bank_report_rate:
            bank_report_at = self.bank_report(rng, incident_id, scheme, ring, victim, path)
            first_report_at = min(first_report_at or bank_report_at, bank_report_at)
        if path is not None and first_report_at and rng.random() < self.scale.partner_answer_share:
            self.partner_answer(rng, incident_id, path, first_report_at)
        if rng.random() < 0.035:
            self.unrelated_report(rng)


def generate_world(
    seed: int,
    scale: str,
    directory: Path | None,
    progress: Callable[[int], None] | None = None,
) -> WorldResult:
    """Generate the world for ``seed`` and ``scale`` into ``directory`` (None: statistics only).

    ``progress`` is called with the number of incidents done after each chunk.
    """
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; choose one of {', '.join(SCALES)}")
    if seed < 0:
        raise ValueError("the seed must be a non-negative integer")
    sink = Sink(directory)
    world = _World(seed, SCALES[scale], sink)
    world.setup_hubs(random.Random(derive_seed(seed, "hubs")))  # noqa: S311 - synthetic data
    world.setup_rings(random.Random(derive_seed(seed, "rings")))  # noqa: S311
    world.profiles = partner_profiles(random.Random(derive_seed(seed, "partners")))  # noqa: S311
    for code in sorted(world.profiles):
        sink.write("partner_behaviour.jsonl", world.profiles[code].record())
    incidents = world.scale.incidents
    for chunk_start in range(0, incidents, CHUNK):
        rng = random.Random(derive_seed(seed, "incidents", chunk_start))  # noqa: S311
        for _ in range(min(CHUNK, incidents - chunk_start)):
            world.generate_incident(rng)
        if progress is not None:
            progress(min(CHUNK, incidents - chunk_start))
    world.telecom_reports(random.Random(derive_seed(seed, "telecom")))  # noqa: S311
    world.false_campaigns(random.Random(derive_seed(seed, "campaigns")))  # noqa: S311
    files = sink.close()
    statistics = world.statistics.document()
    manifest: dict[str, Any] = {
        "synthetic": True,
        "notice": "Synthetic world generated by kuzet.simulation. No record describes a real "
        "person, account or organisation's behaviour; bank codes, operator prefixes and region "
        "codes are real so that validators accept the identifiers.",
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "scale": scale,
        "period": {"start": iso_utc(SIMULATED_PERIOD_START), "end": iso_utc(SIMULATED_PERIOD_END),
                   "display_time_zone": "Asia/Almaty"},
        "counts": {name: info["records"] for name, info in files.items()},
        "files": files,
    }  # fmt: skip
    manifest["files"]["stats.json"] = {
        "records": 1,
        "sha256": sink.write_json("stats.json", statistics),
        "description": "statistics of the world (as printed by --stats)",
    }
    sink.write_json("manifest.json", manifest)
    return WorldResult(manifest, statistics)
