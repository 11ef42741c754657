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
from pydantic import ValidationError

from kuzet.accounts.models import ApiClient, Organisation
from kuzet.audit.services import SystemActor, audit_record
from kuzet.core.text import contains_nul
from kuzet.reports.models import ImportStatus, ReportImport, ReportImportRow
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
    *, actor: Any, organisation: Organisation, channel: str, rows: list[dict[str, Any]]
) -> ReportImport:
    """Store an upload and queue it for the worker; answers at once with the import to poll.

    Raises ``ImportQuotaExceeded`` when the organisation is over a quota. A row holding a NUL
    (which PostgreSQL cannot store) is recorded as invalid at once; the other rows go on.
    """
    from kuzet.reports.tasks import import_work  # noqa: PLC0415  (tasks import services)

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
                        outcome="invalid",
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
            action="reports.import.create",
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


def report_import_run_chunk(*, report_import: ReportImport) -> bool:
    """Take in the next chunk of unprocessed rows. Returns False when nothing was left.

    The chunk and its progress commit together: a worker killed between chunks loses nothing,
    and a chunk is never half-applied.
    """
    from kuzet.reports.schemas import ReportIn  # noqa: PLC0415  (schemas import services)

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
                row.outcome = "invalid"
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
                row.outcome, row.errors = "invalid", outcome.errors
            else:
                row.outcome = "merged" if outcome.is_duplicate else "created"
                row.report = outcome.report
        ReportImportRow.objects.bulk_update(rows, ["outcome", "errors", "report"])
        counts = {
            name: sum(row.outcome == name for row in rows)
            for name in ("created", "merged", "invalid")
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
            created=F("created") + counts["created"],
            merged=F("merged") + counts["merged"],
            invalid=F("invalid") + counts["invalid"],
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
