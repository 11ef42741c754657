"""Partner API for reports: one at a time, in bulk (JSON or CSV), with Idempotency-Key."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest, JsonResponse
from ninja import File, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import AwareDatetime, ConfigDict, Field, ValidationError

from kuzet.accounts import services as accounts_services
from kuzet.accounts.access import get_visible_or_404
from kuzet.accounts.api import require_scope
from kuzet.accounts.models import ApiClient, ApiScope
from kuzet.audit.services import client_address_of
from kuzet.blocking import services as blocking_services
from kuzet.blocking.models import PartnerInboxItem
from kuzet.core.pagination import BoundedPagination
from kuzet.reports import services
from kuzet.reports.models import Report

router = Router(tags=["reports"])

MAXIMUM_BULK_ROWS = 1000
CHANNEL_BY_KIND = {"bank": "bank", "telecom": "telecom", "platform": "platform"}


class TransferIn(Schema):
    model_config = ConfigDict(extra="forbid")

    amount: Decimal = Field(gt=0, max_digits=15, decimal_places=2, examples=["150000.00"])
    currency: str = Field("KZT", pattern="^[A-Za-z]{3}$")
    to_account: str = Field(
        min_length=1,
        max_length=200,
        description="Receiving IBAN, card, phone or wallet",
        examples=["KZ86125KZT5004100100"],
    )
    transferred_at: AwareDatetime | None = Field(None, examples=["2026-11-23T09:41:00+05:00"])
    from_account: str = Field("", max_length=60, description="The victim's account (stored masked)")
    sending_bank: str = Field("", max_length=32, description="Organisation code, e.g. KASPI")
    receiving_bank: str = Field("", max_length=32, description="Organisation code when known")
    reference: str = Field("", max_length=100, description="Your transaction reference")


class ReportIn(Schema):
    """A report from a partner. Unknown fields are refused, so nothing is silently dropped."""

    model_config = ConfigDict(extra="forbid")

    external_reference: str = Field(
        min_length=1,
        max_length=100,
        description="Your own id of this report; resending it returns the report already made",
        examples=["HALYK-AF-2026-000123"],
    )
    narrative: str = Field("", max_length=20_000)
    language: Literal["kk", "ru", "en"] = "ru"
    scheme: str = Field("", max_length=40, examples=["fake_bank_security"])
    contact_method: str = Field("", max_length=20)
    occurred_at: AwareDatetime | None = None
    region: str = Field("", max_length=5, description="ISO 3166-2:KZ, e.g. KZ-75")
    victim_age_band: str = Field("unknown", max_length=10)
    reporter_name: str = Field("", max_length=200)
    reporter_phone: str = Field("", max_length=30)
    reporter_email: str = Field("", max_length=254)
    suspect_identifiers: list[str] = Field(default_factory=list, max_length=30)
    transfers: list[TransferIn] = Field(default_factory=list, max_length=20)

    def to_input(self) -> services.ReportInput:
        return services.ReportInput(
            narrative=self.narrative,
            language=self.language,
            scheme=self.scheme,
            contact_method=self.contact_method,
            occurred_at=self.occurred_at,
            region_code=self.region,
            victim_age_band=self.victim_age_band,
            reporter_name=self.reporter_name,
            reporter_phone=self.reporter_phone,
            reporter_email=self.reporter_email,
            suspect_identifiers=tuple(self.suspect_identifiers),
            transfers=tuple(
                services.TransferInput(
                    amount=transfer.amount,
                    to_account=transfer.to_account,
                    currency=transfer.currency.upper(),
                    transferred_at=transfer.transferred_at,
                    from_account=transfer.from_account,
                    sending_bank_code=transfer.sending_bank,
                    receiving_bank_code=transfer.receiving_bank,
                    reference=transfer.reference,
                )
                for transfer in self.transfers
            ),
            external_reference=self.external_reference,
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
    items = PartnerInboxItem.objects.visible_to(client)
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
