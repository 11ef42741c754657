"""Objects of the audit log by the names people know them by, and the actions it records.

The chain names an object by its type and database id (it stores no personal data); auditors
know a report by its tracking number, an organisation by its code, a person by their username,
an alert or a token by its public id. These lookups turn such a name into the (type, id) pairs
the chain's object index (``audit_object_newest``) is searched by.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

from django.db import models
from django.db.models import Case, OuterRef, Subquery, When
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from kuzet.accounts.models import ApiClient, Organisation, User
from kuzet.audit.models import AuditEvent
from kuzet.blocking.models import HoldAlert, PartnerInboxItem
from kuzet.core.models import AuditAction
from kuzet.reports.models import Report

# The kinds of object an auditor can search by name: the chain's object type and its label.
OBJECT_KINDS: tuple[tuple[str, object], ...] = (
    ("reports.report", _("Report (tracking number)")),
    ("accounts.organisation", _("Organisation (code)")),
    ("accounts.user", _("Person (username)")),
    ("blocking.holdalert", _("Hold alert (public id)")),
    ("blocking.partnerinboxitem", _("Inbox message (message id)")),
    ("accounts.apiclient", _("API client (public id)")),
)


def _as_uuid(name: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(name)
    except ValueError:
        return None


def _ids(queryset: models.QuerySet[models.Model]) -> list[str]:
    return [str(pk) for pk in queryset.values_list("pk", flat=True)[:2]]


def _report(name: str) -> list[str]:
    pk = Report.pk_from_tracking_number(name)
    if pk is not None:
        # Named by a tracking number the chain may hold entries of, even without the report.
        return [str(pk)]
    public_id = _as_uuid(name)
    return _ids(Report.objects.filter(public_id=public_id)) if public_id else []


def _by_public_id(model: type[models.Model], field: str) -> Callable[[str], list[str]]:
    def lookup(name: str) -> list[str]:
        public_id = _as_uuid(name)
        if public_id is None:
            return []
        return _ids(model._default_manager.filter(**{field: public_id}))

    return lookup


_LOOKUPS: dict[str, Callable[[str], list[str]]] = {
    "reports.report": _report,
    "accounts.organisation": lambda name: _ids(Organisation.objects.filter(code__iexact=name)),
    "accounts.user": lambda name: _ids(User.objects.filter(username=name)),
    "blocking.holdalert": _by_public_id(HoldAlert, "public_id"),
    "blocking.partnerinboxitem": _by_public_id(PartnerInboxItem, "message_id"),
    "accounts.apiclient": _by_public_id(ApiClient, "public_id"),
}


def objects_named(name: str, kind: str = "") -> list[tuple[str, str]]:
    """The (object type, object id) pairs ``name`` stands for, within ``kind`` if given."""
    name = name.strip()
    kinds = [kind] if kind else list(_LOOKUPS)
    return [(each, object_id) for each in kinds for object_id in _LOOKUPS[each](name)]


def _subclasses(base: type) -> Iterator[type]:
    for subclass in base.__subclasses__():
        yield subclass
        yield from _subclasses(subclass)


@cache
def known_actions() -> tuple[str, ...]:
    """Every action the chain records, from each app's ``AuditAction`` enum, sorted."""
    return tuple(
        sorted({str(member) for enum in _subclasses(AuditAction) for member in enum})  # type: ignore[attr-defined]
    )


def is_known_action(text: str) -> bool:
    """An action the chain records, or the start of some up to a dot ("reports.report")."""
    return any(
        action == text or action.startswith(text if text.endswith(".") else text + ".")
        for action in known_actions()
    )


def _name_of(object_type: str, model: type[models.Model], field: str) -> Case:
    """The named field of the entry's object when it is of ``object_type``, read in the page's
    own query (a subquery per shown row, on the object's primary key), else null."""
    found = model._default_manager.filter(
        pk=Cast(OuterRef("object_id"), output_field=models.BigIntegerField())
    ).values(field)[:1]
    return Case(When(object_type=object_type, then=Subquery(found)), default=None)


def with_object_names(events: models.QuerySet[AuditEvent]) -> models.QuerySet[AuditEvent]:
    """Entries with what their object is called: a report's time of receipt (its tracking
    number is made from it), an organisation's code, a person's username."""
    return events.annotate(
        named_report_received_at=_name_of("reports.report", Report, "received_at"),
        named_organisation_code=_name_of("accounts.organisation", Organisation, "code"),
        named_username=_name_of("accounts.user", User, "username"),
    )


def object_name(event: Any) -> str:
    """The name an auditor knows the entry's object by, or "" when it has none shown here."""
    received_at = getattr(event, "named_report_received_at", None)
    if received_at is not None and event.object_id.isdigit():
        return f"{received_at:%y}-{int(event.object_id):07d}"
    return str(
        getattr(event, "named_organisation_code", None)
        or getattr(event, "named_username", None)
        or ""
    )
