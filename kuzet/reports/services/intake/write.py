"""Writing: a batch's decisions as bulk inserts, hold alerts, attachments and audit entries."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings

from kuzet import indicators
from kuzet.audit.services import PendingEntry, audit_record_many
from kuzet.blocking import services as blocking_services
from kuzet.core.actors import Actor
from kuzet.core.bulk import bulk_insert
from kuzet.reports.models import (
    Channel,
    Report,
    ReportAction,
    ReporterContact,
    ReportFlag,
    ReportIndicator,
    ReportSource,
    ReportStatus,
    ReportTransfer,
    StatusChange,
)
from kuzet.reports.services.attachments import attachment_store
from kuzet.reports.services.intake.decide import Decision, Merge, NewReport
from kuzet.reports.services.intake.hashing import contact_hash, identifier_hash
from kuzet.reports.services.intake.inputs import IntakeItem, SubmittedReport, TransferInput
from kuzet.reports.services.intake.lookups import Lookups
from kuzet.reports.services.intake.triage import minutes_since
from kuzet.reports.services.intake.validation import MAXIMUM_NARRATIVE, clean_text


def decisions_write(
    decisions: Sequence[Decision],
    lookups: Lookups,
    *,
    actor: Actor | None,
    client_address: str | None,
) -> dict[int, SubmittedReport]:
    """Write every decision of a batch; return each row's outcome by its index in the batch."""
    new = [decision for decision in decisions if isinstance(decision, NewReport)]
    merges = [decision for decision in decisions if isinstance(decision, Merge)]
    bulk_insert([decision.report for decision in new])
    return _Writer(lookups, actor=actor, client_address=client_address).write(new, merges)


class _Writer:
    def __init__(
        self, lookups: Lookups, *, actor: Actor | None, client_address: str | None
    ) -> None:
        self.lookups = lookups
        self.actor = actor
        self.client_address = client_address
        self.results: dict[int, SubmittedReport] = {}

    def write(self, new: list[NewReport], merges: list[Merge]) -> dict[int, SubmittedReport]:
        # Rows below name their report by key (report_id=…), not by object: assigning a related
        # object runs a descriptor per field, a real cost at thousands of rows per call.
        contacts, sources, statuses = [], [], []
        transfers: list[tuple[int, Report, ReportTransfer]] = []
        indicator_rows: list[ReportIndicator] = []
        audit: list[PendingEntry] = []
        existing_keys = set(
            ReportIndicator.objects.filter(
                report__in=[merge.into for merge in merges if merge.into.pk]
            ).values_list("report_id", "type", "value_hash")
        )
        for decision in new:
            row, report = decision.row, decision.report
            result = row.validated
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
            sources.append(self._source(row.item, report))
            statuses.append(StatusChange(report_id=report.pk, status=ReportStatus.SUBMITTED))
            for transfer_input, found in zip(data.transfers, result.targets, strict=False):
                transfers.append((row.index, report, self._transfer(transfer_input, found, report)))
            indicator_rows.extend(self._indicators(row.index, report, existing_keys))
            audit.append(
                PendingEntry(
                    action=ReportAction.REPORT_SUBMIT,
                    target=report,
                    purpose=f"intake through {row.item.channel}",
                    after={"priority": report.priority, "department": report.department_id},
                )
            )
            self.results[row.index] = SubmittedReport(
                report=report, tracking_secret=decision.tracking_secret, is_duplicate=False
            )
        for merge in merges:
            row, earlier = merge.row, merge.into
            self.results[row.index] = SubmittedReport(
                report=earlier, tracking_secret=None, is_duplicate=True
            )
            if merge.is_same_submission:
                continue  # a repeat of the same form or partner reference adds nothing
            sources.append(self._source(row.item, earlier))
            indicator_rows.extend(self._indicators(row.index, earlier, existing_keys))
            audit.append(
                PendingEntry(
                    action=ReportAction.REPORT_MERGE,
                    target=earlier,
                    purpose=f"same transfer reported through {row.item.channel}",
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
        return self.results

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
        # The receiving bank, most certain first: named by the reporting bank, then the bank
        # code inside a Kazakh IBAN, then the issuer of the card's BIN.
        receiving = None
        if transfer.receiving_bank_code:
            receiving = self.lookups.banks_by_code.get(transfer.receiving_bank_code)
        elif target is None:
            pass
        elif target.type == indicators.IndicatorType.IBAN and target.value.startswith("KZ"):
            receiving = self.lookups.banks_by_iban.get(target.value[4:7])
        elif target.type == indicators.IndicatorType.CARD:
            receiving = self.lookups.bank_for_card(target.value)
        from_found = indicators.extract(transfer.from_account) if transfer.from_account else []
        return ReportTransfer(
            report=report,
            sending_bank=self.lookups.banks_by_code.get(transfer.sending_bank_code),
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
        for found, source, identifier in self.lookups.hashes[index]:
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
            minutes = minutes_since(transfer.transferred_at, report.received_at)
            if (
                transfer.receiving_bank is None
                or minutes is None
                or minutes > settings.GOLDEN_HOUR_MINUTES
                or ReportFlag.COORDINATED_NAMING in report.flags
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
            self.results[index].hold_alerts.append(alert)

    def _store_attachments(self, new: list[NewReport]) -> None:
        for decision in new:
            item = decision.row.item
            for upload in item.attachments:
                attachment_store(
                    report=decision.report,
                    upload=upload,
                    added_by_reporter=item.channel != Channel.STAFF,
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
