"""The one door: a batch goes through validate → look up → decide → write, in one transaction."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from kuzet.accounts.models import Organisation, Region
from kuzet.core.actors import Actor
from kuzet.reports.models import Report, ReportSource
from kuzet.reports.services.intake.decide import decide
from kuzet.reports.services.intake.inputs import (
    AttachmentInput,
    IntakeItem,
    ReportInput,
    ReportInvalid,
    SubmittedReport,
)
from kuzet.reports.services.intake.lookups import lookups_load
from kuzet.reports.services.intake.rights import intake_require_rights
from kuzet.reports.services.intake.triage import fingerprint
from kuzet.reports.services.intake.validation import Validated, ValidRow, validate
from kuzet.reports.services.intake.write import decisions_write


def report_submit(
    *,
    actor: Actor | None,
    channel: str,
    data: ReportInput,
    source_organisation: Organisation | None = None,
    client_address: str | None = None,
    tracking_secret: str | None = None,
    attachments: tuple[AttachmentInput, ...] = (),
    received_at: datetime | None = None,
) -> SubmittedReport:
    """Take one report. Returns the report and, when new, its tracking secret.

    A report about a transfer already reported (same receiving account, amount and day) is
    merged into the existing one as another source; a partner resending its own reference, or a
    double-clicked form, gets its earlier report back. Raises ``ReportInvalid``.
    """
    item = IntakeItem(
        data=data,
        channel=channel,
        source_organisation=source_organisation,
        received_at=received_at,
        tracking_secret=tracking_secret,
        attachments=attachments,
    )
    result = report_submit_many(actor=actor, items=[item], client_address=client_address)[0]
    if isinstance(result, ReportInvalid):
        raise result
    return result


def report_submit_many(
    *, actor: Actor | None, items: list[IntakeItem], client_address: str | None = None
) -> list[SubmittedReport | ReportInvalid]:
    """Take a batch of reports: each result is a ``SubmittedReport`` or its ``ReportInvalid``.

    Raises ``ActionDenied`` when ``actor`` may not submit on an item's channel.
    """
    intake_require_rights(actor, items)
    regions = {region.iso_code: region for region in Region.objects.all()}
    now = timezone.now()
    checked: list[Validated | ReportInvalid] = []
    for item in items:
        try:
            checked.append(validate(item.data, regions=regions, now=now))
        except ReportInvalid as error:
            checked.append(error)
    try:
        with transaction.atomic():
            return _batch_submit(actor, items, checked, client_address)
    except IntegrityError:
        if len(items) == 1:
            # A concurrent request with the same partner reference or form key won the race.
            earlier = _earlier_submission(items[0])
            if earlier is None:
                raise
            return [SubmittedReport(report=earlier, tracking_secret=None, is_duplicate=True)]
        return [
            report_submit_many(actor=actor, items=[item], client_address=client_address)[0]
            for item in items
        ]


def _batch_submit(
    actor: Actor | None,
    items: list[IntakeItem],
    checked: list[Validated | ReportInvalid],
    client_address: str | None,
) -> list[SubmittedReport | ReportInvalid]:
    """One batch, inside the caller's transaction: a fixed number of look-ups, then bulk writes."""
    now = timezone.now()
    rows = [
        ValidRow(index=index, item=item, validated=result, received_at=item.received_at or now)
        for index, (item, result) in enumerate(zip(items, checked, strict=True))
        if isinstance(result, Validated)
    ]
    if not rows:
        return [result for result in checked if isinstance(result, ReportInvalid)]
    fingerprints = {row.index: fingerprint(row.validated) for row in rows}
    lookups = lookups_load(rows, fingerprints=fingerprints)
    written = decisions_write(
        decide(rows, lookups), lookups, actor=actor, client_address=client_address
    )
    return [
        result if isinstance(result, ReportInvalid) else written[index]
        for index, result in enumerate(checked)
    ]


def _earlier_submission(item: IntakeItem) -> Report | None:
    data = item.data
    if data.submission_key:
        return Report.objects.filter(submission_key=data.submission_key).first()
    if data.external_reference and item.source_organisation is not None:
        source = ReportSource.objects.filter(
            organisation=item.source_organisation, external_reference=data.external_reference
        ).first()
        return source.report if source else None
    return None
