"""The reporter's tracking link: sent to the contact they gave, and sent again when lost.

The link carries the report's secret, of which only a digest is stored (``Report``), so nobody
here can send the same link twice: recovering a lost link issues a new secret, which retires the
old link, and sends the new one to the contact the reporter gave with the report. The link is
never shown to whoever asks for it, so knowing a tracking number and a victim's phone number
opens nothing.
"""

from __future__ import annotations

import secrets

from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from kuzet import indicators
from kuzet.audit.services import audit_record
from kuzet.blocking import services as blocking_services
from kuzet.blocking.models import MessageKind
from kuzet.reports.models import Report, ReportAction, ReporterContact

# What stays of a sent message's text once the gateway has it: the secret is not kept.
LINK_REMOVED = "[…]"


def _tracking_link(site_url: str, report: Report, secret: str) -> str:
    path = reverse(
        "reports:track", kwargs={"tracking_number": report.tracking_number, "secret": secret}
    )
    return f"{site_url.rstrip('/')}{path}"


def _enqueue_link(
    report: Report, contact: ReporterContact, link: str, *, is_recovered: bool
) -> None:
    """Queue the SMS or e-mail carrying ``link``, in the language the reporter wrote in."""
    with translation.override(report.language):
        if is_recovered:
            template = _(
                "Report %(number)s: your new link to follow it is %(link)s — the earlier link "
                "no longer works. Do not share it."
            )
        else:
            template = _(
                "Report %(number)s received. Follow it and add to it here: %(link)s — "
                "do not share this link."
            )
    values = {"number": report.tracking_number}
    blocking_services.outbox_enqueue(
        recipient=None,
        kind=MessageKind.REPORTER_NOTIFICATION,
        payload={
            "report": report.tracking_number,
            "phone": contact.phone,
            "email": contact.email,
            "language": report.language,
            "text": template % {**values, "link": link},
            # Once delivered, the outbox keeps the message without the secret.
            "text_after_delivery": template % {**values, "link": LINK_REMOVED},
        },
    )


def report_send_tracking_link(*, report: Report, secret: str, site_url: str) -> bool:
    """Send a new report's tracking link to the phone or e-mail its reporter gave.

    Called by the public form right after intake, while the secret still exists. Returns
    whether a message was queued (False when the reporter left no contact).
    """
    contact = ReporterContact.objects.filter(report=report).first()
    if contact is None or not (contact.phone or contact.email):
        return False
    with transaction.atomic():
        _enqueue_link(report, contact, _tracking_link(site_url, report, secret), is_recovered=False)
        audit_record(
            actor=None,
            actor_label="reporter",
            action=ReportAction.TRACKING_LINK_SEND,
            target=report,
            after={"by": "phone" if contact.phone else "email"},
        )
    return True


def _normalised_contact(value: str) -> str:
    """A phone number in its international form, or an e-mail address in lower case."""
    value = value.strip()
    if "@" in value:
        return value.lower()
    try:
        return indicators.parse_phone(value).value
    except indicators.InvalidIndicator:
        return ""


def _contact_matches(contact: ReporterContact, given: str) -> bool:
    # Both compared, in constant time, whichever matched: the answer takes the same path.
    phone = secrets.compare_digest(contact.phone.encode(), given.encode())
    email = secrets.compare_digest(contact.email.strip().lower().encode(), given.encode())
    return bool(given) and (phone or email)


def report_recover_tracking_link(
    *, tracking_number: str, contact: str, site_url: str, client_address: str | None = None
) -> bool:
    """A reporter who lost the link asks for it again by tracking number and contact.

    When the contact is the one given with the report, a new secret replaces the old (only its
    digest is kept, so the old link cannot be re-sent) and the new link goes to that contact.
    The caller shows the same answer either way; the return value (whether a link was sent)
    is for tests and the audit log, never for the page.
    """
    given = _normalised_contact(contact)
    pk = Report.pk_from_tracking_number(tracking_number.strip())
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(pk=pk).first() if pk else None
        if report is not None and report.tracking_number != tracking_number.strip():
            report = None
        found = ReporterContact.objects.filter(report=report).first() if report else None
        if report is None or found is None or not _contact_matches(found, given):
            return False
        secret = secrets.token_urlsafe(24)
        report.tracking_secret_digest = Report.digest_secret(secret)
        report.save(update_fields=["tracking_secret_digest", "updated_at"])
        _enqueue_link(report, found, _tracking_link(site_url, report, secret), is_recovered=True)
        audit_record(
            actor=None,
            actor_label="reporter",
            action=ReportAction.TRACKING_LINK_RECOVER,
            target=report,
            client_address=client_address,
            after={"by": "phone" if found.phone and found.phone == given else "email"},
        )
    return True
