"""What intake takes in and gives back: a batch's items, the outcome, the validation error.

The report's own values (``ReportInput``, ``TransferInput``, ``AttachmentInput``) live in
``kuzet.reports.inputs``, below services, and are re-exported here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from kuzet.accounts.models import Organisation
from kuzet.blocking.models import HoldAlert
from kuzet.reports.inputs import AttachmentInput, ReportInput, TransferInput, replace_input
from kuzet.reports.models import Report

__all__ = [
    "AttachmentInput",
    "IntakeItem",
    "ReportInput",
    "ReportInvalid",
    "SubmittedReport",
    "TransferInput",
    "replace_input",
]


class ReportInvalid(ValueError):
    """Field-level problems with a report; ``errors`` maps a field path to a sentence."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{key}: {value}" for key, value in errors.items()))


@dataclass(frozen=True)
class IntakeItem:
    """One report to take in, with where it came from.

    ``received_at`` is for importers of earlier reports (the simulated world): the golden hour
    and the 24-hour clock then run from the original time. Live intake leaves it empty.
    """

    data: ReportInput
    channel: str
    source_organisation: Organisation | None = None
    received_at: datetime | None = None
    tracking_secret: str | None = None
    attachments: tuple[AttachmentInput, ...] = ()


@dataclass
class SubmittedReport:
    """The outcome of a submission: the report, and its tracking secret when it is new."""

    report: Report
    tracking_secret: str | None
    is_duplicate: bool
    hold_alerts: list[HoldAlert] = field(default_factory=list)
