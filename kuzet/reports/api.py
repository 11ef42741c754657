"""Partner API for reports: one at a time, in bulk (JSON or CSV), with Idempotency-Key."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest, JsonResponse
from ninja import File, Header, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from pydantic import ConfigDict, Field, ValidationError

from kuzet.accounts import services as accounts_services
from kuzet.accounts.access import get_visible_or_404
from kuzet.accounts.api import ApiRate, require_scope
from kuzet.accounts.models import ApiClient, ApiScope, OrganisationKind
from kuzet.audit.services import audit_read, client_address_of
from kuzet.core.api_errors import error_responses
from kuzet.core.pagination import MAXIMUM_API_COUNT, capped_count
from kuzet.core.text import field_path
from kuzet.reports import services
from kuzet.reports.models import Channel, ImportRowOutcome, Report, ReportImport
from kuzet.reports.schemas import ReportIn

router = Router(tags=["reports"])

MAXIMUM_BULK_ROWS = 1000
CHANNEL_BY_KIND: dict[str, Channel] = {
    OrganisationKind.BANK: Channel.BANK,
    OrganisationKind.TELECOM: Channel.TELECOM,
    OrganisationKind.PLATFORM: Channel.PLATFORM,
}
# Why a partner consults what it reads (recorded with every read of personal data).
REPORT_READ_PURPOSE = "partner: status of a report it submitted"
IMPORT_ROWS_READ_PURPOSE = "partner: results of its own import"
IDEMPOTENCY_KEY_DESCRIPTION = (
    "1-255 printable ASCII characters, kept 24 hours: the same key with the same body replays "
    "the stored answer; with another body 422; while the first request runs, 409. Answers in "
    "the 4xx range are not stored, so a corrected request may reuse its key."
)


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


class ReceiptOut(Schema):
    """What a partner learns when its submission joined a report it did not make: that it
    arrived, under its own reference, and nothing of the other report."""

    external_reference: str
    outcome: Literal["merged"] = "merged"
    is_duplicate: bool = True
    detail: str = (
        "Received. The transfer had already been reported; your submission was added to that "
        "report as another source."
    )


class BulkIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reports: list[dict[str, Any]] = Field(max_length=MAXIMUM_BULK_ROWS)


class RowResult(Schema):
    row: int
    outcome: ImportRowOutcome
    # Absent when the row joined a report another source made: that report is not yours.
    report: ReportOut | None = None
    errors: dict[str, str] | None = None


class BulkOut(Schema):
    created: int
    merged: int
    invalid: int
    results: list[RowResult]


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


def _own_report_ids(client: ApiClient, reports: list[Report]) -> set[int]:
    """Of ``reports``, those the client's organisation started (one query whatever the count)."""
    if not reports:
        return set()
    return set(
        Report.objects.filter(pk__in={report.pk for report in reports})
        .submitted_first_by(client.organisation)
        .values_list("pk", flat=True)
    )


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
        return RowResult(row=0, outcome=ImportRowOutcome.INVALID, errors=error.errors)
    if submitted.is_duplicate and not _own_report_ids(client, [submitted.report]):
        return RowResult(row=0, outcome=ImportRowOutcome.MERGED)
    return RowResult(
        row=0,
        outcome=ImportRowOutcome.MERGED if submitted.is_duplicate else ImportRowOutcome.CREATED,
        report=ReportOut(**_report_out(submitted.report, is_duplicate=submitted.is_duplicate)),
    )


def _idempotent(
    request: HttpRequest,
    client: ApiClient,
    endpoint: str,
    handler: Any,
    body: bytes | None = None,
) -> tuple[int, dict[str, Any]]:
    """Run ``handler`` under the request's Idempotency-Key, if it has one.

    ``body`` is what identifies the request when it is not ``request.body``: a form upload's
    raw body cannot be read again once its files were parsed, so the CSV call passes the file.
    """
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return handler()  # type: ignore[no-any-return]
    try:
        return accounts_services.idempotent_call(
            api_client=client,
            endpoint=endpoint,
            key=key,
            body=request.body if body is None else body,
            handler=handler,
        )
    except accounts_services.IdempotencyConflict as conflict:
        raise HttpError(conflict.status, conflict.message) from conflict


@router.post(
    "/reports",
    response={201: ReportOut, 200: ReportOut | ReceiptOut, **error_responses(403, 409)},
    summary="Submit one report (Idempotency-Key honoured)",
    description="201: a new report. 200: already known: your own report again (you resent "
    "its reference, or reported the same transfer twice), or, when the transfer was first "
    "reported by someone else, only a receipt for your submission: another source's report "
    "is never disclosed. A transfer younger than the golden hour sends the receiving bank "
    "a hold alert at once. Only banks, telecom operators and platforms submit (403 otherwise).",
)
def report_create(
    request: HttpRequest,
    payload: ReportIn,
    idempotency_key: str | None = Header(  # type: ignore[type-arg]
        None, alias="Idempotency-Key", description=IDEMPOTENCY_KEY_DESCRIPTION
    ),
) -> Status[Any]:
    client = require_scope(request, ApiScope.REPORTS_WRITE)

    def handler() -> tuple[int, dict[str, Any]]:
        result = _submit_one(request, client, payload)
        if result.outcome == ImportRowOutcome.INVALID:
            return 422, {
                "detail": "The report has errors; fix the fields named.",
                "errors": result.errors,
            }
        if result.report is None:
            return 200, ReceiptOut(external_reference=payload.external_reference).model_dump()
        return (
            201 if result.outcome == ImportRowOutcome.CREATED else 200
        ), result.report.model_dump()

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
            errors = {field_path(detail["loc"]): detail["msg"] for detail in error.errors()}
            results.append(
                {
                    "row": index,
                    "outcome": ImportRowOutcome.INVALID,
                    "report": None,
                    "errors": errors,
                }
            )
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
    own = _own_report_ids(
        client,
        [
            outcome.report
            for outcome in submitted
            if not isinstance(outcome, services.ReportInvalid) and outcome.is_duplicate
        ],
    )
    for index, outcome in zip(positions, submitted, strict=True):
        if isinstance(outcome, services.ReportInvalid):
            results[index] = {
                "row": index,
                "outcome": ImportRowOutcome.INVALID,
                "report": None,
                "errors": outcome.errors,
            }
            continue
        if outcome.is_duplicate and outcome.report.pk not in own:
            results[index] = {"row": index, "outcome": "merged", "report": None, "errors": None}
            continue
        report = _report_out(
            outcome.report,
            is_duplicate=outcome.is_duplicate,
            hold_alerts=None if outcome.is_duplicate else len(outcome.hold_alerts),
        )
        report["received_at"] = report["received_at"].isoformat()
        results[index] = {
            "row": index,
            "outcome": (
                ImportRowOutcome.MERGED if outcome.is_duplicate else ImportRowOutcome.CREATED
            ),
            "report": report,
            "errors": None,
        }
    final = [result for result in results if result is not None]
    return {
        "created": sum(result["outcome"] == ImportRowOutcome.CREATED for result in final),
        "merged": sum(result["outcome"] == ImportRowOutcome.MERGED for result in final),
        "invalid": sum(result["outcome"] == ImportRowOutcome.INVALID for result in final),
        "results": final,
    }


@router.post(
    "/reports/bulk",
    response={200: BulkOut, **error_responses(403, 409)},
    summary=f"Submit up to {MAXIMUM_BULK_ROWS} reports; each row succeeds or fails alone",
    description="Rows are validated one by one: an invalid row is answered `invalid` with its "
    "fields in `errors` and the other rows go in. Rows are the bodies of `POST /reports`; "
    "unknown fields are refused. More than 1,000 rows is a 422 for the whole call.",
)
def report_bulk(
    request: HttpRequest,
    payload: BulkIn,
    idempotency_key: str | None = Header(  # type: ignore[type-arg]
        None, alias="Idempotency-Key", description=IDEMPOTENCY_KEY_DESCRIPTION
    ),
) -> JsonResponse:
    client = require_scope(request, ApiScope.REPORTS_WRITE, rate=ApiRate.BULK)
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
    response={200: BulkOut, **error_responses(403, 409)},
    summary="Submit reports as a CSV file (UTF-8, header row; columns listed in the description)",
    description="Columns: "
    + ", ".join(CSV_COLUMNS)
    + ". suspect_identifiers are separated by ';'. One line is one report with at most one "
    "transfer. At most 1,000 rows and 20 MB, UTF-8 (400 otherwise); rows succeed or fail "
    "alone, as in the JSON bulk call.",
)
def report_bulk_csv(
    request: HttpRequest,
    file: File[UploadedFile],
    idempotency_key: str | None = Header(  # type: ignore[type-arg]
        None, alias="Idempotency-Key", description=IDEMPOTENCY_KEY_DESCRIPTION
    ),
) -> Status[Any] | JsonResponse:
    client = require_scope(request, ApiScope.REPORTS_WRITE, rate=ApiRate.BULK)
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
        request, client, "reports.bulk_csv", lambda: (200, _bulk(request, client, rows)), raw
    )
    return JsonResponse(body, status=status)


class ImportIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reports: list[dict[str, Any]] = Field(max_length=services.MAXIMUM_IMPORT_ROWS)


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
    outcome: ImportRowOutcome
    tracking_number: str | None = Field(
        description="The report's number when your row started it; empty when the row joined "
        "a report another source made (that report is not yours) or was invalid."
    )
    errors: dict[str, str] | None


@router.post(
    "/reports/imports",
    response={202: ImportOut, **error_responses(403, 409, 429)},
    summary="Upload up to 50,000 reports; a worker takes them in, poll the import for progress",
    description="Quotas per organisation: at most 2 imports queued or running, and 200,000 "
    "rows in any 24 hours (deployment settings); past either, 429 with `Retry-After`. The "
    "worker takes 500 rows at a time, round-robin across organisations. Rows are validated "
    "when taken in: see their outcomes under `/rows`.",
)
def import_create(
    request: HttpRequest,
    payload: ImportIn,
    idempotency_key: str | None = Header(  # type: ignore[type-arg]
        None, alias="Idempotency-Key", description=IDEMPOTENCY_KEY_DESCRIPTION
    ),
) -> JsonResponse:
    client = require_scope(request, ApiScope.REPORTS_WRITE, rate=ApiRate.IMPORT)
    channel = _channel(client)

    def handler() -> tuple[int, dict[str, Any]]:
        report_import = services.report_import_create(
            actor=client, organisation=client.organisation, channel=channel, rows=payload.reports
        )
        return 202, ImportOut.model_validate(report_import).model_dump(mode="json")

    try:
        status, body = _idempotent(request, client, "reports.imports", handler)
    except services.ImportQuotaExceeded as exceeded:
        response = JsonResponse({"detail": exceeded.message}, status=429)
        response["Retry-After"] = str(exceeded.retry_after)
        return response
    return JsonResponse(body, status=status)


@router.get(
    "/reports/imports/{import_id}",
    response={200: ImportOut, **error_responses(403, 404)},
    summary="An import's progress",
)
def import_detail(request: HttpRequest, import_id: uuid.UUID) -> ReportImport:
    client = require_scope(request, ApiScope.REPORTS_WRITE, rate=ApiRate.READ)
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
    response={200: ImportRowsOut, **error_responses(403, 404)},
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
    client = require_scope(request, ApiScope.REPORTS_WRITE, rate=ApiRate.READ)
    report_import = get_visible_or_404(
        ReportImport.objects.visible_to(client), request, client, public_id=import_id
    )
    rows = report_import.rows.exclude(outcome="").select_related("report").order_by("row")
    if outcome:
        rows = rows.filter(outcome=outcome)
    audit_read(
        actor=client,
        target=report_import,
        purpose=f"{IMPORT_ROWS_READ_PURPOSE} (rows from {offset}, at most {limit})",
        client_address=client_address_of(request),
    )
    page = list(rows[offset : offset + limit])
    own = _own_report_ids(client, [row.report for row in page if row.report is not None])
    items = [
        {
            "row": row.row,
            "outcome": row.outcome,
            "tracking_number": (
                row.report.tracking_number
                if row.report is not None and row.report_id in own
                else None
            ),
            "errors": row.errors,
        }
        for row in page
    ]
    counted = capped_count(rows, MAXIMUM_API_COUNT)
    return {"items": items, "count": counted.value, "count_is_exact": counted.is_exact}


@router.get(
    "/reports/{public_id}",
    response={200: ReportOut, **error_responses(403, 404)},
    summary="A report your organisation submitted",
    description="Only reports your own organisation submitted (any other answers 404, like one "
    "that does not exist). Each read is recorded in the audit log with its purpose.",
)
def report_detail(request: HttpRequest, public_id: uuid.UUID) -> dict[str, Any]:
    client = require_scope(request, ApiScope.REPORTS_READ)
    # Only a report the client's own submission started: a submission merged into another
    # source's report gives no read access to that report.
    report = get_visible_or_404(
        Report.objects.visible_to(client)
        .submitted_first_by(client.organisation)
        .select_related("department"),
        request,
        client,
        public_id=public_id,
    )
    audit_read(
        actor=client,
        target=report,
        purpose=REPORT_READ_PURPOSE,
        client_address=client_address_of(request),
    )
    return _report_out(report)
