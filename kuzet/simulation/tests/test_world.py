"""The small world: determinism, validity of every identifier, ground truth, plausibility."""

from __future__ import annotations

import collections
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kuzet import reference
from kuzet.simulation.identifiers import (
    is_valid_iban,
    is_valid_iin,
    is_valid_kz_mobile,
    luhn_is_valid,
)
from kuzet.simulation.output import FILES
from kuzet.simulation.tests.conftest import read_jsonl
from kuzet.simulation.world import generate_world

REPOSITORY = Path(__file__).resolve().parents[3]
MOBILE_PREFIXES = frozenset(
    prefix for operator in reference.mobile_operators() for prefix in operator.prefixes
)
LANDLINE_CODES = ("727", "7172")


def world_bytes(directory: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(directory)): path.read_bytes()
        for path in sorted(directory.rglob("*.json*"))
    }


def test_same_seed_gives_identical_bytes_in_another_process(
    world_directory: Path, tmp_path: Path
) -> None:
    environment = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-m", "kuzet.simulation", "--seed", "1", "--scale", "small",
         "--out", str(tmp_path), "--quiet"],
        check=True, cwd=REPOSITORY, env=environment,
    )  # fmt: skip
    assert world_bytes(tmp_path) == world_bytes(world_directory)


def test_different_seeds_give_different_worlds(world_directory: Path, tmp_path: Path) -> None:
    other = generate_world(2, "small", tmp_path)
    first = read_jsonl(world_directory / "reports.jsonl")
    second = read_jsonl(tmp_path / "reports.jsonl")
    assert (
        other.manifest["files"]["reports.jsonl"]["sha256"]
        != (generate_world(1, "small", None).manifest["files"]["reports.jsonl"]["sha256"])
    )
    assert [report["narrative"] for report in first[:50]] != [
        report["narrative"] for report in second[:50]
    ]


def test_manifest_lists_every_file_with_its_digest(world_directory: Path) -> None:
    import hashlib
    import json

    manifest = json.loads((world_directory / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["synthetic"] is True
    assert set(manifest["files"]) == {*FILES, "stats.json"}
    assert {
        name: hashlib.sha256((world_directory / name).read_bytes()).hexdigest()
        for name in manifest["files"]
    } == {name: info["sha256"] for name, info in manifest["files"].items()}


def identifier_is_valid(record: dict[str, Any]) -> bool:
    kind, value = record["type"], record["value"]
    if kind == "iin":
        return is_valid_iin(value)
    if kind == "iban":
        return is_valid_iban(value)
    if kind == "card":
        return luhn_is_valid(value) and len(value) == 16
    if kind == "imei":
        return luhn_is_valid(value) and len(value) == 15
    if kind == "phone":
        return is_valid_kz_mobile(value, MOBILE_PREFIXES) or (
            value.startswith(tuple(f"+7{code}2" for code in LANDLINE_CODES)) and len(value) == 12
        )
    return bool(value)


def test_every_identifier_passes_the_generators_checks(world_directory: Path) -> None:
    identifiers = read_jsonl(world_directory / "identifiers.jsonl")
    assert [record for record in identifiers if not identifier_is_valid(record)] == []
    assert len({(record["type"], record["value"]) for record in identifiers}) == len(identifiers)
    assert {record["type"] for record in identifiers} >= {
        "iin", "iban", "card", "phone", "imei", "messenger_handle", "domain", "crypto_wallet",
        "email",
    }  # fmt: skip


def test_every_person_is_synthetic_with_a_valid_iin(world_directory: Path) -> None:
    persons = read_jsonl(world_directory / "persons.jsonl")
    assert all(person["synthetic"] is True for person in persons)
    assert all(is_valid_iin(person["iin"]) for person in persons)
    assert len({person["iin"] for person in persons}) == len(persons)


def test_every_transfer_account_is_a_valid_iban(world_directory: Path) -> None:
    transfers = read_jsonl(world_directory / "transfers.jsonl")
    accounts = {transfer["from_account"] for transfer in transfers} | {
        transfer["to_account"] for transfer in transfers
    }
    accounts.discard(None)
    assert all(is_valid_iban(account) for account in accounts)


def test_card_bins_are_the_reference_datas_so_intake_finds_the_bank(world_directory: Path) -> None:
    # A card of a bank with listed BINs carries one of them; any other card matches no bank,
    # never the wrong one.
    resolved = collections.Counter(
        (transfer["to_bank"], reference.bank_code_for_card(transfer["via_value"]))
        for transfer in read_jsonl(world_directory / "transfers.jsonl")
        if transfer["via"] == "card" and transfer["via_value"]  # not a payment at a terminal
    )
    banks_with_bins = set(reference.card_prefixes().values())
    assert all(
        found == bank if bank in banks_with_bins else found is None for bank, found in resolved
    )
    assert resolved[("HALYK", "HALYK")] > 0


@pytest.mark.parametrize(
    ("kind", "parser_name"),
    [("iin", "parse_iin"), ("iban", "parse_iban"), ("card", "parse_card"),
     ("phone", "parse_phone"), ("imei", "parse_imei"), ("email", "parse_email"),
     ("domain", "parse_domain"), ("messenger_handle", "parse_messenger_handle"),
     ("crypto_wallet", "parse_crypto_wallet")],
)  # fmt: skip
def test_every_identifier_passes_the_indicator_engine(
    world_directory: Path, indicators: Any, kind: str, parser_name: str
) -> None:
    parse = getattr(indicators, parser_name)
    values = sorted(
        record["value"]
        for record in read_jsonl(world_directory / "identifiers.jsonl")
        if record["type"] == kind
    )
    assert [parse(value).value for value in values] == values


def test_written_forms_in_victim_narratives_parse_to_the_truth(
    world_directory: Path, indicators: Any
) -> None:
    truth = read_jsonl(world_directory / "ground_truth" / "reports.jsonl")
    parsers = {"phone": indicators.parse_phone, "iban": indicators.parse_iban,
               "card": indicators.parse_card}  # fmt: skip
    pairs = [
        (mention["value"], mention["written"])
        for report in truth
        for mention in report["mentions"]
        if mention["type"] in parsers
        and not mention["partial"]
        and not mention["garbled"]
        and "wa.me" not in mention["written"]
    ]
    kinds = {
        mention["value"]: mention["type"] for report in truth for mention in report["mentions"]
    }
    assert [(value, parsers[kinds[value]](written).value) for value, written in pairs] == [
        (value, value) for value, _ in pairs
    ]


def test_mentions_appear_in_victim_narratives(world_directory: Path) -> None:
    reports = {report["id"]: report for report in read_jsonl(world_directory / "reports.jsonl")}
    truth = read_jsonl(world_directory / "ground_truth" / "reports.jsonl")
    missing = [
        (entry["report"], mention["written"])
        for entry in truth
        if reports[entry["report"]]["channel"] == "victim"
        for mention in entry["mentions"]
        if mention["written"] not in reports[entry["report"]]["narrative"]
    ]
    assert missing == []


def test_every_report_points_to_existing_rings_and_incidents(world_directory: Path) -> None:
    rings = {ring["id"] for ring in read_jsonl(world_directory / "rings.jsonl")}
    incidents = {incident["id"] for incident in read_jsonl(world_directory / "incidents.jsonl")}
    truth = read_jsonl(world_directory / "ground_truth" / "reports.jsonl")
    reports = read_jsonl(world_directory / "reports.jsonl")
    assert [entry["report"] for entry in truth] == [report["id"] for report in reports]
    fraud = [entry for entry in truth if entry["kind"] in ("fraud", "duplicate")]
    assert all(entry["ring"] in rings for entry in fraud)
    assert all(entry["incident"] in incidents for entry in fraud if entry["incident"])
    others = [entry for entry in truth if entry["kind"] in ("unrelated", "false_report")]
    assert all(entry["ring"] is None and entry["incident"] is None for entry in others)
    assert {entry["kind"] for entry in truth} == {"fraud", "duplicate", "unrelated", "false_report"}
    assert {report["channel"] for report in reports} == {"victim", "bank", "telecom"}


def test_duplicates_point_to_an_earlier_report_of_the_same_incident(world_directory: Path) -> None:
    truth = {
        entry["report"]: entry
        for entry in read_jsonl(world_directory / "ground_truth" / "reports.jsonl")
    }
    duplicates = [entry for entry in truth.values() if entry["kind"] == "duplicate"]
    assert duplicates
    assert all(
        truth[entry["duplicate_of"]]["incident"] == entry["incident"]
        and entry["duplicate_of"] < entry["report"]
        for entry in duplicates
    )


def test_money_paths_conserve_amounts(world_directory: Path) -> None:
    paths = read_jsonl(world_directory / "ground_truth" / "money_paths.jsonl")
    accounts = [account for path in paths for account in path["accounts"]]
    assert all(
        account["forwarded_kzt"] + account["cashed_out_kzt"] + account["remaining_kzt"]
        == account["received_kzt"]
        and account["remaining_kzt"] >= 0
        for account in accounts
    )
    assert all(1 <= path["layers"] <= 4 for path in paths)
    assert {path["layers"] for path in paths} == {1, 2, 3, 4}
    assert all(
        sum(account["received_kzt"] for account in path["accounts"] if account["layer"] == 1)
        == path["stolen_kzt"]
        for path in paths
    )


def test_transfers_never_take_more_out_of_an_account_than_went_in(world_directory: Path) -> None:
    money_in: collections.Counter[tuple[str, str]] = collections.Counter()
    money_out: collections.Counter[tuple[str, str]] = collections.Counter()
    for transfer in read_jsonl(world_directory / "transfers.jsonl"):
        if transfer["incident"] is None:
            continue
        if transfer["to_account"]:
            money_in[(transfer["incident"], transfer["to_account"])] += transfer["amount_kzt"]
        if transfer["from_account"] and transfer["kind"] != "loan_disbursement":
            money_out[(transfer["incident"], transfer["from_account"])] += transfer["amount_kzt"]
    victims_accounts = {
        key for key in money_out if key not in money_in
    }  # a victim's own savings leave without entering
    assert [
        key for key, amount in money_out.items()
        if key not in victims_accounts and amount > money_in[key]
    ] == []  # fmt: skip


def test_hubs_are_named_in_reports_of_several_rings(world_directory: Path) -> None:
    truth = read_jsonl(world_directory / "ground_truth" / "reports.jsonl")
    hub_rings: dict[str, set[str]] = collections.defaultdict(set)
    for entry in truth:
        for mention in entry["mentions"]:
            if mention["role"] in ("bank_hotline", "payment_aggregator", "marketplace_support"):
                hub_rings[mention["value"]].add(entry["ring"])
    assert max(len(rings) for rings in hub_rings.values()) >= 3
    labels = {
        record["value"]: record
        for record in read_jsonl(world_directory / "ground_truth" / "identifiers.jsonl")
    }
    assert all(labels[value]["is_hub"] and labels[value]["ring"] is None for value in hub_rings)


def test_false_campaign_names_one_innocent_iban(world_directory: Path) -> None:
    campaigns = read_jsonl(world_directory / "ground_truth" / "campaigns.jsonl")
    truth = read_jsonl(world_directory / "ground_truth" / "reports.jsonl")
    labels = {
        record["value"]: record
        for record in read_jsonl(world_directory / "ground_truth" / "identifiers.jsonl")
    }
    campaign_reports = [entry for entry in truth if entry["kind"] == "false_report"]
    assert len(campaigns) == 1
    assert {mention["value"] for entry in campaign_reports for mention in entry["mentions"]} == {
        campaigns[0]["target_iban"]
    }
    assert labels[campaigns[0]["target_iban"]]["is_innocent"] is True


def test_ring_identifiers_are_labelled_with_their_ring(world_directory: Path) -> None:
    labels = read_jsonl(world_directory / "ground_truth" / "identifiers.jsonl")
    rings = {ring["id"] for ring in read_jsonl(world_directory / "rings.jsonl")}
    ring_roles = [
        label
        for label in labels
        if label["role"] in ("mule_account", "caller_phone", "handle", "phishing_domain")
    ]
    assert ring_roles
    assert all(label["ring"] in rings for label in ring_roles)
    assert any(label["shared_with"] for label in labels)


def test_scheme_mix_follows_the_2025_weights(world_statistics: dict[str, Any]) -> None:
    mix = list(world_statistics["scheme_mix_percent"])
    assert mix[0] == "fake_ad_prepayment"
    assert set(mix[1:4]) == {"fake_bank_security", "phishing", "loan_in_victim_name"}
    assert set(mix[-3:]) <= {"sextortion", "org_attack", "sim_spoofing", "money_mule"}


def test_regions_look_like_kazakhstan(world_statistics: dict[str, Any]) -> None:
    regions = list(world_statistics["region_percent"])
    assert {"KZ-71", "KZ-75", "KZ-35", "KZ-55"} <= set(regions[:6])
    assert "KZ-62" in regions[-3:]


def test_victims_are_mostly_elderly_and_reports_partly_late(
    world_statistics: dict[str, Any],
) -> None:
    assert world_statistics["elderly_victims_percent"] >= 30
    assert 3 <= world_statistics["late_victim_reports_percent"] <= 20
    assert world_statistics["loss_kzt"]["median"] < world_statistics["loss_kzt"]["mean"]
    assert 600 <= world_statistics["reports"] <= 1_500
