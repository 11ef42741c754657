"""Large uploads of reports, taken in by the background worker in committed chunks.

Fair to every partner (issue 10 §2): a partner may have ``IMPORTS_IN_PROGRESS_PER_PARTNER``
imports queued or running and upload ``IMPORT_ROWS_PER_PARTNER_PER_DAY`` rows in any 24 hours;
past either, ``report_import_create`` raises ``ImportQuotaExceeded`` with the seconds to wait
(the API's 429 and ``Retry-After``). The worker takes one chunk at a time from the partner it
served longest ago (round-robin across partners, oldest import first within a partner), so a
one-row import waits for at most one chunk of each other partner's work, not their whole imports.
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django_tasks import task
from pydantic import ValidationError

from kuzet.accounts.models import ApiClient, Organisation
from kuzet.audit.models import Outcome
from kuzet.audit.services import SystemActor, audit_record
from kuzet.core.actors import ActionDenied, Actor, actor_organisation, is_system, require_capability
from kuzet.core.permissions import Capability
from kuzet.core.text import contains_nul, field_path
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
QUOTA_WINDOW = timedelta(hours=24)
# How long a partner at its in-progress limit is told to wait: about what a chunk of each
# partner's work takes, after which one of its imports may have finished.
IN_PROGRESS_RETRY_SECONDS = 60
IN_PROGRESS = (ImportStatus.QUEUED, ImportStatus.RUNNING)
NUL_ROW_ERRORS = {"row": "Contains a NUL character, which cannot be stored; remove it."}


class ImportQuotaExceeded(Exception):
    """The partner is over one of its import quotas; ``retry_after`` is in whole seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        self.message = message
        self.retry_after = retry_after
        super().__init__(message)


def _check_quotas(organisation: Organisation, rows: int) -> None:
    """Raise ``ImportQuotaExceeded`` when ``organisation`` may not upload ``rows`` more rows now.

    Called with the organisation's row locked, so two uploads at once cannot both pass.
    """
    imports = ReportImport.objects.filter(organisation=organisation)
    in_progress_limit = settings.IMPORTS_IN_PROGRESS_PER_PARTNER
    if imports.filter(status__in=IN_PROGRESS).count() >= in_progress_limit:
        raise ImportQuotaExceeded(
            f"Your organisation already has {in_progress_limit} imports queued or running; "
            "send this one when one of them is done.",
            IN_PROGRESS_RETRY_SECONDS,
        )
    daily_limit = settings.IMPORT_ROWS_PER_PARTNER_PER_DAY
    if rows > daily_limit:
        raise ImportQuotaExceeded(
            f"An import may carry at most {daily_limit} rows a day; split it.", 86_400
        )
    now = timezone.now()
    recent = list(
        imports.filter(created_at__gt=now - QUOTA_WINDOW)
        .order_by("created_at")
        .values_list("created_at", "total")
    )
    used = sum(total for _created_at, total in recent)
    if used + rows <= daily_limit:
        return
    # The rolling window frees rows as the oldest imports in it turn 24 hours old.
    still_counted = used
    wait = QUOTA_WINDOW
    for created_at, total in recent:
        still_counted -= total
        if still_counted + rows <= daily_limit:
            wait = created_at + QUOTA_WINDOW - now
            break
    raise ImportQuotaExceeded(
        f"Your organisation may import {daily_limit} rows in 24 hours and has used {used} of "
        f"them; these {rows} rows fit once older imports leave the window.",
        max(1, math.ceil(wait.total_seconds())),
    )


def report_import_create(
    *, actor: Actor, organisation: Organisation, channel: str, rows: list[dict[str, Any]]
) -> ReportImport:
    """Store an upload and queue it for the worker; answers at once with the import to poll.

    Needs ``IMPORT_REPORTS``, for the actor's own organisation on the channel of its kind.
    Raises ``ImportQuotaExceeded`` when the organisation is over a quota. A row holding a NUL
    (which PostgreSQL cannot store) is recorded as invalid at once; the other rows go on.
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
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        _check_quotas(organisation, len(rows))
        report_import = ReportImport.objects.create(
            organisation=organisation,
            api_client=actor if isinstance(actor, ApiClient) else None,
            channel=channel,
            total=len(rows),
        )
        import_rows = []
        refused = 0
        for index, row in enumerate(rows):
            if contains_nul(row):
                refused += 1
                import_rows.append(
                    ReportImportRow(
                        report_import=report_import,
                        row=index,
                        payload={},
                        outcome=ImportRowOutcome.INVALID,
                        errors=NUL_ROW_ERRORS,
                    )
                )
            else:
                import_rows.append(
                    ReportImportRow(report_import=report_import, row=index, payload=row)
                )
        ReportImportRow.objects.bulk_create(import_rows)
        if refused:
            ReportImport.objects.filter(pk=report_import.pk).update(
                processed=refused, invalid=refused
            )
            report_import.processed = report_import.invalid = refused
        audit_record(
            actor=actor,
            action=ReportAction.IMPORT_CREATE,
            target=report_import,
            after={"rows": len(rows)},
        )
        transaction.on_commit(lambda: import_work.enqueue())
    return report_import


def report_import_next() -> ReportImport | None:
    """The import whose chunk the worker takes next, or None when no import waits.

    Round-robin across partners: the organisation whose imports were worked longest ago (never
    before first), and within it its oldest unfinished import. Quotas keep the candidates few.
    """
    waiting = list(
        ReportImport.objects.filter(status__in=IN_PROGRESS)
        .select_related("organisation", "api_client")
        .order_by("created_at", "pk")
    )
    if not waiting:
        return None
    served_at: dict[int, Any] = dict(
        ReportImport.objects.filter(
            organisation_id__in={report_import.organisation_id for report_import in waiting},
            worked_at__isnull=False,
        )
        .values("organisation_id")
        .annotate(latest=Max("worked_at"))
        .values_list("organisation_id", "latest")
    )
    oldest_per_organisation: dict[int, ReportImport] = {}
    for report_import in waiting:
        oldest_per_organisation.setdefault(report_import.organisation_id, report_import)
    never = timezone.now() - timedelta(days=36_500)
    return min(
        oldest_per_organisation.values(),
        key=lambda report_import: (
            served_at.get(report_import.organisation_id, never),
            report_import.created_at,
        ),
    )


def report_import_work_next() -> ReportImport | None:
    """Take one chunk of the import chosen by ``report_import_next``; the import, or None."""
    report_import = report_import_next()
    if report_import is not None:
        report_import_run_chunk(report_import=report_import)
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
        count = remaining.update(
            outcome=ImportRowOutcome.INVALID, errors={"token": IMPORT_STOPPED_ERROR}
        )
        now = timezone.now()
        ReportImport.objects.filter(pk=report_import.pk).update(
            status=ImportStatus.DONE,
            processed=F("processed") + count,
            invalid=F("invalid") + count,
            finished_at=now,
            worked_at=now,
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
    """Take in the next chunk of unprocessed rows. Returns False when nothing was left.

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
            .filter(report_import=report_import, outcome="")
            .order_by("row")[:CHUNK]
        )
        now = timezone.now()
        if not rows:
            ReportImport.objects.filter(pk=report_import.pk).update(
                status=ImportStatus.DONE, finished_at=now, worked_at=now
            )
            return False
        items: list[IntakeItem] = []
        pending: list[ReportImportRow] = []
        for row in rows:
            try:
                data = ReportIn.model_validate(row.payload).to_input()
            except ValidationError as error:
                row.outcome = ImportRowOutcome.INVALID
                row.errors = {field_path(detail["loc"]): detail["msg"] for detail in error.errors()}
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
        # The last chunk finishes the import, so a small import is done after one chunk.
        finished = not ReportImportRow.objects.filter(
            report_import=report_import, outcome=""
        ).exists()
        ReportImport.objects.filter(pk=report_import.pk).update(
            status=ImportStatus.DONE if finished else ImportStatus.RUNNING,
            finished_at=now if finished else None,
            worked_at=now,
            processed=F("processed") + len(rows),
            created=F("created") + counts[ImportRowOutcome.CREATED],
            merged=F("merged") + counts[ImportRowOutcome.MERGED],
            invalid=F("invalid") + counts[ImportRowOutcome.INVALID],
        )
    return True


def report_import_run(*, import_id: int) -> ReportImport:
    """Run one import to its end, whatever other partners wait (tools and resumption tests)."""
    report_import = ReportImport.objects.select_related("organisation", "api_client").get(
        pk=import_id
    )
    while report_import_run_chunk(report_import=report_import):
        pass
    report_import.refresh_from_db()
    return report_import


# The tasks are defined here rather than in tasks.py so that the service that queues them needs
# no import from the layer above it; tasks.py lists them under their stored paths.
@task()
def import_work() -> int:
    """Take chunks of waiting imports, one at a time and fairly across partners, until none wait.

    Every new import enqueues this task; a run that finds the work already taken by another ends
    at once. Each chunk is chosen afresh, so an import created while this runs is served next
    if its partner has waited longest. Returns how many chunks this run took.
    """
    chunks = 0
    while report_import_work_next() is not None:
        chunks += 1
    return chunks


@task()
def import_run(import_id: int) -> int:
    """Imports queued before fair scheduling named one import; all waiting work is now shared."""
    return import_work.call()
