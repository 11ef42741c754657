"""Load a simulated world's reports into the database through the real intake service.

Not part of the pure generator: this module uses Django. Every report goes through
``reports.services.report_submit_many``, the door every channel uses (the public form, the duty
officer, a partner's API), in batches of 500, so the demo exercises the real path. Times are
shifted so that the newest report arrives a few minutes before now: the demo's queues then have
reports in their golden hour and reports past their 24-hour registration clock.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils import timezone

from kuzet.accounts.models import Organisation
from kuzet.audit.services import SystemActor
from kuzet.blocking import services as blocking_services
from kuzet.reports import services as report_services
from kuzet.reports.models import Report

CHANNELS = {"victim": "public_web", "bank": "bank", "telecom": "telecom"}


@dataclass
class LoadSummary:
    """What a load did, for the command's closing lines."""

    created: int = 0
    merged: int = 0
    invalid: int = 0
    skipped: bool = False
    reasons: Counter[str] = field(default_factory=Counter)
    alerts_delivered: int = 0


def _parse_time(value: str | None, shift: timedelta) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00")) + shift


def report_input(row: dict[str, Any], shift: timedelta, seed: int) -> report_services.ReportInput:
    """Translate one ``reports.jsonl`` row into what intake takes from that channel."""
    reporter = row.get("reporter") or {}
    common: dict[str, Any] = {
        "narrative": row.get("narrative") or "",
        "language": row.get("language") or "ru",
        "scheme": row.get("scheme") or "",
        "region_code": row.get("region") or "",
    }
    if row["channel"] == "victim":
        return report_services.ReportInput(
            **common,
            reporter_name=reporter.get("name") or "",
            reporter_phone=reporter.get("phone") or "",
            reporter_email=reporter.get("email") or "",
            is_on_behalf=reporter.get("relation") not in (None, "self"),
            # The world's report id, made unique per seed: loading twice adds nothing.
            submission_key=f"simulation:{seed}:{row['id']}",
        )
    if row["channel"] == "bank":
        transfers = tuple(
            report_services.TransferInput(
                amount=Decimal(str(transaction["amount_kzt"])),
                to_account=str(transaction["to_value"]),
                transferred_at=_parse_time(transaction.get("at"), shift),
                from_account=transaction.get("from_iban") or "",
                receiving_bank_code=transaction.get("to_bank") or "",
                reference=transaction.get("reference") or "",
            )
            for transaction in row.get("transactions") or []
        )
        return report_services.ReportInput(
            **common, transfers=transfers, external_reference=f"{seed}:{row['id']}"
        )
    identifiers = []
    for number in row.get("numbers") or []:
        identifiers.append(number["phone"])
        if number.get("imei"):
            identifiers.append(str(number["imei"]))
    return report_services.ReportInput(
        **common,
        suspect_identifiers=tuple(identifiers),
        external_reference=f"{seed}:{row['id']}",
    )


def world_load(
    directory: Path,
    *,
    seed: int,
    progress: Any = None,
    now: datetime | None = None,
    batch_size: int = 500,
) -> LoadSummary:
    """Submit every report of the world in ``directory``; deliver the hold alerts it raised."""
    path = directory / "reports.jsonl"
    summary = LoadSummary()
    with path.open(encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines if line.strip()]
    if not rows:
        return summary
    if Report.objects.filter(submission_key__startswith=f"simulation:{seed}:").exists():
        summary.skipped = True
        return summary
    newest = max(datetime.fromisoformat(row["submitted_at"].replace("Z", "+00:00")) for row in rows)
    shift = (now or timezone.now()) - timedelta(minutes=3) - newest
    organisations = {organisation.code: organisation for organisation in Organisation.objects.all()}
    actor = SystemActor("simulate --load")
    ordered = sorted(rows, key=lambda item: item["submitted_at"])
    for start in range(0, len(ordered), batch_size):
        batch = ordered[start : start + batch_size]
        items = [
            report_services.IntakeItem(
                data=report_input(row, shift, seed),
                channel=CHANNELS[row["channel"]],
                source_organisation=organisations.get(
                    (row.get("reporter") or {}).get("organisation") or ""
                ),
                received_at=_parse_time(row["submitted_at"], shift),
            )
            for row in batch
        ]
        for outcome in report_services.report_submit_many(actor=actor, items=items):
            if isinstance(outcome, report_services.ReportInvalid):
                summary.invalid += 1
                summary.reasons.update(outcome.errors.keys())
            elif outcome.is_duplicate:
                summary.merged += 1
            else:
                summary.created += 1
        if progress is not None:
            progress(len(batch))
    summary.alerts_delivered = blocking_services.outbox_deliver_due(limit=10_000_000)
    return summary
