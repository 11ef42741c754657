"""Who may submit reports on which channel: the capability check of the one intake door.

Anyone may report on the public form. A report taken at the 102 line or the front desk needs
an officer who takes reports. A partner's channel needs a partner system that submits reports
(``reports:write``), for its own organisation, on the channel of its kind. The system itself
(the world loader, the import worker) submits on any channel.
"""

from __future__ import annotations

from collections.abc import Iterable

from kuzet.core.actors import ActionDenied, Actor, actor_organisation, is_system, require_capability
from kuzet.core.permissions import REPORTING_KINDS, Capability
from kuzet.reports.models import Channel
from kuzet.reports.services.intake.inputs import IntakeItem

PARTNER_CHANNELS = frozenset({Channel.BANK, Channel.TELECOM, Channel.PLATFORM})


def intake_require_rights(actor: Actor | None, items: Iterable[IntakeItem]) -> None:
    """Raise ``ActionDenied`` unless ``actor`` may submit every item on its channel."""
    if is_system(actor):
        return
    for channel, source in {(item.channel, item.source_organisation) for item in items}:
        if channel == Channel.PUBLIC_WEB:
            continue
        if channel == Channel.STAFF:
            require_capability(actor, Capability.TAKE_REPORTS)
            continue
        require_capability(actor, Capability.SUBMIT_REPORTS)
        organisation = actor_organisation(actor)
        if (
            channel not in PARTNER_CHANNELS
            or organisation is None
            or organisation.kind not in REPORTING_KINDS
            or organisation.kind != channel
            or source is None
            or source.pk != organisation.pk
        ):
            raise ActionDenied(
                Capability.SUBMIT_REPORTS,
                "A partner submits reports only for its own organisation, on its own channel.",
            )
