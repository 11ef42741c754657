"""Partner API for reports: one at a time, in bulk (JSON or CSV), with Idempotency-Key."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest, JsonResponse
from ninja import File, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import ConfigDict, Field, ValidationError

from kuzet.accounts import services as accounts_services
from kuzet.accounts.access import get_visible_or_404
from kuzet.accounts.api import require_scope
from kuzet.accounts.models import ApiClient, ApiScope
from kuzet.audit.services import client_address_of
from kuzet.blocking import services as blocking_services
from kuzet.blocking.models import PartnerInboxItem
from kuzet.core.pagination import MAXIMUM_API_COUNT, BoundedPagination, capped_count
from kuzet.reports import services
from kuzet.reports.models import Report, ReportImport
from kuzet.reports.schemas import ReportIn

router = Router(tags=["reports"])

MAXIMUM_BULK_ROWS = 1000
CHANNEL_BY_KIND = {"bank": "bank", "telecom": "telecom", "platform": "platform"}


class ReportOut(Schema):
    public_id: str
    tracking_number: str
    status: str
    is_duplicate: bool = False
    priority: int
    department: str | None
    is_golden_hour: bool
    hold_alerts: int
    received_at: datetime


class BulkIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reports: list[dict[str, Any]] = Field(max_length=MAXIMUM_BULK_ROWS)


class RowResult(Schema):
    row: int
    outcome: Literal["created", "merged", "invalid"]
    report: ReportOut | None = None
    errors: dict[str, str] | None = None


class BulkOut(Schema):
    created: int
    merged: int
    invalid: int
    results: list[RowResult]


class ErrorOut(Schema):
    detail: str
    errors: dict[str, str] | None = None


def _report_out(
    report: Report, *, is_duplicate: bool = False, hold_alerts: int | None = None
) -> dict[str, Any]:
    return {
        "public_id": str(report.public_id),
        "tracking_number": report.tracking_number,
        "status": report.status,
        "is_duplicate": is_duplicate,
        "priority": report.priority,
        "department": report.department.code if report.department else None,
        "is_golden_hour": report.is_golden_hour,
        "hold_alerts": report.hold_alerts.count() if hold_alerts is None else hold_alerts,
        "received_at": report.received_at,
    }


def _channel(client: ApiClient) -> str:
    channel = CHANNEL_BY_KIND.get(client.organisation.kind)
    if channel is None:
        raise HttpError(403, "Only banks, telecom operators and platforms submit reports here.")
    return channel


def _submit_one(request: HttpRequest, client: ApiClient, report_in: ReportIn) -> RowResult:
    try:
        submitted = services.report_submit(
            actor=client,
            channel=_channel(client),
            data=report_in.to_input(),
            source_organisation=client.organisation,
            client_address=client_address_of(request),
        )
    except services.ReportInvalid as error:
        return RowResult(row=0, outcome="invalid", errors=error.errors)
    return RowResult(
        row=0,
        outcome="merged" if submitted.is_duplicate else "created",
        report=ReportOut(**_report_out(submitted.report, is_duplicate=submitted.is_duplicate)),
    )


def _idempotent(
    request: HttpRequest, client: ApiClient, endpoint: str, handler: Any
) -> tuple[int, dict[str, Any]]:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return handler()  # type: ignore[no-any-return]
    try:
        return accounts_services.idempotent_call(
            api_client=client, endpoint=endpoint, key=key, body=request.body, handler=handler
        )
    except accounts_services.IdempotencyConflict as conflict:
        raise HttpError(conflict.status, conflict.message) from conflict


@router.post(
    "/reports",
    response={201: ReportOut, 200: ReportOut, 422: ErrorOut},
    summary="Submit one report (Idempotency-Key honoured)",
)
def report_create(request: HttpRequest, payload: ReportIn) -> Status[Any]:
    client = require_scope(request, ApiScope.REPORTS_WRITE)

    def handler() -> tuple[int, dict[str, Any]]:
        result = _submit_one(request, client, payload)
        if result.outcome == "invalid":
            return 422, {
                "detail": "The report has errors; fix the fields named.",
                "errors": result.errors,
            }
        report = result.report.model_dump() if result.report else {}
        return (201 if result.outcome == "created" else 200), report

    return Status(*_idempotent(request, client, "reports.create", handler))


def _bulk(request: HttpRequest, client: ApiClient, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Validate every row, then submit the valid ones as one intake batch.

    Rows are answered as plain dictionaries (the ``BulkOut`` schema documents them): building
    and re-validating a thousand response models would cost more than the intake itself.
    """
    channel = _channel(client)
    results: list[dict[str, Any] | None] = []
    items: list[services.IntakeItem] = []
    positions: list[int] = []
    for index, row in enumerate(rows):
        try:
            report_in = ReportIn.model_validate(row)
        except ValidationError as error:
            errors = {
                ".".join(str(part) for part in detail["loc"]) or "row": detail["msg"]
                for detail in error.errors()
            }
            results.append({"row": index, "outcome": "invalid", "report": None, "errors": errors})
            continue
        results.append(None)
        positions.append(index)
        items.append(
            services.IntakeItem(
                data=report_in.to_input(), channel=channel, source_organisation=client.organisation
            )
        )
    submitted = services.report_submit_many(
        actor=client, items=items, client_address=client_address_of(request)
    )
    for index, outcome in zip(positions, submitted, strict=True):
        if isinstance(outcome, services.ReportInvalid):
            results[index] = {
                "row": index,
                "outcome": "invalid",
                "report": None,
                "errors": outcome.errors,
            }
            continue
        report = _report_out(
            outcome.report,
            is_duplicate=outcome.is_duplicate,
            hold_alerts=None if outcome.is_duplicate else len(outcome.hold_alerts),
        )
        report["received_at"] = report["received_at"].isoformat()
        results[index] = {
            "row": index,
            "outcome": "merged" if outcome.is_duplicate else "created",
            "report": report,
            "errors": None,
        }
    final = [result for result in results if result is not None]
    return {
        "created": sum(result["outcome"] == "created" for result in final),
        "merged": sum(result["outcome"] == "merged" for result in final),
        "invalid": sum(result["outcome"] == "invalid" for result in final),
        "results": final,
    }


@router.post(
    "/reports/bulk",
    response={200: BulkOut},
    summary=f"Submit up to {MAXIMUM_BULK_ROWS} reports; each row succeeds or fails alone",
)
def report_bulk(request: HttpRequest, payload: BulkIn) -> JsonResponse:
    client = require_scope(request, ApiScope.REPORTS_WRITE)
    status, body = _idempotent(
        request, client, "reports.bulk", lambda: (200, _bulk(request, client, payload.reports))
    )
    return JsonResponse(body, status=status)


CSV_COLUMNS = (
    "external_reference",
    "narrative",
    "language",
    "scheme",
    "region",
    "occurred_at",
    "reporter_name",
    "reporter_phone",
    "reporter_email",
    "suspect_identifiers",
    "amount",
    "currency",
    "to_account",
    "transferred_at",
    "receiving_bank",
    "reference",
)


def _row_from_csv(record: dict[str, str]) -> dict[str, Any]:
    """One CSV line → one report with at most one transfer (repeat the line for more)."""
    row: dict[str, Any] = {
        key: record[key].strip()
        for key in (
            "external_reference",
            "narrative",
            "language",
            "scheme",
            "region",
            "reporter_name",
            "reporter_phone",
            "reporter_email",
        )
        if record.get(key)
    }
    if record.get("occurred_at"):
        row["occurred_at"] = record["occurred_at"].strip()
    if record.get("suspect_identifiers"):
        row["suspect_identifiers"] = [
            value.strip() for value in record["suspect_identifiers"].split(";") if value.strip()
        ]
    if record.get("amount") or record.get("to_account"):
        transfer = {
            key: record[key].strip()
            for key in (
                "amount",
                "currency",
                "to_account",
                "transferred_at",
                "receiving_bank",
                "reference",
            )
            if record.get(key)
        }
        row["transfers"] = [transfer]
    return row


@router.post(
    "/reports/bulk.csv",
    response={200: BulkOut, 400: ErrorOut},
    summary="Submit reports as a CSV file (UTF-8, header row; columns listed in the description)",
    description="Columns: "
    + ", ".join(CSV_COLUMNS)
    + ". suspect_identifiers are separated by ';'.",
)
def report_bulk_csv(request: HttpRequest, file: File[UploadedFile]) -> Status[Any] | JsonResponse:
    client = require_scope(request, ApiScope.REPORTS_WRITE)
    raw = file.read(20 * 1024 * 1024 + 1)
    if len(raw) > 20 * 1024 * 1024:
        return Status(400, {"detail": "The file is larger than 20 MB; split it."})
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return Status(400, {"detail": "The file is not UTF-8 text; save it as CSV UTF-8."})
    reader = csv.DictReader(io.StringIO(text, newline=""))
    unknown = sorted(set(reader.fieldnames or ()) - set(CSV_COLUMNS))
    if not reader.fieldnames or unknown:
        return Status(
            400,
            {
                "detail": "Unknown or missing header columns: "
                + (", ".join(unknown) or "none")
                + ". Allowed: "
                + ", ".join(CSV_COLUMNS)
                + "."
            },
        )
    try:
        rows = [
            _row_from_csv(record)
            for _, record in zip(range(MAXIMUM_BULK_ROWS + 1), reader, strict=False)
        ]
    except csv.Error as error:
        return Status(400, {"detail": f"The CSV cannot be read: {error}."})
    if len(rows) > MAXIMUM_BULK_ROWS:
        return Status(400, {"detail": f"At most {MAXIMUM_BULK_ROWS} rows per file; split it."})
    status, body = _idempotent(
        request, client, "reports.bulk_csv", lambda: (200, _bulk(request, client, rows))
    )
    return JsonResponse(body, status=status)


class ImportIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reports: list[dict[str, Any]] = Field(max_length=50_000)


class ImportOut(Schema):
    id: uuid.UUID = Field(alias="public_id")
    status: str
    total: int
    processed: int
    created: int
    merged: int
    invalid: int
    finished_at: datetime | None


class ImportRowOut(Schema):
    row: int
    outcome: str
    tracking_number: str | None
    errors: dict[str, str] | None

    @staticmethod
    def resolve_tracking_number(row: Any) -> str | None:
        return row.report.tracking_number if row.report else None


@router.post(
    "/reports/imports",
    response={202: ImportOut},
    summary="Upload up to 50,000 reports; a worker takes them in, poll the import for progress",
)
def import_create(request: HttpRequest, payload: ImportIn) -> Status[Any]:
    client = require_scope(request, ApiScope.REPORTS_WRITE)
    report_import = services.report_import_create(
        actor=client,
        organisation=client.organisation,
        channel=_channel(client),
        rows=payload.reports,
    )
    return Status(202, report_import)


@router.get("/reports/imports/{import_id}", response=ImportOut, summary="An import's progress")
def import_detail(request: HttpRequest, import_id: uuid.UUID) -> ReportImport:
    client = require_scope(request, ApiScope.REPORTS_WRITE)
    return get_visible_or_404(
        ReportImport.objects.visible_to(client), request, client, public_id=import_id
    )


class ImportRowsOut(Schema):
    items: list[ImportRowOut]
    count: int = Field(description="Rows that match, counted up to 10,000.")
    count_is_exact: bool = Field(
        description="False when more than 10,000 rows match and `count` stopped there."
    )


@router.get(
    "/reports/imports/{import_id}/rows",
    response=ImportRowsOut,
    summary="Per-row results of an import (filter by outcome: created, merged, invalid)",
)
def import_rows(
    request: HttpRequest,
    import_id: uuid.UUID,
    outcome: Literal["", "created", "merged", "invalid"] = "",
    limit: int = Query(200, ge=1, le=1000),  # type: ignore[type-arg]
    offset: int = Query(0, ge=0, le=10_000_000),  # type: ignore[type-arg]
) -> dict[str, Any]:
    # Paged by hand: ninja's @paginate cannot resolve this module's postponed annotations.
    client = require_scope(request, ApiScope.REPORTS_WRITE)
    report_import = get_visible_or_404(
        ReportImport.objects.visible_to(client), request, client, public_id=import_id
    )
    rows = report_import.rows.exclude(outcome="").select_related("report").order_by("row")
    if outcome:
        rows = rows.filter(outcome=outcome)
    counted = capped_count(rows, MAXIMUM_API_COUNT)
    return {
        "items": list(rows[offset : offset + limit]),
        "count": counted.value,
        "count_is_exact": counted.is_exact,
    }


@router.get("/reports/{public_id}", response=ReportOut, summary="A report you submitted")
def report_detail(request: HttpRequest, public_id: uuid.UUID) -> dict[str, Any]:
    client = require_scope(request, ApiScope.REPORTS_READ)
    report = get_visible_or_404(
        Report.objects.visible_to(client).select_related("department"),
        request,
        client,
        public_id=public_id,
    )
    return _report_out(report)


class InboxItemOut(Schema):
    message_id: uuid.UUID
    kind: str
    payload: dict[str, Any]
    received_at: datetime
    acknowledged_at: datetime | None


@router.get(
    "/inbox",
    response=list[InboxItemOut],
    summary="Messages for your organisation (hold alerts first), newest first",
    tags=["inbox"],
)
@paginate(BoundedPagination)
def inbox_list(request: HttpRequest, unacknowledged: bool = False) -> Any:
    client = require_scope(request, ApiScope.INBOX_READ)
    items = PartnerInboxItem.objects.visible_to(client).order_by("-received_at", "-id")
    if unacknowledged:
        items = items.filter(acknowledged_at__isnull=True)
    return items


@router.post(
    "/inbox/{message_id}/ack",
    response=InboxItemOut,
    summary="Confirm you have received a message (starts the clock of a hold)",
    tags=["inbox"],
)
def inbox_acknowledge(request: HttpRequest, message_id: uuid.UUID) -> PartnerInboxItem:
    client = require_scope(request, ApiScope.INBOX_READ)
    item = get_visible_or_404(
        PartnerInboxItem.objects.visible_to(client), request, client, message_id=message_id
    )
    return blocking_services.inbox_acknowledge(actor=client, item=item)
