"""Report intake: validate, extract identifiers, deduplicate, score, route, alert.

``report_submit_many`` is the one door for every channel (public form, duty officer, partner
API, bulk upload, the simulated world's loader); ``report_submit`` is a batch of one. A batch
is decided with a fixed number of queries whatever its size, then written with bulk inserts in
one transaction: everything a report brings — the report, contact, source, transfers,
identifiers, status, hold alerts, outbox messages, audit entries — commits together or not at
all. If two requests race on the same partner reference, the batch is retried row by row, so a
row is never half-applied and one bad row never sinks its neighbours.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import math
import secrets
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from functools import cache, lru_cache
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from kuzet import indicators, reference
from kuzet.accounts.models import Organisation, Region
from kuzet.audit.services import PendingEntry, audit_record_many
from kuzet.blocking import services as blocking_services
from kuzet.core.actors import Actor
from kuzet.core.bulk import bulk_insert
from kuzet.reports.models import (
    AgeBand,
    Channel,
    Report,
    ReporterContact,
    ReportIndicator,
    ReportSource,
    ReportStatus,
    ReportTransfer,
    StatusChange,
)
from kuzet.reports.services.rights import intake_require_rights

MAXIMUM_TRANSFERS = 20
MAXIMUM_TYPED_IDENTIFIERS = 30
MAXIMUM_NARRATIVE = 20_000
# Identifiers that can carry money or contact: the ones worth a hold or a link.
TRANSFER_TARGET_TYPES = {"iban", "card", "phone", "crypto_wallet"}
SAME_TRANSFER_WINDOW = timedelta(days=30)
SAME_REPORTER_WINDOW = timedelta(days=7)


class ReportInvalid(ValueError):
    """Field-level problems with a report; ``errors`` maps a field path to a sentence."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{key}: {value}" for key, value in errors.items()))


@dataclass(frozen=True)
class TransferInput:
    """One transfer as the reporter or the bank describes it."""

    amount: Decimal
    to_account: str
    currency: str = "KZT"
    transferred_at: datetime | None = None
    from_account: str = ""
    sending_bank_code: str = ""
    receiving_bank_code: str = ""
    reference: str = ""


@dataclass(frozen=True)
class ReportInput:
    """Everything any channel can tell us about a fraud; every field but one is optional."""

    narrative: str
    language: str = "ru"
    scheme: str = ""
    contact_method: str = ""
    occurred_at: datetime | None = None
    region_code: str = ""
    victim_age_band: str = AgeBand.UNKNOWN
    is_on_behalf: bool = False
    reporter_name: str = ""
    reporter_phone: str = ""
    reporter_email: str = ""
    suspect_identifiers: tuple[str, ...] = ()
    transfers: tuple[TransferInput, ...] = ()
    external_reference: str = ""
    submission_key: str = ""


def replace_input(data: ReportInput, **changes: Any) -> ReportInput:
    return dataclasses.replace(data, **changes)


@dataclass(frozen=True)
class AttachmentInput:
    """An upload that passed ``uploads.inspect_upload``, with its original bytes."""

    inspected: Any
    data: bytes


@dataclass(frozen=True)
class IntakeItem:
    """One report to take in, with where it came from.

    ``received_at`` is for importers of earlier reports (the simulated world): the golden hour
    and the 24-hour clock then run from the original time. Live intake leaves it empty.
    """

    data: ReportInput
    channel: str
    source_organisation: Organisation | None = None
    received_at: datetime | None = None
    tracking_secret: str | None = None
    attachments: tuple[AttachmentInput, ...] = ()


@dataclass
class SubmittedReport:
    """The outcome of a submission: the report, and its tracking secret when it is new."""

    report: Report
    tracking_secret: str | None
    is_duplicate: bool
    hold_alerts: list[Any] = field(default_factory=list)


def identifier_hash(indicator_type: str, value: str) -> str:
    """The keyed hash every link, registry entry and screening call keys on."""
    return _identifier_hash(indicator_type, value, settings.IDENTIFIER_HASH_KEY)


def contact_hash(value: str) -> str:
    """Keyed hash of a reporter's phone or e-mail: finds repeat reporters without storing twice."""
    return _contact_hash(value, settings.IDENTIFIER_HASH_KEY)


# Cached by value and key: a batch hashes each reporter several times, and mule accounts and
# phones recur across thousands of reports.
@lru_cache(maxsize=65536)
def _identifier_hash(indicator_type: str, value: str, key: str) -> str:
    return indicators.identifier_hash(indicator_type, value, key.encode("utf-8"))


@lru_cache(maxsize=65536)
def _contact_hash(value: str, key: str) -> str:
    return hmac.new(key.encode("utf-8"), f"contact:{value}".encode(), hashlib.sha256).hexdigest()


# ---------------------------------------------------------------- validation (pure)


def clean_text(value: str, limit: int) -> str:
    # PostgreSQL text cannot hold NUL, and a NUL in a narrative is never meaningful.
    return value.replace("\x00", "").strip()[:limit]


def _parse_target(raw: str) -> indicators.Indicator | None:
    found = indicators.extract(raw)
    for candidate in found:
        if candidate.type.value in TRANSFER_TARGET_TYPES:
            return candidate
    return found[0] if found else None


@dataclass
class Validated:
    """A report that passed validation, with everything intake derived from it."""

    data: ReportInput
    typed: list[indicators.Indicator]
    extracted: list[indicators.Indicator]
    targets: list[indicators.Indicator | None]
    region: Region | None
    contact_phone: str

    @property
    def contact_key(self) -> str:
        return self.contact_phone or self.data.reporter_email.strip().lower()

    def found(self) -> list[tuple[indicators.Indicator, str]]:
        """Every identifier with where it came from; typed ones first."""
        return [
            *((found, ReportIndicator.Source.TYPED) for found in self.typed),
            *((found, ReportIndicator.Source.TRANSFER) for found in self.targets if found),
            *((found, ReportIndicator.Source.EXTRACTED) for found in self.extracted),
        ]


# Built once: Django's ``Choices.values`` builds a new list on every access.
_AGE_BANDS = frozenset(AgeBand.values)


@cache
def _scheme_codes() -> frozenset[str]:
    return frozenset(scheme.code for scheme in reference.schemes())


def validate(data: ReportInput, regions: dict[str, Region] | None = None) -> Validated:
    """Check a report field by field; raise ``ReportInvalid`` naming every field at fault."""
    if regions is None:
        regions = {region.iso_code: region for region in Region.objects.all()}
    errors: dict[str, str] = {}
    narrative = clean_text(data.narrative, MAXIMUM_NARRATIVE + 1)
    if len(narrative) > MAXIMUM_NARRATIVE:
        errors["narrative"] = _("Keep the description under %(limit)s characters.") % {
            "limit": MAXIMUM_NARRATIVE
        }
    if not narrative and not data.transfers and not data.suspect_identifiers:
        errors["narrative"] = _("Describe what happened, or give a transfer or an identifier.")
    if data.language not in {"kk", "ru", "en"}:
        errors["language"] = _("Use kk, ru or en.")
    if data.scheme and data.scheme not in _scheme_codes():
        errors["scheme"] = _("Pick one of the listed schemes, or leave it empty.")
    if data.victim_age_band not in _AGE_BANDS:
        errors["victim_age_band"] = _("Pick one of the listed age groups.")
    region = None
    if data.region_code:
        region = regions.get(data.region_code)
        if region is None:
            errors["region_code"] = _("Use an ISO 3166-2:KZ region code such as KZ-75.")
    now = timezone.now()
    if data.occurred_at and data.occurred_at > now + timedelta(minutes=5):
        errors["occurred_at"] = _("The date is in the future.")
    contact_phone = ""
    if data.reporter_phone:
        try:
            contact_phone = indicators.parse_phone(data.reporter_phone).value
        except indicators.InvalidIndicator as error:
            errors["reporter_phone"] = _("This phone number is not valid: %(reason)s.") % {
                "reason": error.reason
            }
    if len(data.suspect_identifiers) > MAXIMUM_TYPED_IDENTIFIERS:
        errors["suspect_identifiers"] = _("At most %(limit)s identifiers.") % {
            "limit": MAXIMUM_TYPED_IDENTIFIERS
        }
    typed: list[indicators.Indicator] = []
    for index, raw in enumerate(data.suspect_identifiers[:MAXIMUM_TYPED_IDENTIFIERS]):
        found = indicators.extract(clean_text(raw, 500))
        if not found:
            errors[f"suspect_identifiers[{index}]"] = _(
                "Not a phone, card, IBAN, link, e-mail, wallet or messenger account we recognise."
            )
        typed.extend(found)
    if len(data.transfers) > MAXIMUM_TRANSFERS:
        errors["transfers"] = _("At most %(limit)s transfers in one report.") % {
            "limit": MAXIMUM_TRANSFERS
        }
    targets: list[indicators.Indicator | None] = []
    for index, transfer in enumerate(data.transfers[:MAXIMUM_TRANSFERS]):
        prefix = f"transfers[{index}]"
        if not transfer.amount.is_finite() or transfer.amount <= 0:
            errors[f"{prefix}.amount"] = _("The amount must be a positive number.")
        elif transfer.amount >= Decimal("1e13"):
            errors[f"{prefix}.amount"] = _("The amount is too large.")
        currency = transfer.currency
        if len(currency) != 3 or not currency.isascii() or not currency.isalpha():
            errors[f"{prefix}.currency"] = _("Use a three-letter currency code such as KZT.")
        if transfer.transferred_at and transfer.transferred_at > now + timedelta(minutes=5):
            errors[f"{prefix}.transferred_at"] = _("The time of the transfer is in the future.")
        to_account = clean_text(transfer.to_account, 200)
        target = _parse_target(to_account) if to_account else None
        if transfer.to_account and target is None:
            errors[f"{prefix}.to_account"] = _(
                "Give the receiving IBAN, card number, phone or wallet as written on the receipt."
            )
        targets.append(target)
    if errors:
        raise ReportInvalid(errors)
    return Validated(
        data=replace_input(data, narrative=narrative),
        typed=typed,
        extracted=indicators.extract(narrative) if narrative else [],
        targets=targets,
        region=region,
        contact_phone=contact_phone,
    )


# ---------------------------------------------------------------- triage (pure)


def fingerprint(validated: Validated) -> str:
    """The same transfer reported by anyone gives the same fingerprint ('' without transfers).

    The receiving identifier, the amount and the calendar day identify a transfer whoever
    reports it (the victim, their bank, the receiving bank).
    """
    parts: list[str] = []
    for transfer, target in zip(validated.data.transfers, validated.targets, strict=False):
        day = transfer.transferred_at.date().isoformat() if transfer.transferred_at else ""
        parts.append(f"{target.value if target else ''}|{transfer.amount.normalize()}|{day}")
    if not parts:
        return ""
    return hashlib.sha256("\n".join(sorted(parts)).encode()).hexdigest()


def score(
    *, loss: Decimal, minutes_since_transfer: int | None, age_band: str, linked_reports: int
) -> tuple[int, list[str]]:
    """Priority 0-100 and the reasons, so an officer sees why a report is on top."""
    total = 0
    reasons: list[str] = []
    if loss > 0:
        # 10,000 KZT → ~5 points, 1,000,000 → ~15, 100,000,000 → ~30 (logarithmic).
        total += min(50, int(10 * math.log10(float(loss) / 1000 + 1) * 1.5))
        reasons.append(f"loss {loss:.0f} KZT")
    if minutes_since_transfer is not None:
        if minutes_since_transfer <= settings.GOLDEN_HOUR_MINUTES:
            total += 30
            reasons.append(f"money left {minutes_since_transfer} minutes ago")
        elif minutes_since_transfer <= 24 * 60:
            total += 10
            reasons.append("money left today")
    if age_band in {AgeBand.FROM_60, AgeBand.UNDER_18}:
        total += 10
        reasons.append("vulnerable victim")
    if linked_reports:
        total += min(10, 2 * linked_reports)
        reasons.append(f"identifiers seen in {linked_reports} other reports")
    return min(total, 100), reasons


def _minutes(earlier: datetime | None, later: datetime) -> int | None:
    return blocking_services.minutes_between(earlier, later) if earlier else None


# ---------------------------------------------------------------- the one door


def report_submit(
    *,
    actor: Actor | None,
    channel: str,
    data: ReportInput,
    source_organisation: Organisation | None = None,
    client_address: str | None = None,
    tracking_secret: str | None = None,
    attachments: tuple[AttachmentInput, ...] = (),
    received_at: datetime | None = None,
) -> SubmittedReport:
    """Take one report. Returns the report and, when new, its tracking secret.

    A report about a transfer already reported (same receiving account, amount and day) is
    merged into the existing one as another source; a partner resending its own reference, or a
    double-clicked form, gets its earlier report back. Raises ``ReportInvalid``.
    """
    item = IntakeItem(
        data=data,
        channel=channel,
        source_organisation=source_organisation,
        received_at=received_at,
        tracking_secret=tracking_secret,
        attachments=attachments,
    )
    result = report_submit_many(actor=actor, items=[item], client_address=client_address)[0]
    if isinstance(result, ReportInvalid):
        raise result
    return result


def report_submit_many(
    *, actor: Actor | None, items: list[IntakeItem], client_address: str | None = None
) -> list[SubmittedReport | ReportInvalid]:
    """Take a batch of reports: each result is a ``SubmittedReport`` or its ``ReportInvalid``.

    Raises ``ActionDenied`` when ``actor`` may not submit on an item's channel.
    """
    intake_require_rights(actor, items)
    regions = {region.iso_code: region for region in Region.objects.all()}
    checked: list[Validated | ReportInvalid] = []
    for item in items:
        try:
            checked.append(validate(item.data, regions))
        except ReportInvalid as error:
            checked.append(error)
    try:
        with transaction.atomic():
            return _Batch(actor, items, checked, client_address).run()
    except IntegrityError:
        if len(items) == 1:
            # A concurrent request with the same partner reference or form key won the race.
            earlier = _earlier_submission(items[0])
            if earlier is None:
                raise
            return [SubmittedReport(report=earlier, tracking_secret=None, is_duplicate=True)]
        return [
            report_submit_many(actor=actor, items=[item], client_address=client_address)[0]
            for item in items
        ]


def _earlier_submission(item: IntakeItem) -> Report | None:
    data = item.data
    if data.submission_key:
        return Report.objects.filter(submission_key=data.submission_key).first()
    if data.external_reference and item.source_organisation is not None:
        source = ReportSource.objects.filter(
            organisation=item.source_organisation, external_reference=data.external_reference
        ).first()
        return source.report if source else None
    return None


class _Batch:
    """One batch of intake: a fixed number of look-up queries, then bulk writes."""

    def __init__(
        self,
        actor: Actor | None,
        items: list[IntakeItem],
        checked: list[Validated | ReportInvalid],
        client_address: str | None,
    ) -> None:
        self.actor = actor
        self.items = items
        self.checked = checked
        self.client_address = client_address
        self.now = timezone.now()
        self.valid = [
            (index, item, result)
            for index, (item, result) in enumerate(zip(items, checked, strict=True))
            if isinstance(result, Validated)
        ]
        self.results: list[SubmittedReport | ReportInvalid | None] = [
            result if isinstance(result, ReportInvalid) else None for result in checked
        ]

    def received_at(self, item: IntakeItem) -> datetime:
        return item.received_at or self.now

    def _lock_transfers(self) -> None:
        """Serialise batches that report the same transfer, so one of them creates its report
        and the other finds it and merges, rather than both creating one.

        One PostgreSQL advisory lock per transfer fingerprint, held to the commit, taken in key
        order in one statement so two batches cannot deadlock. SQLite needs none: its writing
        transactions are serialised already.
        """
        if connection.vendor != "postgresql":
            return
        keys = sorted(
            {int.from_bytes(bytes.fromhex(value[:16]), "big", signed=True)
             for value in self.fingerprints.values() if value}
        )  # fmt: skip
        if keys:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(pg_advisory_xact_lock(key)) FROM unnest(%s::bigint[]) AS key",
                    [keys],
                )

    # -- look-ups: one query each, for the whole batch

    def _organisations(self) -> None:
        rows = Organisation.objects.filter(kind__in=["bank", "regional", "central"])
        self.banks_by_code = {row.code: row for row in rows if row.kind == "bank"}
        self.banks_by_iban = {row.iban_bank_code: row for row in rows if row.kind == "bank"}
        self.departments = {row.region_id: row for row in rows if row.kind == "regional"}
        self.central = next(row for row in rows if row.kind == "central")

    def _earlier_reports(self) -> None:
        keys = [item.data.submission_key for _, item, _ in self.valid if item.data.submission_key]
        self.by_submission_key = {
            report.submission_key: report
            for report in Report.objects.filter(submission_key__in=keys).select_related(
                "department"
            )
        }
        references = [
            item.data.external_reference
            for _, item, _ in self.valid
            if item.data.external_reference and item.source_organisation is not None
        ]
        self.by_reference = {
            (source.organisation_id, source.external_reference): source.report
            for source in ReportSource.objects.filter(external_reference__in=references)
            .exclude(organisation=None)
            .select_related("report__department")
        }
        oldest = min((self.received_at(item) for _, item, _ in self.valid), default=self.now)
        self.by_fingerprint: dict[str, Report] = {}
        for report in (
            Report.objects.filter(
                fingerprint__in=[value for value in self.fingerprints.values() if value],
                received_at__gte=oldest - SAME_TRANSFER_WINDOW,
            )
            .select_related("department")
            .order_by("received_at")
        ):
            self.by_fingerprint.setdefault(report.fingerprint, report)

    def _identifier_statistics(self) -> None:
        self.hashes = {
            index: [
                (found, source, identifier_hash(found.type.value, found.value))
                for found, source in result.found()
            ]
            for index, _, result in self.valid
        }
        every_hash = {value for rows in self.hashes.values() for _, _, value in rows}
        self.seen_in = dict(
            ReportIndicator.objects.filter(value_hash__in=every_hash)
            .values_list("value_hash")
            .annotate(reports=Count("report", distinct=True))
        )
        oldest = min((self.received_at(item) for _, item, _ in self.valid), default=self.now)
        public_hashes = {
            value
            for index, item, _ in self.valid
            if item.channel == Channel.PUBLIC_WEB
            for _, _, value in self.hashes[index]
        }
        self.named_recently: Counter[str] = Counter(
            dict(
                ReportIndicator.objects.filter(
                    value_hash__in=public_hashes,
                    report__channel=Channel.PUBLIC_WEB,
                    report__received_at__gte=oldest - timedelta(hours=24),
                )
                .values_list("value_hash")
                .annotate(count=Count("id"))
            )
        )
        contact_hashes = {
            contact_hash(result.contact_key)
            for _, _, result in self.valid
            if result.contact_key and not result.data.transfers
        }
        self.by_contact: dict[tuple[str, str], Report] = {}
        # Two steps, each on its own index: the reporters' recent reports by contact hash, then
        # those reports' money identifiers. As one join PostgreSQL scanned every identifier.
        recent = {
            contact.report_id: contact
            for contact in ReporterContact.objects.filter(
                contact_hash__in=contact_hashes,
                report__received_at__gte=oldest - SAME_REPORTER_WINDOW,
            ).select_related("report__department")
        }
        for row in (
            ReportIndicator.objects.filter(
                report_id__in=list(recent),
                type__in=TRANSFER_TARGET_TYPES,
                value_hash__in=every_hash,
            )
            .values_list("report_id", "value_hash")
            .order_by("report__received_at")
        ):
            report_id, value_hash = row
            contact = recent[report_id]
            self.by_contact.setdefault((contact.contact_hash, value_hash), contact.report)

    # -- deciding

    def _merge_target(
        self, index: int, item: IntakeItem, result: Validated
    ) -> tuple[Report | None, bool]:
        """The earlier report this one belongs to, and whether it is the very same submission
        (a double-clicked form, a partner resending its reference), which adds nothing."""
        data = item.data
        if data.submission_key and data.submission_key in self.by_submission_key:
            return self.by_submission_key[data.submission_key], True
        if data.external_reference and item.source_organisation is not None:
            key = (item.source_organisation.pk, data.external_reference)
            if key in self.by_reference:
                return self.by_reference[key], True
        value = self.fingerprints[index]
        if value and value in self.by_fingerprint:
            return self.by_fingerprint[value], False
        if result.contact_key and not data.transfers:
            reporter = contact_hash(result.contact_key)
            for found, _source, identifier in self.hashes[index]:
                if found.type.value not in TRANSFER_TARGET_TYPES:
                    continue
                if (reporter, identifier) in self.by_contact:
                    return self.by_contact[(reporter, identifier)], False
        return None, False

    def run(self) -> list[SubmittedReport | ReportInvalid]:
        if self.valid:
            self.fingerprints = {index: fingerprint(result) for index, _, result in self.valid}
            self._organisations()
            # Statistics and reporter look-ups need no lock; doing them first keeps the
            # transfer locks held only from the look-up they protect to the commit.
            self._identifier_statistics()
            self._lock_transfers()
            self._earlier_reports()
            self._decide_and_write()
        return [result for result in self.results if result is not None]

    def _decide_and_write(self) -> None:
        new: list[tuple[int, IntakeItem, Validated, Report, str]] = []
        merges: list[tuple[int, IntakeItem, Validated, Report, bool]] = []
        for index, item, result in self.valid:
            target, same_submission = self._merge_target(index, item, result)
            if target is not None:
                merges.append((index, item, result, target, same_submission))
                continue
            report, secret = self._new_report(index, item, result)
            new.append((index, item, result, report, secret))
            self._remember(index, item, result, report)

        bulk_insert([entry[3] for entry in new])
        self._write_parts(new, merges)

    def _remember(self, index: int, item: IntakeItem, result: Validated, report: Report) -> None:
        """Let later rows of the same batch find this new report, as they would a stored one."""
        data = item.data
        if report.fingerprint:
            self.by_fingerprint.setdefault(report.fingerprint, report)
        if data.submission_key:
            self.by_submission_key[data.submission_key] = report
        if data.external_reference and item.source_organisation is not None:
            self.by_reference[(item.source_organisation.pk, data.external_reference)] = report
        if result.contact_key and not data.transfers:
            reporter = contact_hash(result.contact_key)
            for found, _source, identifier in self.hashes[index]:
                if found.type.value in TRANSFER_TARGET_TYPES:
                    self.by_contact.setdefault((reporter, identifier), report)

    def _new_report(self, index: int, item: IntakeItem, result: Validated) -> tuple[Report, str]:
        data = result.data
        received = self.received_at(item)
        loss = sum(
            (transfer.amount for transfer in data.transfers if transfer.currency.upper() == "KZT"),
            Decimal(0),
        )
        latest = max(
            (transfer.transferred_at for transfer in data.transfers if transfer.transferred_at),
            default=None,
        )
        minutes = _minutes(latest, received)
        linked = max(
            (self.seen_in.get(identifier, 0) for _, _, identifier in self.hashes[index]), default=0
        )
        priority, reasons = score(
            loss=loss,
            minutes_since_transfer=minutes,
            age_band=data.victim_age_band,
            linked_reports=linked,
        )
        flags: set[str] = set()
        for found, _source, identifier in self.hashes[index]:
            if found.suspicious:
                flags.add("suspicious_identifier")
            if item.channel == Channel.PUBLIC_WEB:
                self.named_recently[identifier] += 1
                if self.named_recently[identifier] > settings.COORDINATED_NAMING_THRESHOLD:
                    flags.add("coordinated_naming")
        secret = item.tracking_secret or secrets.token_urlsafe(24)
        department = (
            self.departments.get(result.region.pk, self.central) if result.region else self.central
        )
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
            region=result.region,
            department=department,
            victim_age_band=data.victim_age_band,
            is_on_behalf=data.is_on_behalf,
            loss_amount=loss,
            priority=priority,
            priority_reasons=reasons,
            is_golden_hour=minutes is not None and minutes <= settings.GOLDEN_HOUR_MINUTES,
            registration_due_at=received + timedelta(hours=24),
            is_over_registration_threshold=loss >= settings.REGISTRATION_THRESHOLD_KZT,
            fingerprint=self.fingerprints[index],
            flags=sorted(flags),
        )
        return report, secret

    def _write_parts(
        self,
        new: list[tuple[int, IntakeItem, Validated, Report, str]],
        merges: list[tuple[int, IntakeItem, Validated, Report, bool]],
    ) -> None:
        # Rows below name their report by key (report_id=…), not by object: assigning a related
        # object runs a descriptor per field, a real cost at thousands of rows per call.
        contacts, sources, statuses, transfers = [], [], [], []
        indicator_rows: list[ReportIndicator] = []
        audit: list[PendingEntry] = []
        existing_keys = set(
            ReportIndicator.objects.filter(
                report__in=[entry[3] for entry in merges if entry[3].pk]
            ).values_list("report_id", "type", "value_hash")
        )
        for index, item, result, report, secret in new:
            data = result.data
            name = clean_text(data.reporter_name, 200)
            if name or result.contact_key:
                # A partner's report usually names no reporter: no empty restricted row then.
                contacts.append(
                    ReporterContact(
                        report_id=report.pk,
                        name=name,
                        phone=result.contact_phone,
                        email=data.reporter_email.strip()[:254],
                        contact_hash=contact_hash(result.contact_key) if result.contact_key else "",
                    )
                )
            sources.append(self._source(item, report))
            statuses.append(StatusChange(report_id=report.pk, status=ReportStatus.SUBMITTED))
            for transfer_input, found in zip(data.transfers, result.targets, strict=False):
                transfers.append((index, report, self._transfer(transfer_input, found, report)))
            indicator_rows.extend(self._indicators(index, report, existing_keys))
            audit.append(
                PendingEntry(
                    action="reports.report.submit",
                    target=report,
                    purpose=f"intake through {item.channel}",
                    after={"priority": report.priority, "department": report.department_id},
                )
            )
            self.results[index] = SubmittedReport(
                report=report, tracking_secret=secret, is_duplicate=False
            )
        for index, item, _result, earlier, same_submission in merges:
            self.results[index] = SubmittedReport(
                report=earlier, tracking_secret=None, is_duplicate=True
            )
            if same_submission:
                continue  # a repeat of the same form or partner reference adds nothing
            sources.append(self._source(item, earlier))
            indicator_rows.extend(self._indicators(index, earlier, existing_keys))
            audit.append(
                PendingEntry(
                    action="reports.report.merge",
                    target=earlier,
                    purpose=f"same transfer reported through {item.channel}",
                )
            )
        bulk_insert(contacts)
        bulk_insert(sources)
        bulk_insert(statuses)
        bulk_insert([transfer for *_, transfer in transfers])
        bulk_insert(indicator_rows)
        self._alert_banks(transfers, audit)
        self._store_attachments(new)
        # Last: the audit chain is locked from here to the commit, so concurrent batches wait
        # for each other only this long.
        audit_record_many(actor=self.actor, entries=audit, client_address=self.client_address)

    def _source(self, item: IntakeItem, report: Report) -> ReportSource:
        organisation = item.source_organisation
        return ReportSource(
            report_id=report.pk,
            channel=item.channel,
            organisation_id=organisation.pk if organisation is not None else None,
            external_reference=item.data.external_reference,
            narrative=clean_text(item.data.narrative, MAXIMUM_NARRATIVE),
        )

    def _transfer(
        self, transfer: TransferInput, target: indicators.Indicator | None, report: Report
    ) -> ReportTransfer:
        receiving = None
        if transfer.receiving_bank_code:
            receiving = self.banks_by_code.get(transfer.receiving_bank_code)
        elif target is not None and target.type.value == "iban" and target.value.startswith("KZ"):
            receiving = self.banks_by_iban.get(target.value[4:7])
        from_found = indicators.extract(transfer.from_account) if transfer.from_account else []
        return ReportTransfer(
            report=report,
            sending_bank=self.banks_by_code.get(transfer.sending_bank_code),
            receiving_bank=receiving,
            # The victim's own account: kept masked, the bank is what matters.
            from_account_masked=from_found[0].masked if from_found else "",
            to_type=target.type.value if target else "",
            to_value=target.value if target else "",
            to_masked=target.masked if target else "",
            amount=transfer.amount,
            currency=transfer.currency.upper(),
            transferred_at=transfer.transferred_at,
            reference=clean_text(transfer.reference, 100),
        )

    def _indicators(
        self, index: int, report: Report, existing: set[tuple[int, str, str]]
    ) -> list[ReportIndicator]:
        rows = []
        for found, source, identifier in self.hashes[index]:
            key = (report.pk, found.type.value, identifier)
            if key in existing:
                continue
            existing.add(key)
            rows.append(
                ReportIndicator(
                    report_id=report.pk,
                    type=found.type.value,
                    value=found.value[:300],
                    value_hash=identifier,
                    masked=found.masked[:300],
                    source=source,
                    is_suspicious=found.suspicious,
                )
            )
        return rows

    def _alert_banks(
        self, transfers: list[tuple[int, Report, ReportTransfer]], audit: list[PendingEntry]
    ) -> None:
        """Golden hour: tell each receiving bank at once (through the outbox)."""
        requests: list[tuple[int, blocking_services.AlertRequest]] = []
        for index, report, transfer in transfers:
            minutes = _minutes(transfer.transferred_at, report.received_at)
            if (
                transfer.receiving_bank is None
                or minutes is None
                or minutes > settings.GOLDEN_HOUR_MINUTES
                or "coordinated_naming" in report.flags
            ):
                continue
            requests.append(
                (
                    index,
                    blocking_services.AlertRequest(
                        report=report,
                        transfer=transfer,
                        bank=transfer.receiving_bank,
                        minutes_since_transfer=minutes,
                    ),
                )
            )
        alerts = blocking_services.hold_alerts_create(
            actor=self.actor,
            requests=[request for _index, request in requests],
            audit_entries=audit,
        )
        for (index, _request), alert in zip(requests, alerts, strict=True):
            result = self.results[index]
            if isinstance(result, SubmittedReport):
                result.hold_alerts.append(alert)

    def _store_attachments(self, new: list[tuple[int, IntakeItem, Validated, Report, str]]) -> None:
        from kuzet.reports.services.casework import attachment_store  # noqa: PLC0415

        for _index, item, _result, report, _secret in new:
            for upload in item.attachments:
                attachment_store(
                    report=report, upload=upload, added_by_reporter=item.channel != Channel.STAFF
                )


def indicators_add(report: Report, found: list[indicators.Indicator], source: str) -> None:
    """Add identifiers to an existing report (from a reporter's later message)."""
    existing = set(report.indicators.values_list("type", "value_hash"))
    rows = {}
    for indicator in found:
        identifier = identifier_hash(indicator.type.value, indicator.value)
        if (indicator.type.value, identifier) in existing:
            continue
        rows[(indicator.type.value, identifier)] = ReportIndicator(
            report=report,
            type=indicator.type.value,
            value=indicator.value[:300],
            value_hash=identifier,
            masked=indicator.masked[:300],
            source=source,
            is_suspicious=indicator.suspicious,
        )
    ReportIndicator.objects.bulk_create(rows.values())
