"""After intake: the reporter's tracking, messages, ERDR registration, status.

Every officer's action checks its own capability here (``kuzet.core.permissions``) and finds
the report through ``Report.objects.changeable_by(actor)``, whatever the view checked before:
reading a report never implies changing it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kuzet import indicators
from kuzet.accounts.models import Organisation
from kuzet.audit.services import audit_record
from kuzet.blocking import services as blocking_services
from kuzet.blocking.models import HoldAlertStatus, MessageKind
from kuzet.core.actors import ActionDenied, Actor, require_capability
from kuzet.core.permissions import Capability
from kuzet.reports.models import (
    Report,
    ReportAction,
    ReporterContact,
    ReporterMessage,
    ReportIndicator,
    ReportStatus,
    StatusChange,
)
from kuzet.reports.services.attachments import attachment_store
from kuzet.reports.services.intake import (
    AttachmentInput,
    ReportInvalid,
    clean_text,
    indicators_add,
)

# ---------------------------------------------------------------- telling the reporter


class _ReporterNotice(StrEnum):
    """What a reporter is told about: their report's new status, or a message waiting."""

    STATUS = "status"
    MESSAGE = "message"


def _notify_reporter(report: Report, event: _ReporterNotice, language: str = "") -> None:
    """Queue a short message to the reporter, in their language, if they left a contact.

    ``language`` is the officer's choice for this message; by default the language the
    reporter wrote in. It goes through the outbox like every outgoing message: nothing is sent
    from the request.
    """
    contact = ReporterContact.objects.filter(report=report).first()
    if contact is None or not (contact.phone or contact.email):
        return
    language = language if language in REPLY_LANGUAGES else report.language
    with translation.override(language):
        status = str(ReportStatus(report.status).label)
        text = {
            _ReporterNotice.STATUS: _(
                "Report %(number)s: %(status)s. Details on your tracking page."
            )
            % {"number": report.tracking_number, "status": status},
            _ReporterNotice.MESSAGE: _(
                "Report %(number)s: the officer sent you a message on your tracking page."
            )
            % {"number": report.tracking_number},
        }[event]
    blocking_services.outbox_enqueue(
        recipient=None,
        kind=MessageKind.REPORTER_NOTIFICATION,
        payload={
            "report": report.tracking_number,
            "phone": contact.phone,
            "email": contact.email,
            "language": language,
            "text": text,
        },
    )


# ---------------------------------------------------------------- after intake

# The languages a reporter can be written to in (those of the public form).
REPLY_LANGUAGES = frozenset({"kk", "ru", "en"})


@dataclass(frozen=True)
class CaseworkOutcome:
    """What an officer's action did: the report as it now stands, and whether it changed.

    Pressing a button twice (a double click, a page resubmitted) asks for a change already
    made; the second request finds nothing to do, writes nothing and tells the reporter
    nothing, and ``is_changed`` lets the page say so.
    """

    report: Report
    is_changed: bool


def _lock_changeable(actor: Actor, report: Report, capability: Capability) -> Report:
    """The report, locked, if ``actor`` may change it; ``ActionDenied`` otherwise.

    Call inside the service's transaction, before any write.
    """
    found = Report.objects.changeable_by(actor).select_for_update().filter(pk=report.pk).first()
    if found is None:
        raise ActionDenied(capability, "This report is not one you may change.")
    return found


def report_find_by_secret(*, tracking_number: str, secret: str) -> Report | None:
    """The reporter's own report, by tracking number and secret (constant-time comparison)."""
    pk = Report.pk_from_tracking_number(tracking_number)
    report = Report.objects.filter(pk=pk).first() if pk is not None else None
    if report is not None and report.tracking_number != tracking_number:
        report = None
    if (
        report is None
        or not report.tracking_secret_digest
        or not secrets.compare_digest(report.tracking_secret_digest, Report.digest_secret(secret))
    ):
        return None
    return report


class ReceiptOutcome(StrEnum):
    """What was done about one transfer, as its receipt tells the victim."""

    # A hold alert went (or is going) to the receiving bank.
    BANK_ALERTED = "bank_alerted"
    # The receiving bank is known, but no alert was sent now (too late for the golden hour,
    # held back for the duty officer, or a name that many anonymous reports name at once).
    BANK_IDENTIFIED = "bank_identified"
    # Neither the card's BIN nor the account told which bank received the money.
    BANK_UNKNOWN = "bank_unknown"


@dataclass(frozen=True)
class ReceiptTransfer:
    """One transfer on the victim's receipt: where it went, masked, and which bank was told."""

    to_masked: str
    to_type: str
    amount: Decimal
    currency: str
    bank: Organisation | None
    outcome: ReceiptOutcome


def report_receipt_transfers(report: Report) -> list[ReceiptTransfer]:
    """Every transfer of ``report`` with its receiving bank and whether that bank was alerted.

    The receipt names the outcome of each transfer, never silently nothing: a victim whose
    card or account matched no bank is told so, and to call their own bank.
    """
    sent = {HoldAlertStatus.QUEUED, HoldAlertStatus.DELIVERED, HoldAlertStatus.ACKNOWLEDGED}
    rows = []
    for transfer in report.transfers.select_related("receiving_bank").prefetch_related(
        "hold_alerts"
    ):
        alerted = any(alert.status in sent for alert in transfer.hold_alerts.all())
        if transfer.receiving_bank is None:
            outcome = ReceiptOutcome.BANK_UNKNOWN
        elif alerted:
            outcome = ReceiptOutcome.BANK_ALERTED
        else:
            outcome = ReceiptOutcome.BANK_IDENTIFIED
        rows.append(
            ReceiptTransfer(
                to_masked=transfer.to_masked,
                to_type=transfer.to_type,
                amount=transfer.amount,
                currency=transfer.currency,
                bank=transfer.receiving_bank,
                outcome=outcome,
            )
        )
    return rows


def report_add_reporter_message(
    *, report: Report, body: str, attachments: tuple[AttachmentInput, ...] = ()
) -> ReporterMessage | None:
    """The reporter adds information or files to their report from the tracking page."""
    body = clean_text(body, 5000)
    if not body and not attachments:
        raise ReportInvalid({"body": _("Write the information you want to add, or attach a file.")})
    with transaction.atomic():
        message = None
        if body:
            message = ReporterMessage.objects.create(
                report=report, direction=ReporterMessage.Direction.FROM_REPORTER, body=body
            )
            extracted = indicators.extract(body)
            if extracted:
                indicators_add(report, extracted, ReportIndicator.Source.EXTRACTED)
        for upload in attachments:
            attachment_store(report=report, upload=upload, added_by_reporter=True)
        audit_record(
            actor=None,
            actor_label="reporter",
            action=ReportAction.REPORTER_MESSAGE_ADD,
            target=report,
            after={"files": len(attachments), "text": bool(body)},
        )
    return message


def report_message_reporter(
    *, actor: Actor, report: Report, body: str, language: str = ""
) -> ReporterMessage:
    """An officer writes to the reporter (shown on the tracking page).

    The notice that a message waits goes out in ``language``, by default the reporter's own.
    """
    require_capability(actor, Capability.MESSAGE_REPORTERS)
    body = clean_text(body, 5000)
    if not body:
        raise ReportInvalid({"body": _("Write a message.")})
    with transaction.atomic():
        report = _lock_changeable(actor, report, Capability.MESSAGE_REPORTERS)
        message = ReporterMessage.objects.create(
            report=report,
            direction=ReporterMessage.Direction.TO_REPORTER,
            body=body,
            author_label=actor.get_username() if hasattr(actor, "get_username") else "",
        )
        audit_record(actor=actor, action=ReportAction.REPORTER_MESSAGE_SEND, target=report)
        _notify_reporter(report, _ReporterNotice.MESSAGE, language)
    return message


def report_register(*, actor: Actor, report: Report, erdr_number: str) -> CaseworkOutcome:
    """Record the ERDR registration: the report becomes a criminal case's first document.

    Registering again with the number already recorded changes nothing (no second history
    line, no second message to the reporter); another number corrects the registration.
    """
    require_capability(actor, Capability.REGISTER_REPORTS)
    erdr_number = erdr_number.strip()
    if not erdr_number or len(erdr_number) > 30 or not erdr_number.replace("-", "").isalnum():
        raise ReportInvalid(
            {"erdr_number": _("Give the ERDR number as issued (digits and letters).")}
        )
    with transaction.atomic():
        report = _lock_changeable(actor, report, Capability.REGISTER_REPORTS)
        if report.status == ReportStatus.REGISTERED and report.erdr_number == erdr_number:
            return CaseworkOutcome(report, is_changed=False)
        before = {"status": report.status, "erdr_number": report.erdr_number}
        report.status = ReportStatus.REGISTERED
        report.erdr_number = erdr_number
        report.registered_at = timezone.now()
        report.save(update_fields=["status", "erdr_number", "registered_at", "updated_at"])
        StatusChange.objects.create(report=report, status=ReportStatus.REGISTERED)
        _notify_reporter(report, _ReporterNotice.STATUS)
        audit_record(
            actor=actor,
            action=ReportAction.REPORT_REGISTER,
            target=report,
            before=before,
            after={"status": report.status, "erdr_number": erdr_number},
        )
    return CaseworkOutcome(report, is_changed=True)


# Taking a new (or clarified) report for review is the one status change a duty officer makes;
# every other change of status is a decision about the case.
REVIEWABLE_STATUSES = frozenset({ReportStatus.SUBMITTED, ReportStatus.NEEDS_CLARIFICATION})


def status_change_capability(current: str, status: str) -> Capability:
    """The capability moving a report from ``current`` to ``status`` needs.

    A second "take for review" on a report already under review asks the duty officer's own
    capability too: it is the same press, answered with "nothing to do", not a refusal.
    """
    if status == ReportStatus.UNDER_REVIEW and (
        current in REVIEWABLE_STATUSES or current == ReportStatus.UNDER_REVIEW
    ):
        return Capability.REVIEW_REPORTS
    return Capability.CHANGE_REPORT_STATUS


def report_change_status(
    *, actor: Actor, report: Report, status: str, note: str = ""
) -> CaseworkOutcome:
    """Move a report to another status (not registration: that is ``report_register``).

    Taking a new report for review needs ``REVIEW_REPORTS``; any other change
    ``CHANGE_REPORT_STATUS``. Asking for the status the report already has (the button
    pressed twice) changes nothing: no history line, no message to the reporter, no audit
    entry of a change that did not happen. The status is compared under the row's lock, so
    two simultaneous presses make one change.
    """
    if status not in ReportStatus.values or status == ReportStatus.REGISTERED:
        raise ReportInvalid({"status": _("Pick a status; registration needs an ERDR number.")})
    with transaction.atomic():
        report = _lock_changeable(actor, report, Capability.CHANGE_REPORT_STATUS)
        require_capability(actor, status_change_capability(report.status, status))
        if report.status == status:
            return CaseworkOutcome(report, is_changed=False)
        before = {"status": report.status}
        report.status = status
        report.save(update_fields=["status", "updated_at"])
        StatusChange.objects.create(report=report, status=status, note=clean_text(note, 500))
        _notify_reporter(report, _ReporterNotice.STATUS)
        audit_record(
            actor=actor,
            action=ReportAction.REPORT_CHANGE_STATUS,
            target=report,
            before=before,
            after={"status": status},
        )
    return CaseworkOutcome(report, is_changed=True)
