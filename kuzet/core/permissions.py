"""Who may do what: organisation kinds, roles, capabilities and API scopes, as enums and tables.

They live in ``core`` so that every app's models (which may import ``core`` only) and the audit
log can name them as enums instead of strings. Deny unless a table below says so:

- ``ROLE_CAPABILITIES``: what a person's role lets them do in the web interface. Every write
  action has its own capability, so that reading a report never implies changing it.
- ``SCOPE_CAPABILITIES``: what a partner system's token scope lets it do through the API.
- ``SCOPES_BY_KIND``: which scopes an organisation of each kind may hold at all. A token whose
  scopes fall outside its organisation's kind is refused when issued and when presented.
"""

from __future__ import annotations

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    CENTRAL = "central", _("Central department")
    REGIONAL = "regional", _("Regional police department")
    BANK = "bank", _("Bank")
    TELECOM = "telecom", _("Telecom operator")
    PLATFORM = "platform", _("Platform or provider")
    REGISTRY = "registry", _("Registry")
    AGENCY = "agency", _("Agency")
    FOREIGN_PARTNER = "foreign_partner", _("Foreign partner")


POLICE_KINDS = frozenset({OrganisationKind.CENTRAL, OrganisationKind.REGIONAL})

# Partners that submit reports about their customers through the API (and the report channel
# each of them submits on).
REPORTING_KINDS = frozenset(
    {OrganisationKind.BANK, OrganisationKind.TELECOM, OrganisationKind.PLATFORM}
)
# Partners that receive requests in an inbox: banks receive hold alerts today; telecom operators
# (number blocking) and platforms (takedowns) are the recipients of the next capabilities.
RECEIVING_KINDS = frozenset(
    {OrganisationKind.BANK, OrganisationKind.TELECOM, OrganisationKind.PLATFORM}
)


class Role(models.TextChoices):
    DUTY_OFFICER = "duty_officer", _("Duty officer")
    INVESTIGATOR = "investigator", _("Investigator")
    ANALYST = "analyst", _("Analyst")
    HEAD_OF_UNIT = "head_of_unit", _("Head of unit")
    PARTNER_OFFICER = "partner_officer", _("Partner officer")
    FOREIGN_LIAISON = "foreign_liaison", _("Foreign liaison officer")
    AUDITOR = "auditor", _("Auditor")
    STEERING_MEMBER = "steering_member", _("Steering committee member")
    ADMINISTRATOR = "administrator", _("Administrator")


class Capability(StrEnum):
    """Something an actor is allowed to do. Each write action has a capability of its own."""

    VIEW_DIRECTORY = "directory.view"  # see every organisation (police and oversight only)
    MANAGE_MEMBERS = "members.manage"  # people of one's own organisation
    MANAGE_ALL_MEMBERS = "members.manage_all"  # platform administration
    MANAGE_API_CLIENTS = "api_clients.manage"
    MANAGE_ALL_API_CLIENTS = "api_clients.manage_all"
    VIEW_AUDIT = "audit.view"
    VIEW_STATISTICS = "statistics.view"
    VIEW_REPORTS = "reports.view"  # the department's queue and report files (a read)
    TAKE_REPORTS = "reports.take"  # record a report at the 102 line or the front desk
    REVIEW_REPORTS = "reports.review"  # take a new report for review
    CHANGE_REPORT_STATUS = "reports.change_status"  # clarify, reject, close, reopen
    REGISTER_REPORTS = "reports.register"  # register in the ERDR: opens a criminal case
    MESSAGE_REPORTERS = "reports.message_reporter"  # write to the citizen who reported
    VIEW_SUBMITTED_REPORTS = "reports.view_submitted"  # a partner reads what it submitted
    SUBMIT_REPORTS = "reports.submit"  # a partner system submits its customers' reports
    IMPORT_REPORTS = "reports.import"  # a partner system uploads a large import
    VIEW_INBOX = "inbox.view"  # a partner's inbox of hold alerts (a read)
    ACKNOWLEDGE_INBOX = "inbox.acknowledge"  # confirm receipt: starts a hold's clock
    RELEASE_HOLD_ALERTS = "hold_alerts.release"  # send a held-back unverified alert after all
    # How a partner takes its messages (poll or signed webhooks) and its signing key.
    CONFIGURE_PARTNER_DELIVERY = "partner_delivery.configure"


_STAFF_READING = frozenset({Capability.VIEW_DIRECTORY, Capability.VIEW_REPORTS})
_CASEWORK = frozenset(
    {
        Capability.TAKE_REPORTS,
        Capability.REVIEW_REPORTS,
        Capability.CHANGE_REPORT_STATUS,
        Capability.REGISTER_REPORTS,
        Capability.MESSAGE_REPORTERS,
        # The duty officer's too: an unverified alert held back by a bank's budget waits for a
        # police officer to judge it.
        Capability.RELEASE_HOLD_ALERTS,
    }
)

ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    # Takes reports and starts their review; registering a criminal case, rejecting or closing
    # a report and writing to the citizen are the investigator's and the head's decisions.
    Role.DUTY_OFFICER: _STAFF_READING
    | {Capability.TAKE_REPORTS, Capability.REVIEW_REPORTS, Capability.RELEASE_HOLD_ALERTS},
    Role.INVESTIGATOR: _STAFF_READING | _CASEWORK,
    Role.ANALYST: _STAFF_READING | {Capability.VIEW_STATISTICS},
    Role.HEAD_OF_UNIT: _STAFF_READING
    | _CASEWORK
    | {Capability.VIEW_STATISTICS, Capability.MANAGE_MEMBERS, Capability.MANAGE_API_CLIENTS},
    Role.PARTNER_OFFICER: frozenset({Capability.VIEW_INBOX, Capability.ACKNOWLEDGE_INBOX}),
    Role.FOREIGN_LIAISON: frozenset(),
    Role.AUDITOR: frozenset({Capability.VIEW_DIRECTORY, Capability.VIEW_AUDIT}),
    Role.STEERING_MEMBER: frozenset({Capability.VIEW_DIRECTORY, Capability.VIEW_STATISTICS}),
    Role.ADMINISTRATOR: frozenset({Capability.MANAGE_MEMBERS, Capability.MANAGE_API_CLIENTS}),
}

# Platform administration belongs to administrators of the central department only.
CENTRAL_ADMINISTRATOR_CAPABILITIES = frozenset(
    {
        Capability.VIEW_DIRECTORY,
        Capability.MANAGE_MEMBERS,
        Capability.MANAGE_ALL_MEMBERS,
        Capability.MANAGE_API_CLIENTS,
        Capability.MANAGE_ALL_API_CLIENTS,
        Capability.CONFIGURE_PARTNER_DELIVERY,
    }
)

# Which roles make sense in which kind of organisation (a bank has no investigators).
ROLES_BY_KIND: dict[str, frozenset[str]] = {
    OrganisationKind.CENTRAL: frozenset(Role.values) - {Role.PARTNER_OFFICER},
    OrganisationKind.REGIONAL: frozenset(
        {
            Role.DUTY_OFFICER,
            Role.INVESTIGATOR,
            Role.ANALYST,
            Role.HEAD_OF_UNIT,
            Role.AUDITOR,
            Role.ADMINISTRATOR,
        }
    ),
    OrganisationKind.BANK: frozenset({Role.PARTNER_OFFICER, Role.ADMINISTRATOR}),
    OrganisationKind.TELECOM: frozenset({Role.PARTNER_OFFICER, Role.ADMINISTRATOR}),
    OrganisationKind.PLATFORM: frozenset({Role.PARTNER_OFFICER, Role.ADMINISTRATOR}),
    OrganisationKind.REGISTRY: frozenset({Role.PARTNER_OFFICER, Role.ADMINISTRATOR}),
    OrganisationKind.AGENCY: frozenset(
        {Role.PARTNER_OFFICER, Role.AUDITOR, Role.STEERING_MEMBER, Role.ADMINISTRATOR}
    ),
    OrganisationKind.FOREIGN_PARTNER: frozenset({Role.FOREIGN_LIAISON}),
}


class ApiScope(StrEnum):
    """What a partner system's token may call. Later capabilities add their scopes here."""

    PROFILE_READ = "profile:read"
    ORGANISATIONS_READ = "organisations:read"
    REPORTS_WRITE = "reports:write"
    REPORTS_READ = "reports:read"
    SCREENING_QUERY = "screening:query"
    INBOX_READ = "inbox:read"
    INBOX_ACKNOWLEDGE = "inbox:acknowledge"


# What each scope lets a token do. Scoping (``visible_to``, ``changeable_by``) and services ask
# for capabilities, so a token and a person pass the same checks. No scope grants a capability
# of the staff interface.
SCOPE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    ApiScope.REPORTS_READ: frozenset({Capability.VIEW_SUBMITTED_REPORTS}),
    ApiScope.REPORTS_WRITE: frozenset({Capability.SUBMIT_REPORTS, Capability.IMPORT_REPORTS}),
    ApiScope.INBOX_READ: frozenset({Capability.VIEW_INBOX}),
    ApiScope.INBOX_ACKNOWLEDGE: frozenset({Capability.ACKNOWLEDGE_INBOX}),
}

# Capabilities that change a report after intake; holding any of them is what makes a report
# of one's department changeable at all (each service then checks its own one).
REPORT_WRITE_CAPABILITIES = frozenset(
    {
        Capability.REVIEW_REPORTS,
        Capability.CHANGE_REPORT_STATUS,
        Capability.REGISTER_REPORTS,
        Capability.MESSAGE_REPORTERS,
        # The duty officer's too: an unverified alert held back by a bank's budget waits for a
        # police officer to judge it.
        Capability.RELEASE_HOLD_ALERTS,
    }
)

_EVERY_KIND = frozenset(OrganisationKind)

# Which organisation kinds may hold each scope. A scope missing here is held by no one.
SCOPE_KINDS: dict[ApiScope, frozenset[OrganisationKind]] = {
    ApiScope.PROFILE_READ: _EVERY_KIND,
    ApiScope.ORGANISATIONS_READ: _EVERY_KIND,
    ApiScope.REPORTS_WRITE: REPORTING_KINDS,
    ApiScope.REPORTS_READ: REPORTING_KINDS,
    ApiScope.SCREENING_QUERY: frozenset({OrganisationKind.BANK, OrganisationKind.TELECOM}),
    ApiScope.INBOX_READ: RECEIVING_KINDS,
    ApiScope.INBOX_ACKNOWLEDGE: RECEIVING_KINDS,
}


def scopes_allowed_for(kind: str) -> frozenset[ApiScope]:
    """The scopes a token of an organisation of ``kind`` may carry."""
    return frozenset(scope for scope, kinds in SCOPE_KINDS.items() if kind in kinds)
