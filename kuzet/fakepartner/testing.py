"""Pointing a partner at the fake partner service, as a platform administrator would."""

from __future__ import annotations

from kuzet.accounts.models import Organisation
from kuzet.blocking import services as blocking_services
from kuzet.blocking.models import DeliveryMode
from kuzet.core.actors import SystemActor
from kuzet.fakepartner.server import FakePartners


def fake_partner_connect(service: FakePartners, organisation: Organisation) -> None:
    """Switch ``organisation`` to webhooks at the fake (``partner_endpoint_configure``) and give
    the fake its signing key, as the real partner would be given it out of band."""
    endpoint = blocking_services.partner_endpoint_configure(
        actor=SystemActor("fake partners"),
        organisation=organisation,
        mode=DeliveryMode.WEBHOOK,
        url=service.url_for(organisation.code),
    )
    service.register(organisation.code, endpoint.signing_key)
