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

from django.db import models
from django.utils.translation import gettext_lazy as _

from kuzet.accounts.models import ApiClient, Organisation, User
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
