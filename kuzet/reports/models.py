"""Fraud reports as they arrive: who reported, what happened, the money, the identifiers.

A report is scored and routed to a regional department the moment it is saved; its reporter
follows it with a tracking number and a secret link. Reporter contact details live in their own
table (``ReporterContact``) so that the scam description can be shared without them
(security.md D11).
"""

from __future__ import annotations

import hashlib
import re
from typing import ClassVar

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kuzet import reference
from kuzet.core.actors import PossibleActor, actor_has_capability, actor_organisation, is_system
from kuzet.core.models import AuditAction, PublicIdentifierModel, TimeStampedModel
from kuzet.core.permissions import REPORT_WRITE_CAPABILITIES, Capability, OrganisationKind
from kuzet.reports.reasons import reason_shown
from kuzet.reports.uploads import UploadWarning

_TWO_DIGITS = re.compile(r"[0-9]{2}")
_UP_TO_TWELVE_DIGITS = re.compile(r"[0-9]{1,12}")


class Channel(models.TextChoices):
    PUBLIC_WEB = "public_web", _("Public web form")
    STAFF = "staff", _("102 line or front desk")
    BANK = "bank", _("Bank")
    TELECOM = "telecom", _("Telecom operator")
    PLATFORM = "platform", _("Platform")


class ReportStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    NEEDS_CLARIFICATION = "needs_clarification", _("Needs clarification")
    REGISTERED = "registered", _("Registered")
    REJECTED = "rejected", _("Rejected")
    CLOSED = "closed", _("Closed")


class ContactMethod(models.TextChoices):
    PHONE_CALL = "phone_call", _("Phone call")
    SMS = "sms", _("Text message (SMS)")
    MESSENGER = "messenger", _("Messenger (WhatsApp, Telegram)")
    SOCIAL_NETWORK = "social_network", _("Social network")
    WEBSITE = "website", _("Website or advert")
    EMAIL = "email", _("E-mail")
    IN_PERSON = "in_person", _("In person")
    OTHER = "other", _("Other")


class AgeBand(models.TextChoices):
    UNDER_18 = "under_18", _("Under 18")
    FROM_18_TO_29 = "18_29", _("18 to 29")
    FROM_30_TO_44 = "30_44", _("30 to 44")
    FROM_45_TO_59 = "45_59", _("45 to 59")
    FROM_60 = "60_plus", _("60 or older")
    UNKNOWN = "unknown", _("Prefer not to say")


class ReportAction(AuditAction):
    """What reports writes to the audit log."""

    REPORT_SUBMIT = "reports.report.submit"
    REPORT_MERGE = "reports.report.merge"
    REPORT_REGISTER = "reports.report.register"
    REPORT_CHANGE_STATUS = "reports.report.status"
    REPORT_SEARCH = "reports.report.search"
    REPORTER_MESSAGE_ADD = "reports.message.add"
    REPORTER_MESSAGE_SEND = "reports.message.send"
    # The tracking link sent to the reporter's contact; recovering it issues a new secret.
    TRACKING_LINK_SEND = "reports.tracking_link.send"
    TRACKING_LINK_RECOVER = "reports.tracking_link.recover"
    IMPORT_CREATE = "reports.import.create"
    # A queued import stopped because its token may no longer submit.
    IMPORT_STOP = "reports.import.stop"


class ReportFlag(models.TextChoices):
    """Why an officer should look twice at a report before acting on it."""

    # An identifier became valid only after folding look-alike or invisible characters: someone
    # tried to slip it past filters.
    SUSPICIOUS_IDENTIFIER = "suspicious_identifier", _("Disguised identifier")
    # More public-form reports than the threshold named the same identifier within a day: a
    # campaign to have an innocent account frozen looks like this, so no hold alert is sent.
    COORDINATED_NAMING = "coordinated_naming", _("Identifier named by many public reports")


class ReportQuerySet(models.QuerySet["Report"]):
    def visible_to(self, actor: PossibleActor) -> ReportQuerySet:
        """Who may read which reports.

        Police staff whose role reads reports: the Department every report, a regional
        department the reports routed to it. A partner system with ``reports:read``: only the
        reports its own organisation submitted, whatever kind of organisation it is. Anyone
        else, the Department's own API tokens included: nothing. Citizens follow their own
        report by its secret link, never through this rule.
        """
        organisation = actor_organisation(actor)
        if organisation is None:
            return self.none()
        if actor_has_capability(actor, Capability.VIEW_REPORTS):
            if organisation.kind == OrganisationKind.CENTRAL:
                return self.all()
            if organisation.kind == OrganisationKind.REGIONAL:
                return self.filter(department_id=organisation.pk)
        if actor_has_capability(actor, Capability.VIEW_SUBMITTED_REPORTS):
            return self.filter(sources__organisation_id=organisation.pk).distinct()
        return self.none()

    def changeable_by(self, actor: PossibleActor) -> ReportQuerySet:
        """Which reports an actor may change after intake (review, status, ERDR, messages).

        Police staff holding a report-changing capability: the Department every report, a
        regional department its own. Partners never change a report once submitted. Each
        service still checks the capability of its own action.
        """
        if is_system(actor):
            return self.all()
        organisation = actor_organisation(actor)
        if organisation is None or not any(
            actor_has_capability(actor, capability) for capability in REPORT_WRITE_CAPABILITIES
        ):
            return self.none()
        if organisation.kind == OrganisationKind.CENTRAL:
            return self.all()
        if organisation.kind == OrganisationKind.REGIONAL:
            return self.filter(department_id=organisation.pk)
        return self.none()

    def submitted_first_by(self, organisation: object) -> ReportQuerySet:
        """Reports that ``organisation``'s own submission started (its source came first).

        A partner whose submission was merged into a report another partner or a citizen made
        has a source on that report, but the report is not its own: it must learn nothing of
        it (tracking number, department, priority, alerts), only that its submission arrived.
        """
        organisation_id = getattr(organisation, "pk", None)
        if organisation_id is None:
            return self.none()
        first_source = (
            ReportSource.objects.filter(report=models.OuterRef("pk"))
            .order_by("id")
            .values("organisation_id")[:1]
        )
        return self.annotate(first_source_organisation=models.Subquery(first_source)).filter(
            first_source_organisation=organisation_id
        )


class Report(TimeStampedModel, PublicIdentifierModel):
    """One fraud incident as reported, possibly by several sources (victim, bank, telecom)."""

    tracking_secret_digest = models.CharField(max_length=64, editable=False)
    channel = models.CharField(_("first channel"), max_length=20, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=25, choices=ReportStatus.choices, default=ReportStatus.SUBMITTED
    )
    # When the report reached us. Equal to created_at for live intake; a bulk import of earlier
    # reports keeps their original time so the golden hour and the 24-hour clock stay true.
    received_at = models.DateTimeField(_("received"), db_index=True)
    language = models.CharField(_("language"), max_length=2, default="ru")
    scheme = models.CharField(_("scheme"), max_length=40, blank=True)
    contact_method = models.CharField(
        _("how the fraudster made contact"),
        max_length=20,
        choices=ContactMethod.choices,
        blank=True,
    )
    occurred_at = models.DateTimeField(_("when it happened"), null=True, blank=True)
    narrative = models.TextField(_("what happened"), blank=True)
    region = models.ForeignKey(
        "accounts.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Indexed by the queue index below, which leads with the department.
    department = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="routed_reports",
        db_index=False,
    )
    victim_age_band = models.CharField(
        _("victim's age"), max_length=10, choices=AgeBand.choices, default=AgeBand.UNKNOWN
    )
    is_on_behalf = models.BooleanField(_("reported for someone else"), default=False)
    loss_amount = models.DecimalField(_("loss, KZT"), max_digits=16, decimal_places=2, default=0)
    priority = models.PositiveSmallIntegerField(_("priority"), default=0)
    # Sentences of ``reasons.PriorityReason``, stored in English; pages show them translated.
    priority_reasons = models.JSONField(default=list, blank=True)
    is_golden_hour = models.BooleanField(_("golden hour"), default=False)
    registration_due_at = models.DateTimeField(_("register by"), null=True, blank=True)
    erdr_number = models.CharField(_("ERDR number"), max_length=30, blank=True)
    registered_at = models.DateTimeField(null=True, blank=True)
    is_over_registration_threshold = models.BooleanField(default=False)
    # ReportFlag values, sorted.
    flags = models.JSONField(default=list, blank=True)
    fingerprint = models.CharField(max_length=64, blank=True)
    # The public form's one-time key: a double-clicked submit finds the report it already made.
    # Null, not "", when absent: the uniqueness constraint below ignores nulls.
    submission_key = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-priority", "-received_at"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        # Hashes and keys are indexed in Meta rather than with db_index/unique: on PostgreSQL
        # those also build a second, LIKE-pattern index per column that nothing here queries
        # and every bulk intake would pay to maintain.
        indexes: ClassVar = [
            # The queue's order within one status (``reports.queue``): a department's queue,
            # and the Department's national one. ``id`` makes the order total, so pages never
            # repeat or skip a report of equal priority and time.
            models.Index(
                fields=["department", "status", "-priority", "received_at", "id"],
                name="reports_queue_department",
            ),
            models.Index(
                fields=["status", "-priority", "received_at", "id"], name="reports_queue_national"
            ),
            # Reports whose 24-hour registration clock runs: few at any time in real life (the
            # rest are registered, rejected or closed), so the overdue warning reads only them.
            models.Index(
                fields=["department", "registration_due_at"],
                condition=models.Q(status__in=["submitted", "under_review"]),
                name="reports_awaiting_registration",
            ),
            # The same across every department, in the order of the "due soon" and "overdue"
            # lists, so the Department's list reads its page from the index (a backlog of
            # unregistered reports made it sort them all: 300 ms at a million reports).
            models.Index(
                fields=["registration_due_at", "id"],
                condition=models.Q(status__in=["submitted", "under_review"]),
                name="reports_registration_due",
            ),
            models.Index(fields=["fingerprint"], name="reports_report_fingerprint"),
        ]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["submission_key"], name="reports_report_submission_once"
            )
        ]

    def __str__(self) -> str:
        return self.tracking_number

    @property
    def tracking_number(self) -> str:
        """What the reporter writes down: the year received and the row's number, "26-0001234".

        Derived, not stored, so bulk intake needs no second write per report.
        """
        if self.pk is None:
            return ""
        return f"{self.received_at:%y}-{self.pk:07d}"

    @property
    def scheme_label(self) -> str:
        """The scheme in the reader's language (the code is kept for machines)."""
        for scheme in reference.schemes():
            if scheme.code == self.scheme:
                return reference.label_in(scheme.label, get_language() or "ru")
        return self.scheme

    @property
    def priority_reasons_shown(self) -> list[str]:
        """Why the report has its priority, in the reader's language."""
        return [reason_shown(str(reason)) for reason in self.priority_reasons]

    @property
    def flag_labels(self) -> list[str]:
        """The report's flags in the reader's language."""
        return [str(ReportFlag(flag).label) for flag in self.flags]

    @staticmethod
    def pk_from_tracking_number(tracking_number: str) -> int | None:
        year, _separator, number = tracking_number.partition("-")
        # ASCII digits only: str.isdigit() also accepts "²", which int() then refuses.
        if not (_TWO_DIGITS.fullmatch(year) and _UP_TO_TWELVE_DIGITS.fullmatch(number)):
            return None
        return int(number)

    @staticmethod
    def digest_secret(secret: str) -> str:
        return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class ReporterContact(models.Model):
    """Restricted: the reporter's contact details, apart from the description of the scam."""

    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="contact")
    name = models.CharField(_("name"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    contact_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["contact_hash"], name="reports_contact_hash")]

    def __str__(self) -> str:
        return f"contact of {self.report_id}"


class ReportSource(models.Model):
    """One channel that told us about the report: a victim, a bank, a telecom, an officer."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="sources")
    channel = models.CharField(max_length=20, choices=Channel.choices)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    external_reference = models.CharField(max_length=100, blank=True)
    # Each source's own account, kept when a later source is merged into the report.
    narrative = models.TextField(blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["received_at"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["organisation", "external_reference"],
                condition=~models.Q(external_reference=""),
                name="reports_one_report_per_partner_reference",
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel} → {self.report_id}"


class ReportTransfer(models.Model):
    """One transfer out of the victim's money, as reported."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="transfers")
    sending_bank = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    receiving_bank = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    from_account_masked = models.CharField(max_length=40, blank=True)
    to_type = models.CharField(max_length=30, blank=True)
    to_value = models.CharField(max_length=200, blank=True)
    to_masked = models.CharField(max_length=60, blank=True)
    amount = models.DecimalField(max_digits=16, decimal_places=2)
    currency = models.CharField(max_length=3, default="KZT")
    transferred_at = models.DateTimeField(null=True, blank=True)
    reference = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering: ClassVar = ["transferred_at", "id"]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} → {self.to_masked}"


class ReportIndicator(models.Model):
    """An identifier named in a report (typed by the reporter or extracted from the text)."""

    class Source(models.TextChoices):
        TYPED = "typed", _("Typed")
        EXTRACTED = "extracted", _("Found in the text")
        TRANSFER = "transfer", _("Transfer")

    # Indexed by the once-per-report constraint below, which leads with the report.
    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="indicators", db_index=False
    )
    type = models.CharField(max_length=30)
    value = models.CharField(max_length=300)
    value_hash = models.CharField(max_length=64)
    masked = models.CharField(max_length=300)
    source = models.CharField(max_length=10, choices=Source.choices)
    is_suspicious = models.BooleanField(default=False)

    class Meta:
        ordering: ClassVar = ["type", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["report", "type", "value_hash"], name="reports_indicator_once_per_report"
            )
        ]
        indexes: ClassVar = [models.Index(fields=["value_hash"], name="reports_indicator_hash")]

    def __str__(self) -> str:
        return f"{self.type}:{self.masked}"


# What an officer reads next to an attachment the inspector flagged (``uploads.UploadWarning``).
UPLOAD_WARNING_LABELS = {
    UploadWarning.EXTENSION_CORRECTED: _(
        "Its name gave another image type; the name now matches the content."
    ),
    UploadWarning.EMBEDDED_MARKUP: _(
        "It also contains web page code or a script: open the original only in a safe viewer."
    ),
    UploadWarning.EMBEDDED_ARCHIVE: _(
        "It also contains an archive (ZIP): the original carries more than the document."
    ),
}


class AttachmentQuerySet(models.QuerySet["Attachment"]):
    def visible_to(self, actor: PossibleActor) -> AttachmentQuerySet:
        """Evidence files: police staff who read the report. Partners never download them."""
        if not actor_has_capability(actor, Capability.VIEW_REPORTS):
            return self.none()
        return self.filter(report__in=Report.objects.visible_to(actor))


class Attachment(models.Model):
    """A screenshot or PDF attached to a report, stored by its SHA-256 (chain of custody).

    The original bytes are kept unchanged and served only as a download; images are shown
    through a re-encoded preview without metadata (security.md D12). ``warnings`` keeps what
    the inspector flagged in a file it accepted, for the officer who opens it.
    """

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")
    sha256 = models.CharField(max_length=64, db_index=True)
    safe_name = models.CharField(max_length=120)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    has_preview = models.BooleanField(default=False)
    preview_content_type = models.CharField(max_length=20, blank=True)
    added_by_reporter = models.BooleanField(default=True)
    added_at = models.DateTimeField(auto_now_add=True)
    # UploadWarning values.
    warnings = models.JSONField(default=list, blank=True)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["added_at", "id"]

    def __str__(self) -> str:
        return self.safe_name

    @property
    def warning_labels(self) -> list[str]:
        """The inspector's warnings in the reader's language."""
        return [str(UPLOAD_WARNING_LABELS[UploadWarning(code)]) for code in self.warnings]


class StatusChange(models.Model):
    """A step in the report's life, with a plain-language note the reporter can read."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField(max_length=25, choices=ReportStatus.choices)
    note = models.CharField(max_length=500, blank=True)
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.status}"


class ReporterMessage(models.Model):
    """A message between the reporter and the department handling the report."""

    class Direction(models.TextChoices):
        FROM_REPORTER = "from_reporter", _("From the reporter")
        TO_REPORTER = "to_reporter", _("To the reporter")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(max_length=15, choices=Direction.choices)
    body = models.TextField(max_length=5000)
    author_label = models.CharField(max_length=150, blank=True)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["sent_at", "id"]

    def __str__(self) -> str:
        return f"{self.direction} {self.report_id}"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")


class ImportRowOutcome(models.TextChoices):
    """What became of one row of an import or of a bulk call."""

    CREATED = "created", _("Created")
    MERGED = "merged", _("Merged into an earlier report")
    INVALID = "invalid", _("Invalid")


class ReportImportQuerySet(models.QuerySet["ReportImport"]):
    def visible_to(self, actor: PossibleActor) -> ReportImportQuerySet:
        """A partner system that imports sees its own organisation's imports (whatever its
        kind); the Department's report readers see all of them; anyone else nothing."""
        organisation = actor_organisation(actor)
        if organisation is None:
            return self.none()
        if actor_has_capability(actor, Capability.IMPORT_REPORTS):
            return self.filter(organisation_id=organisation.pk)
        if (
            actor_has_capability(actor, Capability.VIEW_REPORTS)
            and organisation.kind == OrganisationKind.CENTRAL
        ):
            return self.all()
        return self.none()


class ReportImport(TimeStampedModel, PublicIdentifierModel):
    """A large upload of reports, taken in by a background worker 500 rows at a time.

    The worker takes chunks round-robin across partners, so one partner's large imports never
    hold back another's small one. Each chunk commits on its own, so a stopped worker resumes
    where it was and no row is ever half-applied; ``processed`` is the progress a partner polls.
    """

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    api_client = models.ForeignKey(
        "accounts.ApiClient", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(max_length=20, choices=Channel.choices)
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    merged = models.PositiveIntegerField(default=0)
    invalid = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    # When the worker last took a chunk of it: the worker serves the partner waiting longest.
    worked_at = models.DateTimeField(null=True, blank=True)

    objects = ReportImportQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-created_at"]

    def __str__(self) -> str:
        return f"import {self.public_id} ({self.processed}/{self.total})"


class ReportImportRow(models.Model):
    """One row of an import: what was sent, and once processed, what became of it."""

    report_import = models.ForeignKey(ReportImport, on_delete=models.CASCADE, related_name="rows")
    row = models.PositiveIntegerField()
    payload = models.JSONField()
    # Blank until the worker has processed the row.
    outcome = models.CharField(max_length=10, blank=True, choices=ImportRowOutcome.choices)
    report = models.ForeignKey(
        Report, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    errors = models.JSONField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["report_import", "row"]
        # A partner's "rows to fix" (``?outcome=invalid``) in row order, without reading the
        # other 49,000 rows of an import.
        indexes: ClassVar = [
            models.Index(fields=["report_import", "outcome", "row"], name="reports_import_outcome")
        ]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["report_import", "row"], name="reports_import_row_once")
        ]

    def __str__(self) -> str:
        return f"{self.report_import_id}:{self.row}"
