"""Triage: which transfer a report describes, how urgent it is, which department takes it.

Pure: no database, no settings, no clock. Thresholds, departments and times are passed in.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from kuzet.accounts.models import Organisation, Region
from kuzet.reports.models import AgeBand
from kuzet.reports.reasons import PriorityReason
from kuzet.reports.services.intake.inputs import ReportInput
from kuzet.reports.services.intake.validation import Validated

# The whole country keeps one time (UTC+5 since March 2024). A transfer's day is its day here,
# whichever offset the sender wrote it in: a bank sending UTC and a citizen typing local time
# describe the same transfer after 19:00 UTC too.
KAZAKHSTAN_TIME = ZoneInfo("Asia/Almaty")


def fingerprint(validated: Validated) -> str:
    """The same transfer reported by anyone gives the same fingerprint ('' without transfers).

    The receiving identifier, the amount and the calendar day in Kazakhstan identify a
    transfer whoever reports it (the victim, their bank, the receiving bank).
    """
    parts: list[str] = []
    for transfer, target in zip(validated.data.transfers, validated.targets, strict=False):
        when = transfer.transferred_at
        day = when.astimezone(KAZAKHSTAN_TIME).date().isoformat() if when else ""
        parts.append(f"{target.value if target else ''}|{transfer.amount.normalize()}|{day}")
    if not parts:
        return ""
    return hashlib.sha256("\n".join(sorted(parts)).encode()).hexdigest()


def score(
    *,
    loss: Decimal,
    minutes_since_transfer: int | None,
    age_band: str,
    linked_reports: int,
    golden_hour_minutes: int,
) -> tuple[int, list[str]]:
    """Priority 0-100 and the reasons, so an officer sees why a report is on top."""
    total = 0
    reasons: list[str] = []
    if loss > 0:
        # 10,000 KZT → ~5 points, 1,000,000 → ~15, 100,000,000 → ~30 (logarithmic).
        total += min(50, int(10 * math.log10(float(loss) / 1000 + 1) * 1.5))
        reasons.append(PriorityReason.LOSS.written(amount=f"{loss:.0f}"))
    if minutes_since_transfer is not None:
        if minutes_since_transfer <= golden_hour_minutes:
            total += 30
            reasons.append(PriorityReason.GOLDEN_HOUR.written(minutes=minutes_since_transfer))
        elif minutes_since_transfer <= 24 * 60:
            total += 10
            reasons.append(PriorityReason.TODAY.written())
    if age_band in {AgeBand.FROM_60, AgeBand.UNDER_18}:
        total += 10
        reasons.append(PriorityReason.VULNERABLE.written())
    if linked_reports:
        total += min(10, 2 * linked_reports)
        reasons.append(PriorityReason.LINKED.written(count=linked_reports))
    return min(total, 100), reasons


def minutes_since(earlier: datetime | None, later: datetime) -> int | None:
    """Whole minutes from ``earlier`` to ``later`` (never negative); ``None`` without a time."""
    if earlier is None:
        return None
    return max(0, int((later - earlier).total_seconds() // 60))


def loss_in_tenge(data: ReportInput) -> Decimal:
    """What the report says was lost in tenge; other currencies are not converted."""
    return sum(
        (transfer.amount for transfer in data.transfers if transfer.currency.upper() == "KZT"),
        Decimal(0),
    )


def latest_transfer_at(data: ReportInput) -> datetime | None:
    """When the last of the report's dated transfers left, if any is dated."""
    return max(
        (transfer.transferred_at for transfer in data.transfers if transfer.transferred_at),
        default=None,
    )


def department_for(
    region: Region | None, *, departments: Mapping[int, Organisation], central: Organisation
) -> Organisation:
    """The regional department of the report's region, or the central one when none takes it."""
    return departments.get(region.pk, central) if region else central
