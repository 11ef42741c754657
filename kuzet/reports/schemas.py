"""Request schemas shared by the partner API and the import worker.

Plain pydantic models rather than ninja ``Schema``: ninja's schema wraps every validation to
read Django objects, which input never is, and that wrapper cost as much as the checks
themselves on a thousand-row bulk call. Ninja takes pydantic models as bodies all the same.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import AwareDatetime, ConfigDict, Field

from kuzet.core.text import PartnerInput
from kuzet.reports.inputs import ReportInput, TransferInput


class TransferIn(PartnerInput):
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


class ReportIn(PartnerInput):
    """A report from a partner. Unknown fields are refused, so nothing is silently dropped.

    No field takes control characters (NUL and the like); the narrative keeps line breaks.
    """

    model_config = ConfigDict(extra="forbid")
    multiline_fields = frozenset({"narrative"})

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

    def to_input(self) -> ReportInput:
        return ReportInput(
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
                TransferInput(
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
