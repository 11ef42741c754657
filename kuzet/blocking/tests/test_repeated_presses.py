"""Confirming or releasing an alert twice does it once and says so."""

from __future__ import annotations

import pytest

from kuzet.blocking import services
from kuzet.blocking.models import HoldAlert, HoldAlertStatus, OutboxMessage, PartnerInboxItem

pytestmark = pytest.mark.django_db

KASPI_IBAN = "KZ72722S000000000001"


def test_confirming_twice_keeps_the_first_time(signed_in, submit):
    submit(to_account=KASPI_IBAN)
    services.outbox_deliver_due()
    frank = signed_in("frank")
    item = PartnerInboxItem.objects.get()
    frank.post(f"/inbox/{item.message_id}/acknowledge/")
    first = PartnerInboxItem.objects.get().acknowledged_at
    response = frank.post(f"/inbox/{item.message_id}/acknowledge/", follow=True)
    assert "Already confirmed" in response.content.decode()
    assert PartnerInboxItem.objects.get().acknowledged_at == first


def test_releasing_twice_sends_once(signed_in, submit):
    submit(to_account=KASPI_IBAN)
    alert = HoldAlert.objects.get()
    HoldAlert.objects.update(status=HoldAlertStatus.HELD_BACK)
    OutboxMessage.objects.all().delete()
    bob = signed_in("bob")
    bob.post(f"/inbox/held-back/{alert.public_id}/release/")
    response = bob.post(f"/inbox/held-back/{alert.public_id}/release/", follow=True)
    assert "already sent: nothing changed" in response.content.decode()
    assert OutboxMessage.objects.filter(kind="hold_alert").count() == 1
