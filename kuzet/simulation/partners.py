"""How banks, telecoms and platforms answer a hold or block request in the simulated world.

Every partner gets a seeded behaviour profile (time to acknowledge, time to execute, rejection,
duplicate and out-of-order answers, slower nights and weekends). The profiles are drawn per seed,
not per real organisation: they are not measurements of any real bank or operator. The fake
partner channel of a later capability can replay them with :func:`answer_request`.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from kuzet import reference
from kuzet.simulation.calibration import BANK_SHARE_OF_MULES, BANK_SHARE_OF_VICTIMS

__all__ = ["PartnerProfile", "answer_request", "partner_profiles"]

HOUR = 3_600
LOCAL_OFFSET = 5 * HOUR  # Asia/Almaty, UTC+5


@dataclass(frozen=True, slots=True)
class PartnerProfile:
    """The behaviour of one partner (bank, telecom or platform)."""

    code: str
    kind: str
    channel: str  # api | email | portal
    acknowledge_median_minutes: float
    acknowledge_spread: float
    execute_median_minutes: float
    execute_spread: float
    rejection_rate: float
    duplicate_answer_rate: float
    out_of_order_rate: float
    works_nights: bool
    works_weekends: bool

    def record(self) -> dict[str, object]:
        """The partner_behaviour.jsonl profile row."""
        return {
            "kind": "profile",
            "partner": self.code,
            "partner_kind": self.kind,
            "channel": self.channel,
            "acknowledge_median_minutes": round(self.acknowledge_median_minutes, 1),
            "acknowledge_spread": round(self.acknowledge_spread, 2),
            "execute_median_minutes": round(self.execute_median_minutes, 1),
            "execute_spread": round(self.execute_spread, 2),
            "rejection_rate": round(self.rejection_rate, 3),
            "duplicate_answer_rate": round(self.duplicate_answer_rate, 3),
            "out_of_order_rate": round(self.out_of_order_rate, 3),
            "works_nights": self.works_nights,
            "works_weekends": self.works_weekends,
            "synthetic": True,
        }


def partner_profiles(rng: random.Random) -> dict[str, PartnerProfile]:
    """A profile for each bank money moves through, each operator and each platform."""
    profiles: dict[str, PartnerProfile] = {}
    bank_codes = sorted(set(BANK_SHARE_OF_VICTIMS) | set(BANK_SHARE_OF_MULES))
    partners = [(code, "bank") for code in bank_codes]
    partners += [(operator.code, "telecom") for operator in reference.mobile_operators()]
    partners += [
        (platform["code"], "platform") for platform in reference.organisations()["platforms"]
    ]
    for code, kind in partners:
        # Three archetypes [judgement]: an automated 24/7 desk, an office-hours desk, a slow
        # e-mail inbox; platforms abroad are the slowest and reject most.
        archetype = rng.random()
        if archetype < 0.35:
            channel, acknowledge, execute, nights, weekends = "api", 3.0, 20.0, True, True
        elif archetype < 0.8:
            channel, acknowledge, execute, nights, weekends = "portal", 45.0, 180.0, False, True
        else:
            channel, acknowledge, execute, nights, weekends = "email", 240.0, 1_440.0, False, False
        if kind == "platform":
            acknowledge, execute = acknowledge * 4, execute * 3
        profiles[code] = PartnerProfile(
            code=code,
            kind=kind,
            channel=channel,
            acknowledge_median_minutes=acknowledge * (0.6 + rng.random() * 0.8),
            acknowledge_spread=0.6 + rng.random() * 0.6,
            execute_median_minutes=execute * (0.6 + rng.random() * 0.8),
            execute_spread=0.5 + rng.random() * 0.7,
            rejection_rate=(0.02 + rng.random() * 0.08) * (3 if kind == "platform" else 1),
            duplicate_answer_rate=0.01 + rng.random() * 0.05,
            out_of_order_rate=0.01 + rng.random() * 0.04,
            works_nights=nights,
            works_weekends=weekends,
        )
    return profiles


def _next_working_time(at: int, profile: PartnerProfile) -> int:
    """Requests arriving out of hours wait for the morning (09:00 local) or for Monday."""
    local = at + LOCAL_OFFSET
    day_start = local - local % 86_400
    hour = (local % 86_400) // HOUR
    weekday = (day_start // 86_400 + 3) % 7  # 1970-01-01 was a Thursday; 0 = Monday
    if not profile.works_nights and not 9 <= hour < 19:
        day_start += 86_400 if hour >= 19 else 0
        local = day_start + 9 * HOUR
        weekday = (day_start // 86_400 + 3) % 7
    if not profile.works_weekends and weekday >= 5:
        local += (7 - weekday) * 86_400
    return local - LOCAL_OFFSET


def answer_request(
    rng: random.Random, profile: PartnerProfile, requested_at: int
) -> tuple[int, int, bool, bool, bool]:
    """When a request is acknowledged and executed, and whether it is rejected, duplicated or
    answered out of order (execution reported before the acknowledgement)."""
    start = _next_working_time(requested_at, profile)
    acknowledge = profile.acknowledge_median_minutes * math.exp(
        rng.gauss(0.0, profile.acknowledge_spread)
    )
    acknowledged_at = start + int(acknowledge * 60)
    execute = profile.execute_median_minutes * math.exp(rng.gauss(0.0, profile.execute_spread))
    executed_at = _next_working_time(acknowledged_at + int(execute * 60), profile)
    return (
        acknowledged_at,
        executed_at,
        rng.random() < profile.rejection_rate,
        rng.random() < profile.duplicate_answer_rate,
        rng.random() < profile.out_of_order_rate,
    )
