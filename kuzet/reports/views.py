"""Public report form, receipt and tracking page; staff intake, queue and report detail."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from kuzet import indicators
from kuzet.accounts.access import (
    acting_user,
    capability_required,
    get_visible_or_404,
    require_capability,
)
from kuzet.accounts.models import Capability, User
from kuzet.audit.services import audit_read, audit_record, client_address_of
from kuzet.core.pagination import Page
from kuzet.ratelimit.services import Limit, Usage, rate_hit, rate_peek
from kuzet.reports import services, worklists
from kuzet.reports.forms import (
    AddInformationForm,
    ChallengeForm,
    MessageReporterForm,
    RecoverLinkForm,
    RegisterForm,
    ReportForm,
    StaffReportForm,
    TransferFormSet,
    apply_service_errors,
    attachments_from,
    error_summary,
    more_details_open,
)
from kuzet.reports.models import Attachment, Channel, Report, ReportAction, ReportStatus
from kuzet.reports.queue import overdue_count, queue_page, statuses_for
from kuzet.reports.uploads import UploadRejected, inspect_upload

# The public form's submissions this browser made, by key digest → tracking number (session).
SUBMITTED_SESSION_KEY = "kuzet_public_submissions"
SUBMITTED_REMEMBERED = 20
# The tracking number whose link was just sent to the reporter's phone or e-mail (session).
LINK_SENT_SESSION_KEY = "kuzet_tracking_link_sent"

# Asking for a lost tracking link: per client address, and per report number whatever the
# address (so a victim's phone is not flooded and a number cannot be tried from many places).
RECOVER_PER_ADDRESS = Limit(scope="public.recover.address", count=10, seconds=3600)
RECOVER_PER_REPORT = Limit(scope="public.recover.report", count=3, seconds=86400)


def submission_key_digest(key: str) -> str:
    """What is stored of the form's one-time key: a replayed key must not find a report by a
    look at the database, and the key proves nothing to anyone but the browser that sent it."""
    return hashlib.sha256(f"submission:{key}".encode()).hexdigest()


def _public_usage(request: HttpRequest, *, count: bool) -> Usage:
    """This client address's writes to the public pages in the current hour."""
    limit = Limit(scope="public.address", count=settings.PUBLIC_FORM_REFUSE_PER_HOUR, seconds=3600)
    key = client_address_of(request) or "unknown"
    return rate_hit(limit, key) if count else rate_peek(limit, key)


def _needs_challenge(usage: Usage, *, counted: bool) -> bool:
    """Above the threshold every write must solve the challenge; a page shown now prepares the
    challenge its next write will need."""
    threshold = settings.PUBLIC_FORM_CHALLENGE_PER_HOUR
    return usage.hits > threshold if counted else usage.hits >= threshold


def _too_many(request: HttpRequest, usage: Usage) -> HttpResponse:
    minutes = max(1, (usage.retry_after + 59) // 60)
    response = render(request, "reports/too_many.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(usage.retry_after)
    return response


def _inspect_attachments(
    request: HttpRequest, form: Form, errors: list[str] | None = None
) -> list[services.AttachmentInput]:
    """The uploaded files, inspected; each refusal is a form error, also added to ``errors``
    so the page can show it beside the file input."""
    files = attachments_from(request.FILES)
    errors = errors if errors is not None else []
    if len(files) > 5:
        errors.append(_("Attach at most 5 files."))
        form.add_error(None, errors[-1])
        return []
    inspected = []
    for number, uploaded in enumerate(files, start=1):
        data = uploaded.read(10 * 1024 * 1024 + 1)
        try:
            inspected.append(
                services.AttachmentInput(inspect_upload(uploaded.name or "", data), data)
            )
        except UploadRejected as error:
            # Named by position: a file name can carry bidi tricks; the message says what to do.
            errors.append(
                _("File %(number)s: %(problem)s") % {"number": number, "problem": error.message}
            )
            form.add_error(None, errors[-1])
    return inspected


def _submit_form(request: HttpRequest, *, staff: bool) -> HttpResponse:
    form_class = StaffReportForm if staff else ReportForm
    initial = {"submission_key": uuid.uuid4().hex}
    form = form_class(request.POST or None, initial=initial)
    formset = TransferFormSet(request.POST or None, prefix="transfers")
    challenge: ChallengeForm | None = None
    if not staff:
        usage = _public_usage(request, count=request.method == "POST")
        if usage.is_exceeded:
            return _too_many(request, usage)
        if _needs_challenge(usage, counted=request.method == "POST"):
            challenge = ChallengeForm(request.POST or None)
    found: list[indicators.Indicator] = []
    attachment_errors: list[str] = []
    if request.method == "POST":
        forms_valid = form.is_valid() & formset.is_valid()
        if challenge is not None:
            forms_valid = challenge.is_valid() & forms_valid
        attachments = _inspect_attachments(request, form, attachment_errors) if forms_valid else []
        if forms_valid and form.is_valid():
            transfers = [
                transfer
                for transfer_form in formset.forms
                if (transfer := transfer_form.to_input()) is not None
            ]
            data = form.to_input(transfers, get_language()[:2] or "ru")
            key_digest = submission_key_digest(form.cleaned_data["submission_key"])
            try:
                submitted = services.report_submit(
                    actor=acting_user(request) if staff else None,
                    channel=Channel.STAFF if staff else Channel.PUBLIC_WEB,
                    data=services.replace_input(data, submission_key=key_digest),
                    client_address=client_address_of(request),
                    attachments=tuple(attachments),
                )
            except services.ReportInvalid as error:
                apply_service_errors(form, formset, error.errors)
            else:
                if staff:
                    report = submitted.report
                    messages.success(
                        request,
                        _("Report %(number)s is in the queue of %(department)s.")
                        % {"number": report.tracking_number, "department": report.department},
                    )
                    return redirect("reports:detail", public_id=report.public_id)
                return _public_outcome(request, submitted, key_digest)
        if form.is_bound and form.data.get("suspect_identifiers"):
            found = indicators.extract(str(form.data.get("suspect_identifiers"))[:5000])
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "reports/report_form.html",
        {
            "form": form,
            "formset": formset,
            "found": found,
            "staff": staff,
            "challenge": challenge,
            "attachment_errors": attachment_errors,
            "more_open": more_details_open(form, attachment_errors),
            "error_summary": error_summary(
                form, challenge, formset=formset, attachment_errors=attachment_errors
            ),
        },
        status=status,
    )


def _public_outcome(
    request: HttpRequest, submitted: services.SubmittedReport, key_digest: str
) -> HttpResponse:
    """What a citizen is shown after sending: never anything of a report that is not theirs.

    A new report: its receipt, with the secret link (the secret exists only in this redirect).
    The same form sent again: "already received", with the tracking number only for the
    browser that sent it first (remembered in its session), never the secret. Details merged
    into a report someone else made (the victim's bank, another page load): a receipt of their
    own submission, without that report's number.
    """
    report = submitted.report
    remembered: dict[str, str] = request.session.get(SUBMITTED_SESSION_KEY, {})
    if submitted.tracking_secret is not None:
        remembered = {**remembered, key_digest: report.tracking_number}
        request.session[SUBMITTED_SESSION_KEY] = dict(
            list(remembered.items())[-SUBMITTED_REMEMBERED:]
        )
        if services.report_send_tracking_link(
            report=report, secret=submitted.tracking_secret, site_url=_site_url(request)
        ):
            request.session[LINK_SENT_SESSION_KEY] = report.tracking_number
        return redirect(
            "reports:receipt",
            tracking_number=report.tracking_number,
            secret=submitted.tracking_secret,
        )
    if report.submission_key == key_digest:
        return render(
            request,
            "reports/already_received.html",
            {"tracking_number": remembered.get(key_digest)},
        )
    return render(request, "reports/merged.html", {"received_at": timezone.now()})


@require_http_methods(["GET", "POST"])
def public_report(request: HttpRequest) -> HttpResponse:
    """The public form: no sign-in, phone-friendly, Kazakh, Russian or English."""
    return _submit_form(request, staff=False)


@require_POST
def identifiers_preview(request: HttpRequest) -> HttpResponse:
    """HTMX: show the identifiers found in what the reporter typed, before they send it."""
    text = str(request.POST.get("suspect_identifiers", ""))[:5000]
    return render(request, "reports/report_form.html#found", {"found": indicators.extract(text)})


def _site_url(request: HttpRequest) -> str:
    """The address the reporter reached us at (its host checked against ALLOWED_HOSTS), for
    links sent to them."""
    return request.build_absolute_uri("/")


@require_http_methods(["GET", "POST"])
def recover_link(request: HttpRequest) -> HttpResponse:
    """A reporter who lost the tracking link asks for a new one, sent to the contact they gave.

    The page answers the same whether or not the number and contact matched, and never shows a
    link: it tells nothing to someone who is guessing. Each address may ask a few times an hour
    and each report number a few times a day, so guessing costs time and a victim is not
    flooded with messages.
    """
    form = RecoverLinkForm(request.POST or None)
    if request.method == "POST":
        usage = rate_hit(RECOVER_PER_ADDRESS, client_address_of(request) or "unknown")
        if usage.is_exceeded:
            return _too_many(request, usage)
        if form.is_valid():
            number = form.cleaned_data["tracking_number"].strip()
            per_report = rate_hit(RECOVER_PER_REPORT, number)
            if not per_report.is_exceeded:
                services.report_recover_tracking_link(
                    tracking_number=number,
                    contact=form.cleaned_data["contact"],
                    site_url=_site_url(request),
                    client_address=client_address_of(request),
                )
            return render(request, "reports/recover_sent.html")
    return render(
        request,
        "reports/recover.html",
        {"form": form, "error_summary": error_summary(form)},
        status=400 if form.is_bound else 200,
    )


def _own_report(tracking_number: str, secret: str) -> Report:
    report = services.report_find_by_secret(tracking_number=tracking_number, secret=secret)
    if report is None:
        raise Http404
    return report


@never_cache
def receipt(request: HttpRequest, tracking_number: str, secret: str) -> HttpResponse:
    report = _own_report(tracking_number, secret)
    tracking_url = request.build_absolute_uri(
        reverse("reports:track", kwargs={"tracking_number": tracking_number, "secret": secret})
    )
    link_sent = request.session.get(LINK_SENT_SESSION_KEY) == report.tracking_number
    return render(
        request,
        "reports/receipt.html",
        {
            "report": report,
            "tracking_url": tracking_url,
            "transfers": services.report_receipt_transfers(report),
            "link_sent": link_sent,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def track(request: HttpRequest, tracking_number: str, secret: str) -> HttpResponse:
    """The reporter's page: status history in plain language, messages, add information.

    Adding information writes, so it counts against the address's hourly allowance of public
    writes (before the secret is checked, so guessing secrets counts too).
    """
    if request.method == "POST":
        usage = _public_usage(request, count=True)
        if usage.is_exceeded:
            return _too_many(request, usage)
    report = _own_report(tracking_number, secret)
    form = AddInformationForm(request.POST or None)
    attachment_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        attachments = _inspect_attachments(request, form, attachment_errors)
        if form.is_valid():
            try:
                services.report_add_reporter_message(
                    report=report, body=form.cleaned_data["body"], attachments=tuple(attachments)
                )
            except services.ReportInvalid as error:
                for path, message in error.errors.items():
                    form.add_error("body" if path == "body" else None, message)
            else:
                messages.success(request, _("Thank you. Your information was added to the report."))
                return redirect("reports:track", tracking_number=tracking_number, secret=secret)
    return render(
        request,
        "reports/track.html",
        {
            "report": report,
            "form": form,
            "history": report.status_changes.all(),
            "conversation": report.messages.all(),
            "attachments": report.attachments.all(),
            "attachment_errors": attachment_errors,
            "error_summary": error_summary(form, attachment_errors=attachment_errors),
        },
        status=400 if form.is_bound else 200,
    )


# ---------------------------------------------------------------- staff


@capability_required(Capability.TAKE_REPORTS)
@require_http_methods(["GET", "POST"])
def staff_report(request: HttpRequest) -> HttpResponse:
    """The duty officer's form for the 102 line and the front desk."""
    return _submit_form(request, staff=True)


@capability_required(Capability.VIEW_REPORTS)
def queue(request: HttpRequest) -> HttpResponse:
    """The department's queue: golden-hour reports first, then by priority; the 24-hour
    registration clock on every row. Paged without a total (``reports.queue``).

    ``?only=`` narrows it to one kind of waiting work (``reports.worklists.Focus``, the home
    page's links); ``?q=`` finds reports by tracking number or by an identifier they name.
    """
    now = timezone.now()
    reports = Report.objects.visible_to(request.user)
    status = request.GET.get("status", "open")
    search = str(request.GET.get("q", "")).strip()[: worklists.MAXIMUM_SEARCH_LENGTH]
    focus = worklists.Focus(request.GET["only"]) if request.GET.get("only") in FOCUSES else None
    page_value = request.GET.get("page")
    page: Page[Report] | None
    if search:
        page = worklists.search_page(reports, search, now=now, page_value=page_value)
        _audit_search(request, search, page)
    elif focus is not None:
        page = worklists.focus_page(reports, focus, now=now, page_value=page_value)
    else:
        page = queue_page(reports, statuses=statuses_for(status), now=now, page_value=page_value)
    kept = {key: value for key, value in (("q", search), ("only", focus or "")) if value}
    return render(
        request,
        "reports/queue.html",
        {
            "page": page,
            "now": now,
            "status": status,
            "statuses": ReportStatus.choices,
            "search": search,
            "focus": focus,
            "focus_label": FOCUS_LABELS.get(focus) if focus else "",
            # What the Previous/Next links keep of the filter.
            "page_query": urlencode(kept or {"status": status}),
            "overdue": overdue_count(reports, now=now),
        },
    )


def _audit_search(request: HttpRequest, search: str, page: Page[Report] | None) -> None:
    """A search by identifier asks who reported a phone, a card or an account: one entry
    records who searched, how and how many reports were found; its ``after`` digest covers the
    keyed hashes searched for and the reports found (the chain keeps digests, never values)."""
    is_tracking_number = Report.pk_from_tracking_number(search) is not None
    how = "tracking number" if is_tracking_number else "identifiers"
    audit_record(
        actor=acting_user(request),
        action=ReportAction.REPORT_SEARCH,
        purpose=f"{SEARCH_PURPOSE}; by {how}, {len(page.rows) if page else 0} found",
        after={
            "by": "tracking_number" if is_tracking_number else "identifiers",
            "identifier_hashes": [] if is_tracking_number else worklists.search_hashes(search),
            "found": [str(report.public_id) for report in page.rows] if page else [],
        },
        client_address=client_address_of(request),
    )


SEARCH_PURPOSE = "staff queue: search by tracking number or identifier"
FOCUSES = frozenset(worklists.Focus)
FOCUS_LABELS = {
    worklists.Focus.URGENT: gettext_lazy("Golden-hour reports"),
    worklists.Focus.DUE_SOON: gettext_lazy("Registration due within 4 hours"),
    worklists.Focus.OVERDUE: gettext_lazy("Past the 24-hour registration limit"),
    worklists.Focus.ALERTS_WAITING: gettext_lazy("Hold alerts not acknowledged by the bank"),
}


def _detail_context(report: Report, user: User, **extra: Any) -> dict[str, Any]:
    # Only the actions the person may take are offered (the service checks again).
    can = {
        "register": user.has_capability(Capability.REGISTER_REPORTS),
        # Not offered on a report already under review: pressing it would change nothing.
        "review": report.status != ReportStatus.UNDER_REVIEW
        and user.has_capability(
            services.status_change_capability(report.status, ReportStatus.UNDER_REVIEW)
        ),
        "change_status": user.has_capability(Capability.CHANGE_REPORT_STATUS),
        "message": user.has_capability(Capability.MESSAGE_REPORTERS),
    }
    return {
        "can": can,
        "report": report,
        "transfers": report.transfers.select_related("receiving_bank", "sending_bank"),
        "indicators": report.indicators.all(),
        "alerts": report.hold_alerts.select_related("bank"),
        "sources": report.sources.select_related("organisation"),
        "history": report.status_changes.all(),
        "conversation": report.messages.all(),
        "attachments": report.attachments.all(),
        "contact": getattr(report, "contact", None),
        # The language the report was written in: replies default to it.
        "reporter_language": dict(settings.LANGUAGES).get(report.language, report.language),
        "register_form": RegisterForm(),
        "message_form": MessageReporterForm(reporter_language=report.language),
        **extra,
    }


@capability_required(Capability.VIEW_REPORTS)
@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, public_id: str) -> HttpResponse:
    """A report's file; its POST carries one action, each checked against its own capability."""
    user = acting_user(request)
    report = get_visible_or_404(
        Report.objects.visible_to(user).select_related("department", "region"),
        request,
        user,
        public_id=public_id,
    )
    if request.method == "POST":
        return _detail_action(request, user, report)
    # The page shows the victim's contact and the identifiers: a consultation of personal data.
    audit_read(
        actor=user,
        target=report,
        purpose="case work: report review",
        client_address=client_address_of(request),
    )
    return render(request, "reports/detail.html", _detail_context(report, user))


STATUS_ACTIONS = frozenset(
    {
        ReportStatus.UNDER_REVIEW,
        ReportStatus.NEEDS_CLARIFICATION,
        ReportStatus.REJECTED,
        ReportStatus.CLOSED,
    }
)


def _detail_action(request: HttpRequest, user: User, report: Report) -> HttpResponse:
    action = str(request.POST.get("action", ""))
    try:
        if action == "register":
            require_capability(request, Capability.REGISTER_REPORTS)
            form = RegisterForm(request.POST)
            if not form.is_valid():
                raise services.ReportInvalid({"erdr_number": _("Give the ERDR number.")})
            outcome = services.report_register(
                actor=user, report=report, erdr_number=form.cleaned_data["erdr_number"]
            )
            if outcome.is_changed:
                messages.success(request, _("Registered in the ERDR."))
            else:
                messages.info(
                    request, _("Already registered with this ERDR number: nothing changed.")
                )
        elif action == "message":
            require_capability(request, Capability.MESSAGE_REPORTERS)
            message_form = MessageReporterForm(request.POST, reporter_language=report.language)
            if not message_form.is_valid():
                raise services.ReportInvalid({"body": _("Write a message.")})
            services.report_message_reporter(
                actor=user,
                report=report,
                body=message_form.cleaned_data["body"],
                language=message_form.cleaned_data["language"],
            )
            messages.success(request, _("The reporter will see your message."))
        elif action in STATUS_ACTIONS:
            require_capability(request, services.status_change_capability(report.status, action))
            outcome = services.report_change_status(
                actor=user,
                report=report,
                status=action,
                note=str(request.POST.get("note", ""))[:500],
            )
            if outcome.is_changed:
                messages.success(request, _("Status changed."))
            else:
                messages.info(
                    request,
                    _("The report is already “%(status)s”: nothing changed.")
                    % {"status": ReportStatus(action).label},
                )
        else:
            raise services.ReportInvalid({"action": _("Unknown action.")})
    except services.ReportInvalid as error:
        for message in error.errors.values():
            messages.error(request, message)
        report.refresh_from_db()
        return render(request, "reports/detail.html", _detail_context(report, user), status=400)
    return redirect("reports:detail", public_id=report.public_id)


def _attachment_read(request: HttpRequest, public_id: str, attachment_id: int) -> Attachment:
    """A visible report's attachment, its consultation audited (evidence is personal data)."""
    user = acting_user(request)
    report = get_visible_or_404(Report.objects.visible_to(user), request, user, public_id=public_id)
    attachment = get_visible_or_404(
        Attachment.objects.visible_to(user).filter(report=report), request, user, pk=attachment_id
    )
    audit_read(
        actor=user,
        target=attachment,
        purpose="case work: evidence",
        client_address=client_address_of(request),
    )
    return attachment


@capability_required(Capability.VIEW_REPORTS)
def attachment_download(request: HttpRequest, public_id: str, attachment_id: int) -> FileResponse:
    """The original file, always as a download (never rendered by the browser)."""
    attachment = _attachment_read(request, public_id, attachment_id)
    path = services.evidence_path(attachment.sha256)
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=attachment.safe_name,
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@capability_required(Capability.VIEW_REPORTS)
def attachment_preview(request: HttpRequest, public_id: str, attachment_id: int) -> FileResponse:
    """An image's re-encoded preview, shown in the browser: pixels only, no metadata (D12)."""
    attachment = _attachment_read(request, public_id, attachment_id)
    if not attachment.has_preview:
        raise Http404
    response = FileResponse(
        services.evidence_path(attachment.sha256, preview=True).open("rb"),
        content_type=attachment.preview_content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
