"""Large uploads of reports, taken in by the background worker in committed chunks."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task
from pydantic import ValidationError

from kuzet.accounts.models import ApiClient
from kuzet.audit.services import SystemActor, audit_record
from kuzet.reports.models import (
    ImportRowOutcome,
    ImportStatus,
    ReportAction,
    ReportImport,
    ReportImportRow,
)
from kuzet.reports.schemas import ReportIn
from kuzet.reports.services.intake import IntakeItem, ReportInvalid, report_submit_many

MAXIMUM_IMPORT_ROWS = 50_000
CHUNK = 500


def report_import_create(
    *, actor: Any, organisation: Any, channel: str, rows: list[dict[str, Any]]
) -> ReportImport:
    """Store an upload and queue it for the worker; answers at once with the import to poll."""
    with transaction.atomic():
        report_import = ReportImport.objects.create(
            organisation=organisation,
            api_client=actor if isinstance(actor, ApiClient) else None,
            channel=channel,
            total=len(rows),
        )
        ReportImportRow.objects.bulk_create(
            ReportImportRow(report_import=report_import, row=index, payload=row)
            for index, row in enumerate(rows)
        )
        audit_record(
            actor=actor,
            action=ReportAction.IMPORT_CREATE,
            target=report_import,
            after={"rows": len(rows)},
        )
        transaction.on_commit(lambda: import_run.enqueue(report_import.pk))
    return report_import


def report_import_run_chunk(*, report_import: ReportImport) -> bool:
    """Take in the next chunk of unprocessed rows. Returns False when nothing is left.

    The chunk and its progress commit together: a worker killed between chunks loses nothing,
    and a chunk is never half-applied.
    """
    with transaction.atomic():
        rows = list(
            ReportImportRow.objects.select_for_update()
            .filter(report_import=report_import, outcome="")  # not yet processed
            .order_by("row")[:CHUNK]
        )
        if not rows:
            ReportImport.objects.filter(pk=report_import.pk).update(
                status=ImportStatus.DONE, finished_at=timezone.now()
            )
            return False
        items: list[IntakeItem] = []
        pending: list[ReportImportRow] = []
        for row in rows:
            try:
                data = ReportIn.model_validate(row.payload).to_input()
            except ValidationError as error:
                row.outcome = ImportRowOutcome.INVALID
                row.errors = {
                    ".".join(str(part) for part in detail["loc"]) or "row": detail["msg"]
                    for detail in error.errors()
                }
                continue
            items.append(
                IntakeItem(
                    data=data,
                    channel=report_import.channel,
                    source_organisation=report_import.organisation,
                )
            )
            pending.append(row)
        actor = report_import.api_client or SystemActor("import")
        for row, outcome in zip(pending, report_submit_many(actor=actor, items=items), strict=True):
            if isinstance(outcome, ReportInvalid):
                row.outcome, row.errors = ImportRowOutcome.INVALID, outcome.errors
            else:
                row.outcome = (
                    ImportRowOutcome.MERGED if outcome.is_duplicate else ImportRowOutcome.CREATED
                )
                row.report = outcome.report
        ReportImportRow.objects.bulk_update(rows, ["outcome", "errors", "report"])
        counts = {
            outcome: sum(row.outcome == outcome for row in rows) for outcome in ImportRowOutcome
        }
        ReportImport.objects.filter(pk=report_import.pk).update(
            status=ImportStatus.RUNNING,
            processed=F("processed") + len(rows),
            created=F("created") + counts[ImportRowOutcome.CREATED],
            merged=F("merged") + counts[ImportRowOutcome.MERGED],
            invalid=F("invalid") + counts[ImportRowOutcome.INVALID],
        )
    return True


def report_import_run(*, import_id: int) -> ReportImport:
    """Run an import to its end (the worker's task)."""
    report_import = ReportImport.objects.select_related("organisation", "api_client").get(
        pk=import_id
    )
    while report_import_run_chunk(report_import=report_import):
        pass
    report_import.refresh_from_db()
    return report_import


# Defined here rather than in tasks.py so that the service that queues it needs no import from
# the layer above it.
@task()
def import_run(import_id: int) -> int:
    """The worker's task: take in a queued import; returns how many rows it processed."""
    return report_import_run(import_id=import_id).processed
