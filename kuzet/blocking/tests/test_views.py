"""The partner's inbox page: its own alerts only; confirming stamps the alert's clock."""

from __future__ import annotations

import pytest

from conftest import client_for
from kuzet.accounts import services as accounts_services
from kuzet.accounts.models import Organisation
from kuzet.audit.services import SystemActor
from kuzet.blocking import services
from kuzet.blocking.models import HoldAlert, HoldAlertStatus, PartnerInboxItem

pytestmark = pytest.mark.django_db

KASPI_IBAN = "KZ72722S000000000001"


def test_the_bank_sees_and_confirms_its_alert(signed_in, submit):
    submit(to_account=KASPI_IBAN)
    services.outbox_deliver_due()
    frank = signed_in("frank")
    assert KASPI_IBAN in frank.get("/inbox/").content.decode()
    item = PartnerInboxItem.objects.get()
    assert frank.post(f"/inbox/{item.message_id}/acknowledge/").status_code == 302
    assert HoldAlert.objects.get().status == HoldAlertStatus.ACKNOWLEDGED


def test_another_bank_sees_nothing_and_cannot_confirm(submit):
    submit(to_account=KASPI_IBAN)
    services.outbox_deliver_due()
    forte_officer = accounts_services.user_create(
        actor=SystemActor("test"),
        username="forte_officer",
        password="x" * 16,
        organisation=Organisation.objects.get(code="FORTE"),
        role="partner_officer",
    )
    forte = client_for(forte_officer)
    assert KASPI_IBAN not in forte.get("/inbox/").content.decode()
    item = PartnerInboxItem.objects.get()
    assert forte.post(f"/inbox/{item.message_id}/acknowledge/").status_code == 404
    assert HoldAlert.objects.get().status == HoldAlertStatus.DELIVERED


@pytest.mark.parametrize("persona", ["alice", "erin", "henry"])
def test_only_partner_officers_have_an_inbox(signed_in, persona):
    assert signed_in(persona).get("/inbox/").status_code == 403
