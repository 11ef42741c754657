"""Report services: intake (``intake``), large uploads (``imports``), what follows intake
(``casework``) and the evidence files (``attachments``).

Import from here: ``from kuzet.reports import services`` then ``services.report_submit(...)``.
"""

from kuzet.reports.services.attachments import attachment_store, evidence_path
from kuzet.reports.services.casework import (
    REPLY_LANGUAGES,
    CaseworkOutcome,
    ReceiptOutcome,
    ReceiptTransfer,
    report_add_reporter_message,
    report_change_status,
    report_find_by_secret,
    report_message_reporter,
    report_receipt_transfers,
    report_register,
    status_change_capability,
)
from kuzet.reports.services.imports import (
    MAXIMUM_IMPORT_ROWS,
    ImportQuotaExceeded,
    report_import_create,
    report_import_next,
    report_import_run,
    report_import_run_chunk,
    report_import_work_next,
)
from kuzet.reports.services.intake import (
    AttachmentInput,
    IntakeItem,
    ReportInput,
    ReportInvalid,
    SubmittedReport,
    TransferInput,
    identifier_hash,
    replace_input,
    report_submit,
    report_submit_many,
    validate,
)
from kuzet.reports.services.tracking import (
    report_recover_tracking_link,
    report_send_tracking_link,
)

__all__ = [
    "REPLY_LANGUAGES",
    "CaseworkOutcome",
    "MAXIMUM_IMPORT_ROWS",
    "ImportQuotaExceeded",
    "ReceiptOutcome",
    "ReceiptTransfer",
    "report_import_create",
    "report_import_next",
    "report_import_run",
    "report_import_run_chunk",
    "report_import_work_next",
    "AttachmentInput",
    "IntakeItem",
    "ReportInput",
    "ReportInvalid",
    "SubmittedReport",
    "TransferInput",
    "attachment_store",
    "evidence_path",
    "identifier_hash",
    "replace_input",
    "report_add_reporter_message",
    "report_change_status",
    "report_find_by_secret",
    "report_message_reporter",
    "report_receipt_transfers",
    "report_recover_tracking_link",
    "report_register",
    "report_send_tracking_link",
    "status_change_capability",
    "report_submit",
    "report_submit_many",
    "validate",
]
