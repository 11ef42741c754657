"""What intake takes in and gives back: inputs, the submission outcome, the validation error."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from kuzet.accounts.models import Organisation
from kuzet.reports.models import AgeBand, Report


class ReportInvalid(ValueError):
    """Field-level problems with a report; ``errors`` maps a field path to a sentence."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{key}: {value}" for key, value in errors.items()))


@dataclass(frozen=True)
class TransferInput:
    """One transfer as the reporter or the bank describes it."""

    amount: Decimal
    to_account: str
    currency: str = "KZT"
    transferred_at: datetime | None = None
    from_account: str = ""
    sending_bank_code: str = ""
    receiving_bank_code: str = ""
    reference: str = ""


@dataclass(frozen=True)
class ReportInput:
    """Everything any channel can tell us about a fraud; every field but one is optional."""

    narrative: str
    language: str = "ru"
    scheme: str = ""
    contact_method: str = ""
    occurred_at: datetime | None = None
    region_code: str = ""
    victim_age_band: str = AgeBand.UNKNOWN
    is_on_behalf: bool = False
    reporter_name: str = ""
    reporter_phone: str = ""
    reporter_email: str = ""
    suspect_identifiers: tuple[str, ...] = ()
    transfers: tuple[TransferInput, ...] = ()
    external_reference: str = ""
    submission_key: str = ""


def replace_input(data: ReportInput, **changes: Any) -> ReportInput:
    """A copy of ``data`` with ``changes`` applied (the inputs are frozen)."""
    return dataclasses.replace(data, **changes)


@dataclass(frozen=True)
class AttachmentInput:
    """An upload that passed ``uploads.inspect_upload``, with its original bytes."""

    inspected: Any
    data: bytes


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
    hold_alerts: list[Any] = field(default_factory=list)
