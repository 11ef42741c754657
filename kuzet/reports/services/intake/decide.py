"""Deciding: for each valid row of a batch, a new report or a merge into an earlier one.

No queries: everything comes from the batch's ``Lookups``. A row decided new is remembered, so
later rows of the same batch find it as they would a stored report.
"""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings

from kuzet.reports.models import Channel, Report, ReportFlag
from kuzet.reports.services.intake.hashing import contact_hash
from kuzet.reports.services.intake.lookups import Lookups
from kuzet.reports.services.intake.triage import (
    department_for,
    latest_transfer_at,
    loss_in_tenge,
    minutes_since,
    score,
)
from kuzet.reports.services.intake.validation import TRANSFER_TARGET_TYPES, ValidRow

# How long a department has to register a report in ERDR.
REGISTRATION_DEADLINE = timedelta(hours=24)


@dataclass(frozen=True)
class NewReport:
    """A row that starts a report of its own: the report (not yet saved) and its secret."""

    row: ValidRow
    report: Report
    tracking_secret: str


@dataclass(frozen=True)
class Merge:
    """A row that belongs to an earlier report.

    ``is_same_submission`` when it is the very same submission (a double-clicked form, a partner
    resending its reference), which adds nothing; otherwise it adds a source and identifiers.
    """

    row: ValidRow
    into: Report
    is_same_submission: bool


Decision = NewReport | Merge


def decide(rows: Sequence[ValidRow], lookups: Lookups) -> list[Decision]:
    """One decision per row, in the rows' order."""
    return _Decider(lookups).decide(rows)


class _Decider:
    """The look-ups plus what this batch has decided so far."""

    def __init__(self, lookups: Lookups) -> None:
        self.lookups = lookups
        self.by_submission_key = dict(lookups.by_submission_key)
        self.by_reference = dict(lookups.by_reference)
        self.by_fingerprint = dict(lookups.by_fingerprint)
        self.by_contact = dict(lookups.by_contact)
        self.named_recently: Counter[str] = Counter(lookups.named_recently)

    def decide(self, rows: Sequence[ValidRow]) -> list[Decision]:
        decisions: list[Decision] = []
        for row in rows:
            merge = self._merge(row)
            if merge is not None:
                decisions.append(merge)
                continue
            new = self._new_report(row)
            decisions.append(new)
            self._remember(row, new.report)
        return decisions

    def _merge(self, row: ValidRow) -> Merge | None:
        """The earlier report this row belongs to, if any."""
        item = row.item
        data = item.data
        if data.submission_key and data.submission_key in self.by_submission_key:
            return Merge(row, self.by_submission_key[data.submission_key], True)
        if data.external_reference and item.source_organisation is not None:
            key = (item.source_organisation.pk, data.external_reference)
            if key in self.by_reference:
                return Merge(row, self.by_reference[key], True)
        value = self.lookups.fingerprints[row.index]
        if value and value in self.by_fingerprint:
            return Merge(row, self.by_fingerprint[value], False)
        if row.validated.contact_key and not data.transfers:
            reporter = contact_hash(row.validated.contact_key)
            for found, _source, identifier in self.lookups.hashes[row.index]:
                if found.type.value not in TRANSFER_TARGET_TYPES:
                    continue
                if (reporter, identifier) in self.by_contact:
                    return Merge(row, self.by_contact[(reporter, identifier)], False)
        return None

    def _remember(self, row: ValidRow, report: Report) -> None:
        """Let later rows of the same batch find this new report, as they would a stored one."""
        item = row.item
        data = item.data
        if report.fingerprint:
            self.by_fingerprint.setdefault(report.fingerprint, report)
        if data.submission_key:
            self.by_submission_key[data.submission_key] = report
        if data.external_reference and item.source_organisation is not None:
            self.by_reference[(item.source_organisation.pk, data.external_reference)] = report
        if row.validated.contact_key and not data.transfers:
            reporter = contact_hash(row.validated.contact_key)
            for found, _source, identifier in self.lookups.hashes[row.index]:
                if found.type.value in TRANSFER_TARGET_TYPES:
                    self.by_contact.setdefault((reporter, identifier), report)

    def _new_report(self, row: ValidRow) -> NewReport:
        item = row.item
        data = row.validated.data
        received = row.received_at
        loss = loss_in_tenge(data)
        minutes = minutes_since(latest_transfer_at(data), received)
        hashes = self.lookups.hashes[row.index]
        linked = max((self.lookups.seen_in.get(value.value_hash, 0) for value in hashes), default=0)
        priority, reasons = score(
            loss=loss,
            minutes_since_transfer=minutes,
            age_band=data.victim_age_band,
            linked_reports=linked,
            golden_hour_minutes=settings.GOLDEN_HOUR_MINUTES,
        )
        flags: set[ReportFlag] = set()
        for found, _source, identifier in hashes:
            if found.suspicious:
                flags.add(ReportFlag.SUSPICIOUS_IDENTIFIER)
            if item.channel == Channel.PUBLIC_WEB:
                self.named_recently[identifier] += 1
                if self.named_recently[identifier] > settings.COORDINATED_NAMING_THRESHOLD:
                    flags.add(ReportFlag.COORDINATED_NAMING)
        secret = item.tracking_secret or secrets.token_urlsafe(24)
        report = Report(
            received_at=received,
            submission_key=data.submission_key or None,
            tracking_secret_digest=Report.digest_secret(secret),
            channel=item.channel,
            language=data.language,
            scheme=data.scheme,
            contact_method=data.contact_method,
            occurred_at=data.occurred_at,
            narrative=data.narrative,
            region=row.validated.region,
            department=department_for(
                row.validated.region,
                departments=self.lookups.departments,
                central=self.lookups.central,
            ),
            victim_age_band=data.victim_age_band,
            is_on_behalf=data.is_on_behalf,
            loss_amount=loss,
            priority=priority,
            priority_reasons=reasons,
            is_golden_hour=minutes is not None and minutes <= settings.GOLDEN_HOUR_MINUTES,
            registration_due_at=received + REGISTRATION_DEADLINE,
            is_over_registration_threshold=loss >= settings.REGISTRATION_THRESHOLD_KZT,
            fingerprint=self.lookups.fingerprints[row.index],
            flags=sorted(flag.value for flag in flags),
        )
        return NewReport(row, report, secret)
