"""Report intake: validate, extract identifiers, deduplicate, score, route, alert — in one go.

``report_submit`` is the one door for every channel (public form, duty officer, partner API,
bulk upload). Everything it writes — report, contact, transfers, identifiers, source, status,
hold alerts, outbox messages, audit entry — commits together or not at all.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kuzet import indicators
from kuzet.accounts.models import Organisation, Region
from kuzet.audit.services import audit_record
from kuzet.blocking import services as blocking_services
from kuzet.reports.models import (
    AgeBand,
    Attachment,
    Channel,
    Report,
    ReporterContact,
    ReporterMessage,
    ReportIndicator,
    ReportSource,
    ReportStatus,
    ReportTransfer,
    StatusChange,
)

MAXIMUM_TRANSFERS = 20
MAXIMUM_TYPED_IDENTIFIERS = 30
MAXIMUM_NARRATIVE = 20_000
# Identifiers that can carry money or contact: the ones worth a hold or a link.
TRANSFER_TARGET_TYPES = {"iban", "card", "phone", "crypto_wallet"}


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
    return dataclasses.replace(data, **changes)


@dataclass(frozen=True)
class AttachmentInput:
    """An upload that passed ``uploads.inspect_upload``, with its original bytes."""

    inspected: Any
    data: bytes


@dataclass
class SubmittedReport:
    """The outcome of a submission: the report, and its tracking secret when it is new."""

    report: Report
    tracking_secret: str | None
    is_duplicate: bool
    hold_alerts: list[Any] = field(default_factory=list)


def identifier_hash(indicator_type: str, value: str) -> str:
    """The keyed hash every link, registry entry and screening call keys on."""
    return indicators.identifier_hash(
        indicator_type, value, settings.IDENTIFIER_HASH_KEY.encode("utf-8")
    )


def _contact_hash(value: str) -> str:
    """Keyed hash of a reporter's phone or e-mail: finds repeat reporters without storing twice."""
    key = settings.IDENTIFIER_HASH_KEY.encode("utf-8")
    return hmac.new(key, f"contact:{value}".encode(), hashlib.sha256).hexdigest()


# ---------------------------------------------------------------- validation (pure)


def _clean_text(value: str, limit: int) -> str:
    # PostgreSQL text cannot hold NUL, and a NUL in a narrative is never meaningful.
    return value.replace("\x00", "").strip()[:limit]


def _parse_target(raw: str) -> indicators.Indicator | None:
    found = indicators.extract(raw)
    for candidate in found:
        if candidate.type.value in TRANSFER_TARGET_TYPES:
            return candidate
    return found[0] if found else None


@dataclass
class _Validated:
    data: ReportInput
    typed: list[indicators.Indicator]
    extracted: list[indicators.Indicator]
    targets: list[indicators.Indicator | None]
    region: Region | None
    contact_phone: str


def validate(data: ReportInput) -> _Validated:
    """Check a report field by field; raise ``ReportInvalid`` naming every field at fault."""
    from kuzet import reference  # noqa: PLC0415

    errors: dict[str, str] = {}
    narrative = _clean_text(data.narrative, MAXIMUM_NARRATIVE + 1)
    if len(narrative) > MAXIMUM_NARRATIVE:
        errors["narrative"] = _("Keep the description under %(limit)s characters.") % {
            "limit": MAXIMUM_NARRATIVE
        }
    if not narrative and not data.transfers and not data.suspect_identifiers:
        errors["narrative"] = _("Describe what happened, or give a transfer or an identifier.")
    if data.language not in {"kk", "ru", "en"}:
        errors["language"] = _("Use kk, ru or en.")
    scheme_codes = {scheme.code for scheme in reference.schemes()}
    if data.scheme and data.scheme not in scheme_codes:
        errors["scheme"] = _("Pick one of the listed schemes, or leave it empty.")
    if data.victim_age_band not in AgeBand.values:
        errors["victim_age_band"] = _("Pick one of the listed age groups.")
    region = None
    if data.region_code:
        region = Region.objects.filter(iso_code=data.region_code).first()
        if region is None:
            errors["region_code"] = _("Use an ISO 3166-2:KZ region code such as KZ-75.")
    now = timezone.now()
    if data.occurred_at and data.occurred_at > now + timedelta(minutes=5):
        errors["occurred_at"] = _("The date is in the future.")
    contact_phone = ""
    if data.reporter_phone:
        try:
            contact_phone = indicators.parse_phone(data.reporter_phone).value
        except indicators.InvalidIndicator as error:
            errors["reporter_phone"] = _("This phone number is not valid: %(reason)s.") % {
                "reason": error.reason
            }
    if len(data.suspect_identifiers) > MAXIMUM_TYPED_IDENTIFIERS:
        errors["suspect_identifiers"] = _("At most %(limit)s identifiers.") % {
            "limit": MAXIMUM_TYPED_IDENTIFIERS
        }
    typed: list[indicators.Indicator] = []
    for index, raw in enumerate(data.suspect_identifiers[:MAXIMUM_TYPED_IDENTIFIERS]):
        found = indicators.extract(_clean_text(raw, 500))
        if not found:
            errors[f"suspect_identifiers[{index}]"] = _(
                "Not a phone, card, IBAN, link, e-mail, wallet or messenger account we recognise."
            )
        typed.extend(found)
    if len(data.transfers) > MAXIMUM_TRANSFERS:
        errors["transfers"] = _("At most %(limit)s transfers in one report.") % {
            "limit": MAXIMUM_TRANSFERS
        }
    targets: list[indicators.Indicator | None] = []
    for index, transfer in enumerate(data.transfers[:MAXIMUM_TRANSFERS]):
        prefix = f"transfers[{index}]"
        if not transfer.amount.is_finite() or transfer.amount <= 0:
            errors[f"{prefix}.amount"] = _("The amount must be a positive number.")
        elif transfer.amount >= Decimal("1e13"):
            errors[f"{prefix}.amount"] = _("The amount is too large.")
        if (
            len(transfer.currency) != 3
            or not transfer.currency.isascii()
            or not transfer.currency.isalpha()
        ):
            errors[f"{prefix}.currency"] = _("Use a three-letter currency code such as KZT.")
        if transfer.transferred_at and transfer.transferred_at > now + timedelta(minutes=5):
            errors[f"{prefix}.transferred_at"] = _("The time of the transfer is in the future.")
        target = (
            _parse_target(_clean_text(transfer.to_account, 200)) if transfer.to_account else None
        )
        if transfer.to_account and target is None:
            errors[f"{prefix}.to_account"] = _(
                "Give the receiving IBAN, card number, phone or wallet as written on the receipt."
            )
        targets.append(target)
    if errors:
        raise ReportInvalid(errors)
    extracted = indicators.extract(narrative) if narrative else []
    return _Validated(
        data=ReportInput(**{**data.__dict__, "narrative": narrative}),
        typed=typed,
        extracted=extracted,
        targets=targets,
        region=region,
        contact_phone=contact_phone,
    )


# ---------------------------------------------------------------- triage


def _fingerprint(validated: _Validated) -> str:
    """Same victim's same transfer from several channels ⇒ the same fingerprint.

    The receiving identifier, the amount and the calendar day identify a transfer whoever
    reports it; without a transfer, the reporter's contact and the text identify the report.
    """
    parts: list[str] = []
    for transfer, target in zip(validated.data.transfers, validated.targets, strict=False):
        day = transfer.transferred_at.date().isoformat() if transfer.transferred_at else ""
        parts.append(f"{target.value if target else ''}|{transfer.amount.normalize()}|{day}")
    if not parts:
        parts.append(validated.contact_phone or validated.data.reporter_email.lower())
        parts.append(hashlib.sha256(validated.data.narrative.encode()).hexdigest())
    return hashlib.sha256("\n".join(sorted(parts)).encode()).hexdigest()


def _score(
    *, loss: Decimal, minutes_since_transfer: int | None, age_band: str, linked_reports: int
) -> tuple[int, list[str]]:
    """Priority 0-100 and the reasons, so an officer sees why a report is on top."""
    score = 0
    reasons: list[str] = []
    if loss > 0:
        # 10,000 KZT → ~10 points, 1,000,000 → ~30, 100,000,000 → ~50.
        score += min(50, int(10 * math.log10(float(loss) / 1000 + 1) * 1.5))
        reasons.append(f"loss {loss:.0f} KZT")
    if minutes_since_transfer is not None:
        if minutes_since_transfer <= settings.GOLDEN_HOUR_MINUTES:
            score += 30
            reasons.append(f"money left {minutes_since_transfer} minutes ago")
        elif minutes_since_transfer <= 24 * 60:
            score += 10
            reasons.append("money left today")
    if age_band in {AgeBand.FROM_60, AgeBand.UNDER_18}:
        score += 10
        reasons.append("vulnerable victim")
    if linked_reports:
        score += min(10, 2 * linked_reports)
        reasons.append(f"identifiers seen in {linked_reports} other reports")
    return min(score, 100), reasons


def _route(region: Region | None) -> Organisation:
    """The regional department of the incident or the victim; the Department when unknown."""
    if region is not None:
        department = Organisation.objects.filter(kind="regional", region=region).first()
        if department is not None:
            return department
    return Organisation.objects.get(code="DCC")


def _receiving_bank(target: indicators.Indicator | None, code: str = "") -> Organisation | None:
    """The bank holding the receiving account: as the sending bank says, or from the IBAN."""
    if code:
        return Organisation.objects.filter(kind="bank", code=code).first()
    if target is None or target.type.value != "iban" or not target.value.startswith("KZ"):
        return None
    return Organisation.objects.filter(kind="bank", iban_bank_code=target.value[4:7]).first()


def _find_duplicate(validated: _Validated, fingerprint: str, now: datetime) -> Report | None:
    """An earlier report of the same incident, to merge into instead of creating another.

    Two rules, both narrow on purpose (a mule account receives from many victims, so sharing an
    identifier alone never merges two reports): the same transfer (receiving identifier, amount,
    day) within 30 days; or the same reporter's contact naming at least one of the same money
    or contact identifiers within 7 days.
    """
    if validated.data.transfers:
        return (
            Report.objects.select_for_update()
            .filter(fingerprint=fingerprint, received_at__gte=now - timedelta(days=30))
            .first()
        )
    contact_key = validated.contact_phone or validated.data.reporter_email.strip().lower()
    if not contact_key:
        return None
    hashes = {
        identifier_hash(found.type.value, found.value)
        for found in [*validated.typed, *validated.extracted]
        if found.type.value in TRANSFER_TARGET_TYPES
    }
    if not hashes:
        return None
    return (
        Report.objects.select_for_update()
        .filter(
            contact__contact_hash=_contact_hash(contact_key),
            received_at__gte=now - timedelta(days=7),
            indicators__value_hash__in=hashes,
        )
        .order_by("received_at")
        .first()
    )


def _is_coordinated_naming(value_hash: str, now: datetime) -> bool:
    """Many fresh public reports naming one account in a day look like an attack on its owner.

    Such reports are accepted and flagged, but send no automatic hold alert (security.md F6).
    """
    recent = ReportIndicator.objects.filter(
        value_hash=value_hash,
        report__channel=Channel.PUBLIC_WEB,
        report__received_at__gte=now - timedelta(hours=24),
    ).count()
    return recent >= settings.COORDINATED_NAMING_THRESHOLD


# ---------------------------------------------------------------- the one door


def report_submit(
    *,
    actor: Any,
    channel: str,
    data: ReportInput,
    source_organisation: Organisation | None = None,
    client_address: str | None = None,
    tracking_secret: str | None = None,
    attachments: tuple[AttachmentInput, ...] = (),
    received_at: datetime | None = None,
) -> SubmittedReport:
    """Take a report from any channel. Returns the report and, when new, its tracking secret.

    A report about a transfer already reported (same receiving account, amount and day) is
    merged into the existing one as another source; a partner resending its own reference gets
    its earlier report back.
    """
    validated = validate(data)
    now = received_at or timezone.now()
    fingerprint = _fingerprint(validated)
    try:
        with transaction.atomic():
            return _submit(
                actor=actor,
                channel=channel,
                validated=validated,
                source_organisation=source_organisation,
                fingerprint=fingerprint,
                now=now,
                client_address=client_address,
                tracking_secret=tracking_secret,
                attachments=attachments,
            )
    except IntegrityError:
        # Two copies of one partner reference raced: the other one won; answer with it.
        if data.submission_key:
            same_form = Report.objects.filter(submission_key=data.submission_key).first()
            if same_form is not None:
                return SubmittedReport(report=same_form, tracking_secret=None, is_duplicate=True)
        existing = ReportSource.objects.filter(
            organisation=source_organisation, external_reference=data.external_reference
        ).first()
        if existing is None or not data.external_reference:
            raise
        return SubmittedReport(report=existing.report, tracking_secret=None, is_duplicate=True)


def _submit(
    *,
    actor: Any,
    channel: str,
    validated: _Validated,
    source_organisation: Organisation | None,
    fingerprint: str,
    now: datetime,
    client_address: str | None,
    tracking_secret: str | None,
    attachments: tuple[Any, ...],
) -> SubmittedReport:
    data = validated.data
    if data.submission_key:
        same_form = Report.objects.filter(submission_key=data.submission_key).first()
        if same_form is not None:
            return SubmittedReport(report=same_form, tracking_secret=None, is_duplicate=True)
    if data.external_reference and source_organisation is not None:
        earlier = ReportSource.objects.filter(
            organisation=source_organisation, external_reference=data.external_reference
        ).first()
        if earlier is not None:
            return SubmittedReport(report=earlier.report, tracking_secret=None, is_duplicate=True)
    duplicate_of = _find_duplicate(validated, fingerprint, now)
    if duplicate_of is not None:
        ReportSource.objects.create(
            report=duplicate_of,
            channel=channel,
            organisation=source_organisation,
            external_reference=data.external_reference,
            narrative=data.narrative,
        )
        _add_indicators(duplicate_of, validated)
        audit_record(
            actor=actor,
            action="reports.report.merge",
            target=duplicate_of,
            purpose=f"same transfer reported through {channel}",
            client_address=client_address,
        )
        return SubmittedReport(report=duplicate_of, tracking_secret=None, is_duplicate=True)

    loss = sum(
        (transfer.amount for transfer in data.transfers if transfer.currency.upper() == "KZT"),
        Decimal(0),
    )
    latest_transfer = max(
        (transfer.transferred_at for transfer in data.transfers if transfer.transferred_at),
        default=None,
    )
    minutes_since = (
        blocking_services.minutes_between(latest_transfer, now) if latest_transfer else None
    )
    hashes = {
        identifier_hash(found.type.value, found.value)
        for found in [*validated.typed, *validated.extracted, *filter(None, validated.targets)]
    }
    linked_reports = (
        ReportIndicator.objects.filter(value_hash__in=hashes).values("report").distinct().count()
    )
    priority, reasons = _score(
        loss=loss,
        minutes_since_transfer=minutes_since,
        age_band=data.victim_age_band,
        linked_reports=linked_reports,
    )
    is_golden_hour = minutes_since is not None and minutes_since <= settings.GOLDEN_HOUR_MINUTES
    secret = tracking_secret or secrets.token_urlsafe(24)
    report = Report.objects.create(
        received_at=now,
        submission_key=data.submission_key or None,
        tracking_secret_digest=Report.digest_secret(secret),
        channel=channel,
        language=data.language,
        scheme=data.scheme,
        contact_method=data.contact_method,
        occurred_at=data.occurred_at,
        narrative=data.narrative,
        region=validated.region,
        department=_route(validated.region),
        victim_age_band=data.victim_age_band,
        is_on_behalf=data.is_on_behalf,
        loss_amount=loss,
        priority=priority,
        priority_reasons=reasons,
        is_golden_hour=is_golden_hour,
        registration_due_at=now + timedelta(hours=24),
        is_over_registration_threshold=loss >= settings.REGISTRATION_THRESHOLD_KZT,
        fingerprint=fingerprint if data.transfers else "",
    )
    report.tracking_number = f"{now:%y}-{report.pk:07d}"
    report.save(update_fields=["tracking_number"])
    contact_key = validated.contact_phone or data.reporter_email.strip().lower()
    ReporterContact.objects.create(
        report=report,
        name=_clean_text(data.reporter_name, 200),
        phone=validated.contact_phone,
        email=data.reporter_email.strip()[:254],
        contact_hash=_contact_hash(contact_key) if contact_key else "",
    )
    ReportSource.objects.create(
        report=report,
        channel=channel,
        organisation=source_organisation,
        external_reference=data.external_reference,
        narrative=data.narrative,
    )
    StatusChange.objects.create(report=report, status=ReportStatus.SUBMITTED)
    flags = _add_indicators(report, validated)
    alerts = []
    for transfer_input, target in zip(data.transfers, validated.targets, strict=False):
        transfer = ReportTransfer.objects.create(
            report=report,
            sending_bank=Organisation.objects.filter(
                code=transfer_input.sending_bank_code, kind="bank"
            ).first()
            if transfer_input.sending_bank_code
            else None,
            receiving_bank=_receiving_bank(target, transfer_input.receiving_bank_code),
            from_account_masked=_mask_free_text(transfer_input.from_account),
            to_type=target.type.value if target else "",
            to_value=target.value if target else "",
            to_masked=target.masked if target else "",
            amount=transfer_input.amount,
            currency=transfer_input.currency.upper(),
            transferred_at=transfer_input.transferred_at,
            reference=_clean_text(transfer_input.reference, 100),
        )
        minutes = (
            blocking_services.minutes_between(transfer.transferred_at, now)
            if transfer.transferred_at
            else None
        )
        if (
            transfer.receiving_bank is not None
            and minutes is not None
            and minutes <= settings.GOLDEN_HOUR_MINUTES
            and "coordinated_naming" not in flags
        ):
            alerts.append(
                blocking_services.hold_alert_create(
                    actor=actor,
                    report=report,
                    transfer=transfer,
                    bank=transfer.receiving_bank,
                    minutes_since_transfer=minutes,
                )
            )
    for upload in attachments:
        attachment_store(report=report, upload=upload, added_by_reporter=channel != Channel.STAFF)
    if flags:
        report.flags = sorted(flags)
        report.save(update_fields=["flags"])
    audit_record(
        actor=actor,
        action="reports.report.submit",
        target=report,
        purpose=f"intake through {channel}",
        after={"priority": priority, "department": report.department_id, "alerts": len(alerts)},
        client_address=client_address,
    )
    return SubmittedReport(
        report=report, tracking_secret=secret, is_duplicate=False, hold_alerts=alerts
    )


def evidence_path(sha256: str, *, preview: bool = False) -> Path:
    """Content-addressed location of an attachment (or its preview) under MEDIA_ROOT."""
    name = f"{sha256}.preview" if preview else sha256
    return Path(settings.MEDIA_ROOT) / "evidence" / sha256[:2] / name


def attachment_store(
    *, report: Report, upload: AttachmentInput, added_by_reporter: bool
) -> Attachment:
    """Write an inspected upload and record it on the report.

    Files are written before the row commits; a file whose row never committed is an orphan
    that nothing refers to and nothing serves (a sweeper removes it later).
    """
    inspected = upload.inspected
    original = evidence_path(inspected.sha256)
    original.parent.mkdir(parents=True, exist_ok=True)
    if not original.exists():
        temporary = original.with_suffix(".partial")
        temporary.write_bytes(upload.data)
        temporary.replace(original)
    if inspected.preview is not None:
        evidence_path(inspected.sha256, preview=True).write_bytes(inspected.preview)
    return Attachment.objects.create(
        report=report,
        sha256=inspected.sha256,
        safe_name=inspected.safe_name,
        content_type=inspected.content_type,
        size=inspected.size,
        has_preview=inspected.preview is not None,
        preview_content_type=inspected.preview_content_type or "",
        added_by_reporter=added_by_reporter,
    )


def _mask_free_text(value: str) -> str:
    """A victim's own account as written, stored masked: we need the bank, not the number."""
    found = indicators.extract(value) if value else []
    return found[0].masked if found else ""


def _add_indicators(report: Report, validated: _Validated) -> set[str]:
    """Store each identifier once per report; return flags raised by them."""
    flags: set[str] = set()
    now = report.received_at
    rows: dict[tuple[str, str], ReportIndicator] = {}
    sources = [
        *((found, ReportIndicator.Source.TYPED) for found in validated.typed),
        *((found, ReportIndicator.Source.TRANSFER) for found in validated.targets if found),
        *((found, ReportIndicator.Source.EXTRACTED) for found in validated.extracted),
    ]
    existing = set(report.indicators.values_list("type", "value_hash"))
    for found, source in sources:
        value_hash = identifier_hash(found.type.value, found.value)
        key = (found.type.value, value_hash)
        if key in rows or key in existing:
            continue
        if found.suspicious:
            flags.add("suspicious_identifier")
        if report.channel == Channel.PUBLIC_WEB and _is_coordinated_naming(value_hash, now):
            flags.add("coordinated_naming")
        rows[key] = ReportIndicator(
            report=report,
            type=found.type.value,
            value=found.value[:300],
            value_hash=value_hash,
            masked=found.masked[:300],
            source=source,
            is_suspicious=found.suspicious,
        )
    ReportIndicator.objects.bulk_create(rows.values())
    return flags


# ---------------------------------------------------------------- telling the reporter


def _notify_reporter(report: Report, event: str) -> None:
    """Queue a short message to the reporter, in their language, if they left a contact.

    It goes through the outbox like every outgoing message: nothing is sent from the request.
    """
    contact = ReporterContact.objects.filter(report=report).first()
    if contact is None or not (contact.phone or contact.email):
        return
    with translation.override(report.language):
        status = str(ReportStatus(report.status).label)
        text = {
            "status": _("Report %(number)s: %(status)s. Details on your tracking page.")
            % {"number": report.tracking_number, "status": status},
            "message": _("Report %(number)s: the officer sent you a message on your tracking page.")
            % {"number": report.tracking_number},
        }[event]
    blocking_services.outbox_enqueue(
        recipient=None,
        kind="reporter_notification",
        payload={
            "report": report.tracking_number,
            "phone": contact.phone,
            "email": contact.email,
            "language": report.language,
            "text": text,
        },
    )


# ---------------------------------------------------------------- after intake


def report_find_by_secret(*, tracking_number: str, secret: str) -> Report | None:
    """The reporter's own report, by tracking number and secret (constant-time comparison)."""
    report = Report.objects.filter(tracking_number=tracking_number).first()
    if (
        report is None
        or not report.tracking_secret_digest
        or not secrets.compare_digest(report.tracking_secret_digest, Report.digest_secret(secret))
    ):
        return None
    return report


def report_add_reporter_message(*, report: Report, body: str) -> ReporterMessage:
    """The reporter adds information to their report from the tracking page."""
    body = _clean_text(body, 5000)
    if not body:
        raise ReportInvalid({"body": _("Write the information you want to add.")})
    with transaction.atomic():
        message = ReporterMessage.objects.create(
            report=report, direction=ReporterMessage.Direction.FROM_REPORTER, body=body
        )
        extracted = indicators.extract(body)
        if extracted:
            _add_indicators(
                report,
                _Validated(ReportInput(narrative=body), [], extracted, [], None, ""),
            )
        audit_record(
            actor=None, actor_label="reporter", action="reports.message.add", target=report
        )
    return message


def report_message_reporter(*, actor: Any, report: Report, body: str) -> ReporterMessage:
    """An officer writes to the reporter (shown on the tracking page)."""
    body = _clean_text(body, 5000)
    if not body:
        raise ReportInvalid({"body": _("Write a message.")})
    with transaction.atomic():
        message = ReporterMessage.objects.create(
            report=report,
            direction=ReporterMessage.Direction.TO_REPORTER,
            body=body,
            author_label=actor.get_username() if hasattr(actor, "get_username") else "",
        )
        audit_record(actor=actor, action="reports.message.send", target=report)
        _notify_reporter(report, "message")
    return message


def report_register(*, actor: Any, report: Report, erdr_number: str) -> Report:
    """Record the ERDR registration: the report becomes a criminal case's first document."""
    erdr_number = erdr_number.strip()
    if not erdr_number or len(erdr_number) > 30 or not erdr_number.replace("-", "").isalnum():
        raise ReportInvalid(
            {"erdr_number": _("Give the ERDR number as issued (digits and letters).")}
        )
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        before = {"status": report.status, "erdr_number": report.erdr_number}
        report.status = ReportStatus.REGISTERED
        report.erdr_number = erdr_number
        report.registered_at = timezone.now()
        report.save(update_fields=["status", "erdr_number", "registered_at", "updated_at"])
        StatusChange.objects.create(report=report, status=ReportStatus.REGISTERED)
        _notify_reporter(report, "status")
        audit_record(
            actor=actor,
            action="reports.report.register",
            target=report,
            before=before,
            after={"status": report.status, "erdr_number": erdr_number},
        )
    return report


def report_change_status(*, actor: Any, report: Report, status: str, note: str = "") -> Report:
    if status not in ReportStatus.values or status == ReportStatus.REGISTERED:
        raise ReportInvalid({"status": _("Pick a status; registration needs an ERDR number.")})
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        before = {"status": report.status}
        report.status = status
        report.save(update_fields=["status", "updated_at"])
        StatusChange.objects.create(report=report, status=status, note=_clean_text(note, 500))
        _notify_reporter(report, "status")
        audit_record(
            actor=actor,
            action="reports.report.status",
            target=report,
            before=before,
            after={"status": status},
        )
    return report
