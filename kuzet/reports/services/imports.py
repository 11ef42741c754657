"""Large uploads of reports, taken in by the background worker in committed chunks."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task
from pydantic import ValidationError

from kuzet.accounts.models import ApiClient, Organisation
from kuzet.audit.models import Outcome
from kuzet.audit.services import SystemActor, audit_record
from kuzet.core.actors import ActionDenied, Actor, actor_organisation, is_system, require_capability
from kuzet.core.permissions import Capability
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
    *, actor: Actor, organisation: Organisation, channel: str, rows: list[dict[str, Any]]
) -> ReportImport:
    """Store an upload and queue it for the worker; answers at once with the import to poll.

    Needs ``IMPORT_REPORTS``, for the actor's own organisation on the channel of its kind.
    """
    require_capability(actor, Capability.IMPORT_REPORTS)
    acting = actor_organisation(actor)
    if not is_system(actor) and (
        acting is None or acting.pk != organisation.pk or channel != organisation.kind
    ):
        raise ActionDenied(
            Capability.IMPORT_REPORTS,
            "A partner imports reports only for its own organisation, on its own channel.",
        )
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


IMPORT_STOPPED_ERROR = (
    "Not taken in: the token that uploaded this import was revoked, expired or lost the scope "
    "reports:write before the row was reached. Upload the rows again with a valid token."
)


def _import_stop(report_import: ReportImport) -> None:
    """End an import whose uploader may no longer submit: the rest of its rows are refused.

    A token revoked because it leaked must not keep feeding reports in through a queued import.
    """
    with transaction.atomic():
        remaining = ReportImportRow.objects.filter(report_import=report_import, outcome="")
        count = remaining.update(outcome="invalid", errors={"token": IMPORT_STOPPED_ERROR})
        ReportImport.objects.filter(pk=report_import.pk).update(
            status=ImportStatus.DONE,
            processed=F("processed") + count,
            invalid=F("invalid") + count,
            finished_at=timezone.now(),
        )
        audit_record(
            actor=SystemActor("import"),
            action=ReportAction.IMPORT_STOP,
            outcome=Outcome.DENIED,
            target=report_import,
            purpose="the uploading token may no longer submit reports",
            after={"refused_rows": count},
        )


def report_import_run_chunk(*, report_import: ReportImport) -> bool:
    """Take in the next chunk of unprocessed rows. Returns False when nothing is left.

    The chunk and its progress commit together: a worker killed between chunks loses nothing,
    and a chunk is never half-applied. Each chunk is taken in as the token that uploaded it,
    which must still be allowed to submit; otherwise the rest of the import is refused.
    """
    uploader = report_import.api_client
    if uploader is not None:
        uploader.refresh_from_db(fields=["revoked_at", "expires_at", "scopes"])
        if not uploader.has_capability(Capability.SUBMIT_REPORTS):
            _import_stop(report_import)
            return False

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
