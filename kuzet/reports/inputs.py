"""What every channel hands to intake: a report, its transfers, its attachments, as plain values.

Below ``services`` on purpose: the channels' parsers (the web forms, the partner API's schemas)
build these without importing the services that consume them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from kuzet.reports.models import AgeBand
from kuzet.reports.uploads import InspectedUpload


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

    inspected: InspectedUpload
    data: bytes
