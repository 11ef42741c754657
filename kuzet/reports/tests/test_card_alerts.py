"""A transfer to a card alerts the bank that issued it, found by the card's BIN, as an IBAN does.

Card numbers here are synthetic (a made-up account part, a correct Luhn digit) under real BINs
from ``kuzet/reference/card_ranges.json``; 440043 is in no bank's list.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from kuzet.accounts.models import CardPrefix, Organisation
from kuzet.accounts.services import card_prefixes_seed
from kuzet.blocking import services as blocking_services
from kuzet.blocking.models import HoldAlert, HoldAlertStatus, OutboxMessage, PartnerInboxItem
from kuzet.reports.models import Report, ReportIndicator, ReportTransfer
from kuzet.reports.services import ReportInvalid
from kuzet.reports.services.intake.lookups import Lookups

pytestmark = pytest.mark.django_db


def luhn_completed(payload: str) -> str:
    """``payload`` followed by its Luhn check digit."""
    total = 0
    for position, character in enumerate(reversed(payload)):
        digit = int(character)
        if position % 2 == 0:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return payload + str((10 - total % 10) % 10)


HALYK_CARD = luhn_completed("440254123456789")  # 440254: Halyk's Visa BIN (binlist, 2016)
KAZKOMMERTS_CARD = luhn_completed("440563000000123")  # inside 440562-440564, now Halyk's
UNKNOWN_CARD = "4400430000000007"  # 440043 is in no bank's list


def spaced(card: str) -> str:
    return " ".join(card[start : start + 4] for start in range(0, len(card), 4))


def receipt_of(client, submitted):
    return client.get(
        reverse(
            "reports:receipt",
            kwargs={
                "tracking_number": submitted.report.tracking_number,
                "secret": submitted.tracking_secret,
            },
        )
    )


def test_a_card_with_a_known_bin_alerts_its_bank_through_the_outbox(submit):
    submitted = submit(to_account=spaced(HALYK_CARD), minutes_ago=7)
    alert = HoldAlert.objects.get(report=submitted.report)
    assert alert.bank.code == "HALYK"
    assert alert.minutes_since_transfer == 7
    assert alert.status == HoldAlertStatus.QUEUED
    assert submitted.hold_alerts == [alert]
    message = OutboxMessage.objects.get()
    assert message.recipient.code == "HALYK"
    assert message.payload["account"] == HALYK_CARD
    assert blocking_services.outbox_deliver_due() == 1
    assert PartnerInboxItem.objects.get().recipient.code == "HALYK"


def test_a_bin_of_a_range_alerts_the_bank_that_absorbed_the_issuer(submit):
    submit(to_account=KAZKOMMERTS_CARD)
    assert HoldAlert.objects.get().bank.code == "HALYK"


def test_a_card_alert_follows_the_same_rules_as_an_iban_alert(submit):
    # Too late for the golden hour: the bank is known and recorded, but not alerted now.
    late = submit(to_account=HALYK_CARD, minutes_ago=90)
    assert HoldAlert.objects.count() == 0
    assert ReportTransfer.objects.get(report=late.report).receiving_bank.code == "HALYK"


def test_card_alerts_count_against_the_banks_budget_of_unverified_alerts(submit, settings):
    settings.UNVERIFIED_ALERTS_PER_BANK_PER_HOUR = 1
    submit(to_account=HALYK_CARD, amount="10000")
    submit(to_account=KAZKOMMERTS_CARD, amount="20000")
    statuses = sorted(HoldAlert.objects.values_list("status", flat=True))
    assert statuses == [HoldAlertStatus.HELD_BACK, HoldAlertStatus.QUEUED]
    assert OutboxMessage.objects.count() == 1


def test_an_unknown_bin_raises_no_alert_and_the_receipt_says_so(submit, client):
    submitted = submit(to_account=UNKNOWN_CARD)
    assert HoldAlert.objects.count() == 0
    assert OutboxMessage.objects.count() == 0
    assert ReportTransfer.objects.get(report=submitted.report).receiving_bank is None
    page = receipt_of(client, submitted).content.decode()
    assert 'data-outcome="bank_unknown"' in page
    assert "No bank could be identified from the card" in page
    assert "Call your own bank now" in page
    assert UNKNOWN_CARD not in page  # masked on the receipt


def test_the_receipt_names_the_bank_that_was_alerted(submit, client):
    submitted = submit(to_account=HALYK_CARD)
    page = receipt_of(client, submitted).content.decode()
    assert 'data-outcome="bank_alerted"' in page
    assert "Halyk Bank of Kazakhstan JSC has been asked to suspend this transfer." in page
    assert HALYK_CARD not in page


def test_the_receipt_names_a_bank_identified_but_not_alerted(submit, client):
    submitted = submit(to_account=HALYK_CARD, minutes_ago=300)
    page = receipt_of(client, submitted).content.decode()
    assert 'data-outcome="bank_identified"' in page
    assert "The money went to Halyk Bank of Kazakhstan JSC." in page


def test_the_longest_prefix_wins(submit):
    # An eight-digit range inside Halyk's six-digit BIN, given to another bank for this test.
    kaspi = Organisation.objects.get(code="KASPI")
    CardPrefix.objects.create(prefix="44025499", bank=kaspi, source="test")
    inside = luhn_completed("440254990000001")
    beside = luhn_completed("440254980000001")
    submit(to_account=inside, amount="10000")
    submit(to_account=beside, amount="20000")
    banks = dict(HoldAlert.objects.values_list("amount", "bank__code"))
    assert {str(amount): bank for amount, bank in banks.items()} == {
        "10000.00": "KASPI",
        "20000.00": "HALYK",
    }


def test_bank_for_card_takes_the_longest_known_prefix():
    halyk, kaspi = Organisation(code="HALYK"), Organisation(code="KASPI")
    lookups = Lookups(
        banks_by_code={},
        banks_by_iban={},
        banks_by_card_prefix={"440254": halyk, "4402549": kaspi},
        departments={},
        central=Organisation(code="DCC"),
        fingerprints={},
        hashes={},
        seen_in={},
        named_recently={},
        by_submission_key={},
        by_reference={},
        by_fingerprint={},
        by_contact={},
    )
    assert lookups.bank_for_card("4402549000000001") is kaspi
    assert lookups.bank_for_card("4402548000000001") is halyk
    assert lookups.bank_for_card("4400430000000007") is None
    # A number no longer than the prefix is not a card under it.
    assert lookups.bank_for_card("440254") is None


def test_a_cvv_after_the_card_is_never_stored_and_the_card_still_alerts(submit):
    submitted = submit(to_account=f"{spaced(HALYK_CARD)} 123")
    transfer = ReportTransfer.objects.get(report=submitted.report)
    assert transfer.to_value == HALYK_CARD
    assert HoldAlert.objects.get().bank.code == "HALYK"
    stored = [
        transfer.to_value,
        transfer.to_masked,
        *ReportIndicator.objects.values_list("value", flat=True),
        *(str(payload) for payload in OutboxMessage.objects.values_list("payload", flat=True)),
    ]
    assert not any(f"{HALYK_CARD}123" in value for value in stored)


def test_a_card_failing_luhn_with_a_cvv_is_not_taken_as_a_longer_card(submit):
    # The 16 printed digits fail Luhn; with the CVV they would make a Luhn-valid 19-digit number.
    wrong = HALYK_CARD[:-1] + str((int(HALYK_CARD[-1]) + 1) % 10)
    cvv = next(
        f"{value:03d}"
        for value in range(1000)
        if luhn_completed(wrong + f"{value:03d}"[:2]) == wrong + f"{value:03d}"
    )
    with pytest.raises(ReportInvalid) as refused:
        submit(to_account=f"{spaced(wrong)} {cvv}")
    assert "transfers[0].to_account" in refused.value.errors
    assert not Report.objects.exists()
    assert not ReportIndicator.objects.filter(value__contains=wrong).exists()
    assert HoldAlert.objects.count() == 0


def test_seeding_expands_ranges_and_drops_prefixes_no_longer_listed(reference_data):
    assert set(
        CardPrefix.objects.filter(prefix__startswith="44056").values_list("prefix", flat=True)
    ) == {"440562", "440563", "440564"}
    stale = CardPrefix.objects.create(
        prefix="99999999", bank=Organisation.objects.get(code="KASPI"), source="test"
    )
    card_prefixes_seed()
    assert not CardPrefix.objects.filter(pk=stale.pk).exists()
    assert CardPrefix.objects.filter(bank__code="HALYK").count() == 15
