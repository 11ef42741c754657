"""The card BIN reference data: real sources, known banks, seeded as listed, longest prefix."""

from __future__ import annotations

from pathlib import Path

import pytest

from kuzet import reference
from kuzet.accounts.models import CardPrefix

README = Path(reference.__file__).with_name("README.md").read_text(encoding="utf-8")


def test_every_range_names_a_known_bank_and_a_documented_source():
    bank_codes = {bank.code for bank in reference.banks()}
    for card_range in reference.card_ranges():
        assert card_range.bank in bank_codes
        assert f"`{card_range.source}`" in README
        assert card_range.issuer_as_listed
        # Each listed BIN is written in the README too, so a reviewer sees what is claimed.
        assert card_range.first in README


def test_no_prefix_is_listed_for_two_banks():
    prefixes = reference.card_prefixes()
    assert len(prefixes) == sum(
        len(card_range.prefixes()) for card_range in reference.card_ranges()
    )


def test_the_longest_listed_prefix_wins(monkeypatch):
    monkeypatch.setattr(
        reference, "card_prefixes", lambda: {"440254": "HALYK", "44025499": "KASPI"}
    )
    assert reference.bank_code_for_card("4402549900000001") == "KASPI"
    assert reference.bank_code_for_card("4402549800000001") == "HALYK"
    assert reference.bank_code_for_card("4400430000000007") is None


@pytest.mark.django_db
def test_the_migrations_seed_exactly_the_reference_prefixes(reference_data):
    seeded = dict(CardPrefix.objects.values_list("prefix", "bank__code"))
    assert seeded == reference.card_prefixes()
