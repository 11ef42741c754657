"""Report intake: validate, extract identifiers, deduplicate, score, route, alert.

``report_submit_many`` is the one door for every channel (public form, duty officer, partner
API, bulk upload, the simulated world's loader); ``report_submit`` is a batch of one. A batch
is decided with a fixed number of queries whatever its size, then written with bulk inserts in
one transaction: everything a report brings — the report, contact, source, transfers,
identifiers, status, hold alerts, outbox messages, audit entries — commits together or not at
all. If two requests race on the same partner reference, the batch is retried row by row, so a
row is never half-applied and one bad row never sinks its neighbours.

The steps, one module each, in the order a batch passes through them:

- ``validation``: pure; a report → cleaned values, or ``ReportInvalid`` naming every field.
- ``triage``: pure; the transfer fingerprint, priority and its reasons, the department.
- ``lookups``: every query a batch needs before deciding, returned as one ``Lookups`` value.
- ``decide``: no queries; each row becomes a ``NewReport`` or a ``Merge``.
- ``write``: the decisions as bulk inserts, hold alerts, attachments and audit entries.
- ``submit``: the door that runs them in one transaction.
"""

from kuzet.reports.services.intake.hashing import contact_hash, identifier_hash
from kuzet.reports.services.intake.inputs import (
    AttachmentInput,
    IntakeItem,
    ReportInput,
    ReportInvalid,
    SubmittedReport,
    TransferInput,
    replace_input,
)
from kuzet.reports.services.intake.submit import report_submit, report_submit_many
from kuzet.reports.services.intake.triage import fingerprint, score
from kuzet.reports.services.intake.validation import (
    MAXIMUM_NARRATIVE,
    MAXIMUM_TRANSFERS,
    MAXIMUM_TYPED_IDENTIFIERS,
    TRANSFER_TARGET_TYPES,
    Validated,
    clean_text,
    validate,
)
from kuzet.reports.services.intake.write import indicators_add

__all__ = [
    "MAXIMUM_NARRATIVE",
    "MAXIMUM_TRANSFERS",
    "MAXIMUM_TYPED_IDENTIFIERS",
    "TRANSFER_TARGET_TYPES",
    "AttachmentInput",
    "IntakeItem",
    "ReportInput",
    "ReportInvalid",
    "SubmittedReport",
    "TransferInput",
    "Validated",
    "clean_text",
    "contact_hash",
    "fingerprint",
    "identifier_hash",
    "indicators_add",
    "replace_input",
    "report_submit",
    "report_submit_many",
    "score",
    "validate",
]
