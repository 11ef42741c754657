"""Intake decides and writes a batch with a fixed number of queries, whatever its size.

docs/architecture.md ("Intake") promises it; these tests pin the numbers on each database, so a
look-up or a write added per report (an N+1) fails here instead of in the intake benchmark.
On PostgreSQL the whole batch is a fixed number of statements. On SQLite the look-ups are fixed
too, but Django's ``bulk_create`` splits each table's insert at SQLite's 999-parameter limit,
so a batch of 200 takes more INSERT statements than a batch of 1 (a few per table, not one per
report).
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kuzet.accounts.models import Organisation
from kuzet.blocking.models import HoldAlert
from kuzet.core.actors import SystemActor
from kuzet.reports.models import Channel, Report
from kuzet.reports.services import IntakeItem, ReportInput, TransferInput, report_submit_many

pytestmark = pytest.mark.django_db

# (statements for a batch of 1, for a batch of 200) by database, savepoints included (tests
# run inside a transaction). If a change to intake moves these, the look-ups must still be the
# same for both sizes (checked below); update the numbers only then, and say why in the commit.
PARTNER_BATCH_QUERIES = {"sqlite": (18, 38), "postgresql": (20, 20)}
# PostgreSQL public: one more, the per-bank lock of the unverified-alert budget.
PUBLIC_BATCH_QUERIES = {"sqlite": (21, 40), "postgresql": (24, 24)}


def _kaspi_account(number: int) -> str:
    """A valid KZ IBAN at Kaspi (bank code 722) for each number, none shared between reports."""
    body = f"722S{number:012d}"
    check = 98 - int("".join(str(int(character, 36)) for character in body + "KZ00")) % 97
    return f"KZ{check:02d}{body}"


def _partner_items(start: int, count: int) -> list[IntakeItem]:
    halyk = Organisation.objects.get(code="HALYK")
    now = timezone.now()
    return [
        IntakeItem(
            data=ReportInput(
                narrative="Клиент перевёл деньги «службе безопасности».",
                region_code="KZ-75",
                suspect_identifiers=(f"+7701{number:07d}",),
                transfers=(
                    TransferInput(
                        amount=Decimal(150_000 + number),
                        to_account=_kaspi_account(number),
                        transferred_at=now - timedelta(minutes=12),
                    ),
                ),
                external_reference=f"QC-{number}",
            ),
            channel=Channel.BANK,
            source_organisation=halyk,
        )
        for number in range(start, start + count)
    ]


def _public_items(start: int, count: int) -> list[IntakeItem]:
    now = timezone.now()
    return [
        IntakeItem(
            data=ReportInput(
                narrative=f"Позвонили с +7 702 {number:03d} 45 67, я перевела деньги.",
                region_code="KZ-71",
                reporter_name="Айгерим",
                reporter_phone=f"+7705{number:07d}",
                transfers=(
                    TransferInput(
                        amount=Decimal(20_000 + number),
                        to_account=_kaspi_account(10_000 + number),
                        transferred_at=now - timedelta(minutes=30),
                    ),
                ),
                submission_key=uuid.uuid4().hex,
            ),
            channel=Channel.PUBLIC_WEB,
            tracking_secret=uuid.uuid4().hex,
        )
        for number in range(start, start + count)
    ]


def _queries_for(items: list[IntakeItem]) -> tuple[int, int]:
    """(every statement, the statements that are not an INSERT) of one intake batch."""
    with CaptureQueriesContext(connection) as captured:
        # The system actor, as the world loader and the import worker submit on any channel.
        results = report_submit_many(actor=SystemActor("test"), items=items)
    assert all(not isinstance(result, Exception) for result in results)
    statements = [query["sql"].lstrip().upper() for query in captured.captured_queries]
    return len(statements), sum(not sql.startswith("INSERT") for sql in statements)


@pytest.mark.parametrize(
    ("make_items", "expected"),
    [(_partner_items, PARTNER_BATCH_QUERIES), (_public_items, PUBLIC_BATCH_QUERIES)],
    ids=["partner", "public"],
)
def test_a_batch_of_one_and_a_batch_of_200_take_the_same_queries(
    reference_data, make_items, expected
):
    one, one_without_inserts = _queries_for(make_items(0, 1))
    two_hundred, two_hundred_without_inserts = _queries_for(make_items(1, 200))

    assert Report.objects.count() == 201
    assert one_without_inserts == two_hundred_without_inserts
    assert (one, two_hundred) == expected[connection.vendor]
    if connection.vendor == "postgresql":
        assert one == two_hundred


def _halyk_card(number: int) -> str:
    """A Luhn-valid card under Halyk's BIN 440254 (synthetic account part), one per number."""
    payload = f"440254{number:09d}"
    total = 0
    for position, character in enumerate(reversed(payload)):
        digit = int(character) * (2 if position % 2 == 0 else 1)
        total += digit - 9 if digit > 9 else digit
    return f"{payload}{(10 - total % 10) % 10}"


def _partner_card_items(start: int, count: int) -> list[IntakeItem]:
    """The partner batch, each transfer to a Halyk card instead of a Kaspi IBAN."""
    return [
        replace(
            item,
            data=replace(
                item.data,
                transfers=(replace(item.data.transfers[0], to_account=_halyk_card(number)),),
            ),
        )
        for number, item in enumerate(_partner_items(start, count), start=start)
    ]


def test_card_transfers_add_one_lookup_whatever_the_batch_size(reference_data):
    # The cards' BINs are read in one query per batch (every prefix length at once), so a
    # batch of card transfers takes exactly one statement more than the same batch by IBAN.
    one, one_without_inserts = _queries_for(_partner_card_items(0, 1))
    two_hundred, two_hundred_without_inserts = _queries_for(_partner_card_items(1, 200))

    assert one_without_inserts == two_hundred_without_inserts
    expected = PARTNER_BATCH_QUERIES[connection.vendor]
    assert (one, two_hundred) == (expected[0] + 1, expected[1] + 1)
    assert HoldAlert.objects.filter(bank__code="HALYK").count() == 201
