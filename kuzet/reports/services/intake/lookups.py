"""What a batch needs to know from the database, read with a fixed number of queries.

``lookups_load`` reads it all, in the one order that is safe, and returns one frozen value:
the organisations that route and receive, how often the batch's identifiers were seen, and the
earlier reports each row may belong to. Deciding and writing read it and never query again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from django.db import connection
from django.db.models import Count

from kuzet import indicators, reference
from kuzet.accounts.models import CardPrefix, Organisation, OrganisationKind
from kuzet.reports.models import Channel, Report, ReporterContact, ReportIndicator, ReportSource
from kuzet.reports.services.intake.hashing import contact_hash, identifier_hash
from kuzet.reports.services.intake.validation import TRANSFER_TARGET_TYPES, ValidRow

SAME_TRANSFER_WINDOW = timedelta(days=30)
SAME_REPORTER_WINDOW = timedelta(days=7)
# How far back public-form reports count towards coordinated naming of one identifier.
NAMING_WINDOW = timedelta(hours=24)


class HashedIdentifier(NamedTuple):
    """An identifier found in a report, where it was found, and its keyed hash."""

    found: indicators.Indicator
    source: str
    value_hash: str


@dataclass(frozen=True)
class Lookups:
    """Everything a batch reads before it decides; keyed by the row's index in the batch where
    it is per row."""

    banks_by_code: Mapping[str, Organisation]
    # The three digits of a Kazakh IBAN that name the bank.
    banks_by_iban: Mapping[str, Organisation]
    # Card prefix (BIN) → issuing bank, only the prefixes of the batch's transfer cards.
    banks_by_card_prefix: Mapping[str, Organisation]
    # Region primary key → that region's department.
    departments: Mapping[int, Organisation]
    central: Organisation
    fingerprints: Mapping[int, str]
    hashes: Mapping[int, list[HashedIdentifier]]
    # Identifier hash → how many stored reports name it.
    seen_in: Mapping[str, int]
    # Identifier hash → public-form reports naming it in the naming window.
    named_recently: Mapping[str, int]
    by_submission_key: Mapping[str, Report]
    by_reference: Mapping[tuple[int, str], Report]
    by_fingerprint: Mapping[str, Report]
    # (reporter's contact hash, identifier hash) → that reporter's recent report naming it.
    by_contact: Mapping[tuple[str, str], Report]

    def bank_for_card(self, number: str) -> Organisation | None:
        """The bank whose BIN is the longest known prefix of the card ``number``."""
        for length in sorted(reference.CARD_PREFIX_LENGTHS, reverse=True):
            bank = self.banks_by_card_prefix.get(number[:length])
            if bank is not None and len(number) > length:
                return bank
        return None


def lookups_load(rows: Sequence[ValidRow], *, fingerprints: Mapping[int, str]) -> Lookups:
    """Read what ``rows`` need, inside the caller's transaction.

    Statistics and reporter look-ups need no lock; reading them first keeps the transfer locks
    held only from the look-up they protect to the commit.
    """
    organisations = _organisations()
    hashes = {
        row.index: [
            HashedIdentifier(found, source, identifier_hash(found.type.value, found.value))
            for found, source in row.validated.found()
        ]
        for row in rows
    }
    oldest = min(row.received_at for row in rows)
    every_hash = {value.value_hash for values in hashes.values() for value in values}
    statistics = _identifier_statistics(rows, hashes, every_hash, oldest)
    by_contact = _reporters_reports(rows, every_hash, oldest)
    _lock_transfers(fingerprints)
    by_submission_key, by_reference, by_fingerprint = _earlier_reports(rows, fingerprints, oldest)
    banks = [row for row in organisations if row.kind == OrganisationKind.BANK]
    return Lookups(
        banks_by_code={row.code: row for row in banks},
        banks_by_iban={row.iban_bank_code: row for row in banks},
        banks_by_card_prefix=_banks_by_card_prefix(rows, banks),
        departments={
            row.region_id: row
            for row in organisations
            if row.kind == OrganisationKind.REGIONAL and row.region_id is not None
        },
        central=next(row for row in organisations if row.kind == OrganisationKind.CENTRAL),
        fingerprints=fingerprints,
        hashes=hashes,
        seen_in=statistics[0],
        named_recently=statistics[1],
        by_submission_key=by_submission_key,
        by_reference=by_reference,
        by_fingerprint=by_fingerprint,
        by_contact=by_contact,
    )


def _organisations() -> list[Organisation]:
    return list(
        Organisation.objects.filter(
            kind__in=[OrganisationKind.BANK, OrganisationKind.REGIONAL, OrganisationKind.CENTRAL]
        )
    )


def _banks_by_card_prefix(
    rows: Sequence[ValidRow], banks: list[Organisation]
) -> dict[str, Organisation]:
    """The issuing banks of every card the batch's transfers went to, in one query.

    Every prefix length of every card is asked for at once; ``Lookups.bank_for_card`` then
    takes the longest that matched. A batch without a card transfer asks nothing.
    """
    candidates = {
        target.value[:length]
        for row in rows
        for target in row.validated.targets
        if target is not None and target.type == indicators.IndicatorType.CARD
        for length in reference.CARD_PREFIX_LENGTHS
    }
    if not candidates:
        return {}
    by_id = {bank.pk: bank for bank in banks}
    return {
        prefix: by_id[bank_id]
        for prefix, bank_id in CardPrefix.objects.filter(prefix__in=candidates).values_list(
            "prefix", "bank_id"
        )
        if bank_id in by_id
    }


def _lock_transfers(fingerprints: Mapping[int, str]) -> None:
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
         for value in fingerprints.values() if value}
    )  # fmt: skip
    if keys:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(pg_advisory_xact_lock(key)) FROM unnest(%s::bigint[]) AS key",
                [keys],
            )


def _identifier_statistics(
    rows: Sequence[ValidRow],
    hashes: Mapping[int, list[HashedIdentifier]],
    every_hash: set[str],
    oldest: datetime,
) -> tuple[dict[str, int], Counter[str]]:
    seen_in = dict(
        ReportIndicator.objects.filter(value_hash__in=every_hash)
        .values_list("value_hash")
        .annotate(reports=Count("report", distinct=True))
    )
    public_hashes = {
        value.value_hash
        for row in rows
        if row.item.channel == Channel.PUBLIC_WEB
        for value in hashes[row.index]
    }
    named_recently: Counter[str] = Counter(
        dict(
            ReportIndicator.objects.filter(
                value_hash__in=public_hashes,
                report__channel=Channel.PUBLIC_WEB,
                report__received_at__gte=oldest - NAMING_WINDOW,
            )
            .values_list("value_hash")
            .annotate(count=Count("id"))
        )
    )
    return seen_in, named_recently


def _reporters_reports(
    rows: Sequence[ValidRow], every_hash: set[str], oldest: datetime
) -> dict[tuple[str, str], Report]:
    contact_hashes = {
        contact_hash(row.validated.contact_key)
        for row in rows
        if row.validated.contact_key and not row.validated.data.transfers
    }
    by_contact: dict[tuple[str, str], Report] = {}
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
        by_contact.setdefault((contact.contact_hash, value_hash), contact.report)
    return by_contact


def _earlier_reports(
    rows: Sequence[ValidRow], fingerprints: Mapping[int, str], oldest: datetime
) -> tuple[dict[str, Report], dict[tuple[int, str], Report], dict[str, Report]]:
    keys = [row.item.data.submission_key for row in rows if row.item.data.submission_key]
    by_submission_key = {
        report.submission_key: report
        for report in Report.objects.filter(submission_key__in=keys).select_related("department")
        if report.submission_key is not None
    }
    references = {
        (row.item.source_organisation.pk, row.item.data.external_reference)
        for row in rows
        if row.item.data.external_reference and row.item.source_organisation is not None
    }
    # Filtered by organisation too, and on a non-empty reference: the unique index on
    # (organisation, external_reference) answers it; by reference alone PostgreSQL read the
    # whole table of sources for every batch.
    by_reference = {
        (source.organisation_id, source.external_reference): source.report
        for source in ReportSource.objects.filter(
            organisation_id__in={organisation for organisation, _ in references},
            external_reference__in={reference for _, reference in references},
        )
        .exclude(external_reference="")
        .select_related("report__department")
        if source.organisation_id is not None
        and (source.organisation_id, source.external_reference) in references
    }
    by_fingerprint: dict[str, Report] = {}
    for report in (
        Report.objects.filter(
            fingerprint__in=[value for value in fingerprints.values() if value],
            received_at__gte=oldest - SAME_TRANSFER_WINDOW,
        )
        .select_related("department")
        .order_by("received_at")
    ):
        by_fingerprint.setdefault(report.fingerprint, report)
    return by_submission_key, by_reference, by_fingerprint
