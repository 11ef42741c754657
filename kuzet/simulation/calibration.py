"""The numbers that make the simulated world look like Kazakhstan's.

Reference facts (regions, populations, banks, operators, 2025 scheme counts) come from
``kuzet.reference``; this module only holds the *simulation's* calibration on top of them, each
with the published observation it imitates (``kazakhstan.md`` §4, §5, §8). Values marked
[judgement] are ours: plausible, not measured.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "BANK_SHARE_OF_MULES",
    "BANK_SHARE_OF_VICTIMS",
    "KAZAKH_SHARE_BY_REGION",
    "LANGUAGE_ENGLISH_SHARE",
    "OPERATOR_SHARE",
    "REGION_RATE_MULTIPLIER",
    "SCALES",
    "SCHEME_PROFILES",
    "SIMULATED_PERIOD_END",
    "SIMULATED_PERIOD_START",
    "Scale",
    "SchemeProfile",
]

# 2025-01-01T00:00:00Z and 2026-01-01T00:00:00Z as POSIX seconds: the simulated year.
SIMULATED_PERIOD_START = 1_735_689_600
SIMULATED_PERIOD_END = 1_767_225_600


@dataclass(frozen=True, slots=True)
class Scale:
    """How big a world is: fraud incidents, rings and the size of the side populations."""

    name: str
    incidents: int
    rings: int
    innocent_persons: int
    false_campaigns: int
    false_reports_per_campaign: int
    partner_answer_share: float


# Incidents give ≈ 1.25 reports each (victim, relatives, duplicates, banks, telecoms) and ≈ 10
# transfers each, so these sizes land on ≈ 1k / 100k / 1M reports.
SCALES: dict[str, Scale] = {
    "small": Scale("small", 800, 14, 60, 1, 16, 1.0),
    "medium": Scale("medium", 80_000, 260, 2_000, 8, 30, 0.25),
    "large": Scale("large", 800_000, 1_200, 10_000, 40, 40, 0.1),
}

# Internet fraud per resident differs by region: Astana, Almaty, Karaganda and Pavlodar have ≈ 45 %
# of it, Pavlodar the highest rate per 10k residents, Ulytau and Mangystau the least (baq.kz,
# profit.kz, KPSiSU/Finprom 2025). Population comes from the reference; this is the rate factor.
REGION_RATE_MULTIPLIER: dict[str, float] = {
    "KZ-10": 0.9,  # Abai
    "KZ-11": 1.0,  # Akmola
    "KZ-15": 0.9,  # Aktobe
    "KZ-19": 0.8,  # Almaty Region
    "KZ-23": 0.7,  # Atyrau
    "KZ-27": 0.8,  # West Kazakhstan
    "KZ-31": 0.6,  # Jambyl
    "KZ-33": 0.7,  # Jetisu
    "KZ-35": 1.8,  # Karaganda
    "KZ-39": 1.5,  # Kostanay: +31 % IT crimes in 2025 (alau.kz)
    "KZ-43": 0.5,  # Kyzylorda
    "KZ-47": 0.4,  # Mangystau: among the least
    "KZ-55": 2.8,  # Pavlodar: highest rate per 10k residents
    "KZ-59": 1.1,  # North Kazakhstan
    "KZ-61": 0.35,  # Turkistan: large, rural, few reports
    "KZ-62": 0.6,  # Ulytau: among the least
    "KZ-63": 1.1,  # East Kazakhstan
    "KZ-71": 1.8,  # Astana
    "KZ-75": 1.4,  # Almaty
    "KZ-79": 0.8,  # Shymkent
}

# Share of reports written in Kazakh, by region [judgement]: higher in the south and west.
KAZAKH_SHARE_BY_REGION: dict[str, float] = {
    "KZ-10": 0.35, "KZ-11": 0.25, "KZ-15": 0.4, "KZ-19": 0.45, "KZ-23": 0.55,
    "KZ-27": 0.4, "KZ-31": 0.5, "KZ-33": 0.45, "KZ-35": 0.2, "KZ-39": 0.15,
    "KZ-43": 0.65, "KZ-47": 0.5, "KZ-55": 0.15, "KZ-59": 0.12, "KZ-61": 0.65,
    "KZ-62": 0.35, "KZ-63": 0.2, "KZ-71": 0.35, "KZ-75": 0.25, "KZ-79": 0.5,
}  # fmt: skip
LANGUAGE_ENGLISH_SHARE = 0.04

# Where victims bank [judgement, after public retail market shares]: Kaspi dominates retail.
BANK_SHARE_OF_VICTIMS: dict[str, float] = {
    "KASPI": 46, "HALYK": 24, "FREEDOM": 6, "BCC": 6, "FORTE": 5, "ALATAU": 4,
    "HOMECREDIT": 3, "EURASIAN": 2, "BEREKE": 2, "RBK": 1, "OTBASY": 0.5, "NURBANK": 0.5,
}  # fmt: skip
# Droppers' accounts [judgement]: card-to-card and phone transfers are instant at the big retail
# banks, so mule accounts concentrate there too, with a tail at smaller banks.
BANK_SHARE_OF_MULES: dict[str, float] = {
    "KASPI": 38, "HALYK": 16, "FREEDOM": 12, "BCC": 8, "FORTE": 7, "ALATAU": 6,
    "HOMECREDIT": 5, "EURASIAN": 3, "BEREKE": 2, "RBK": 2, "ALTYN": 0.5, "SHINHAN": 0.5,
}  # fmt: skip

# Subscribers per operator [judgement]: the three big networks; the small ones only carry SIMs
# bought in bulk by rings.
OPERATOR_SHARE: dict[str, float] = {"BEELINE": 38, "KCELL": 32, "TELE2": 30}


@dataclass(frozen=True, slots=True)
class SchemeProfile:
    """How one scheme behaves: who it hits, how much it takes, how it contacts the victim."""

    code: str
    loss_median_kzt: int
    loss_spread: float  # sigma of the log-normal loss
    elderly_share: float  # share of victims aged 60 or more
    young_share: float  # share of victims aged 18-30
    male_share: float
    contact_channels: tuple[str, ...]
    victim_report_rate: float
    bank_report_rate: float
    moves_money: bool


# Loss sizes [judgement]: the 2023 full year was ≈ ₸21 bn over ≈ 20k internet frauds (≈ ₸1 m mean,
# a long right tail); prepayment scams are small, "safe account" calls and investments take
# savings. Victims are mostly 60+ (qazaq24.com, baq.kz 2025), the 18-30 group grows.
SCHEME_PROFILES: dict[str, SchemeProfile] = {
    profile.code: profile
    for profile in (
        SchemeProfile("fake_bank_security", 650_000, 1.1, 0.72, 0.05, 0.35,
                      ("call", "whatsapp_call"), 0.92, 0.45, True),
        SchemeProfile("fake_ad_prepayment", 45_000, 0.9, 0.25, 0.4, 0.5,
                      ("marketplace", "instagram", "whatsapp"), 0.9, 0.12, True),
        SchemeProfile("phishing", 180_000, 1.0, 0.45, 0.2, 0.45,
                      ("sms", "whatsapp", "email", "qr"), 0.88, 0.35, True),
        SchemeProfile("loan_in_victim_name", 900_000, 0.8, 0.55, 0.15, 0.45,
                      ("call", "sms"), 0.9, 0.4, True),
        SchemeProfile("investment_pyramid", 1_400_000, 1.2, 0.55, 0.12, 0.5,
                      ("instagram", "telegram", "call"), 0.85, 0.15, True),
        SchemeProfile("money_mule", 0, 0.0, 0.05, 0.7, 0.7,
                      ("telegram", "instagram"), 0.8, 0.3, False),
        SchemeProfile("sim_spoofing", 450_000, 1.0, 0.6, 0.08, 0.4,
                      ("call",), 0.85, 0.35, True),
        SchemeProfile("messenger_takeover", 60_000, 0.9, 0.3, 0.3, 0.45,
                      ("whatsapp", "telegram"), 0.85, 0.1, True),
        SchemeProfile("sextortion", 120_000, 1.0, 0.04, 0.65, 0.9,
                      ("instagram", "telegram"), 0.6, 0.05, True),
        SchemeProfile("org_attack", 4_000_000, 1.3, 0.0, 0.0, 0.6,
                      ("email",), 0.95, 0.2, True),
    )
}  # fmt: skip
