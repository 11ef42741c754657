"""Intake benchmark: a simulated world's reports through the partner API, on SQLite and
PostgreSQL in the same run, against a baseline measured in the same run.

    .venv/bin/python benchmarks/intake/run.py [--scale medium] [--limit N]

For each database a child process migrates a fresh database, issues partner tokens and posts
the world's reports to ``POST /api/v1/reports/bulk`` (1,000 rows a call) through Django's full
request stack: authentication, JSON parsing, validation, extraction, deduplication, triage,
routing, golden-hour alerts and audit. The baseline is the same reports posted one by one to
``POST /api/v1/reports``. A last measure times single public-form submissions (p50, p95).
Victims' reports are sent as their bank would forward them; banks' and telecoms' reports by
their own tokens. Two sender processes post at once (``--senders``); rows are split between them
by victim (a victim's reports) or by organisation (its own reports), balanced by row count, so
every reporter's and every organisation's reports still arrive in time order.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import Any

REPOSITORY = Path(__file__).resolve().parents[2]
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def postgres_reachable() -> bool:
    try:
        import psycopg

        psycopg.connect(PG_ADMIN_URL, connect_timeout=3).close()
    except Exception:  # noqa: BLE001 — any failure means "not here"
        return False
    return True


def expect(response: Any, statuses: set[int]) -> None:
    if response.status_code not in statuses:
        raise SystemExit(f"unexpected {response.status_code}: {response.content[:300]!r}")


def world_rows(directory: Path, limit: int | None) -> list[dict[str, Any]]:
    with (directory / "reports.jsonl").open(encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines if line.strip()]
    rows.sort(key=lambda row: row["submitted_at"])
    return rows[:limit] if limit else rows


# ---------------------------------------------------------------- child process


def api_row(row: dict[str, Any], shift_seconds: float) -> tuple[str, dict[str, Any]]:
    """(sending organisation, body) for one world report."""
    from datetime import datetime, timedelta

    def moved(value: str | None) -> str | None:
        if not value:
            return None
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return (when + timedelta(seconds=shift_seconds)).isoformat()

    reporter = row.get("reporter") or {}
    body: dict[str, Any] = {
        "external_reference": f"bench:{row['id']}",
        "narrative": row.get("narrative") or "",
        "language": row.get("language") or "ru",
        "scheme": row.get("scheme") or "",
        "region": row.get("region") or "",
    }
    if row["channel"] == "victim":
        body["reporter_name"] = reporter.get("name") or ""
        body["reporter_phone"] = reporter.get("phone") or ""
        return "KASPI", body
    if row["channel"] == "bank":
        body["transfers"] = [
            {
                "amount": str(transaction["amount_kzt"]),
                "to_account": str(transaction["to_value"]),
                "transferred_at": moved(transaction.get("at")),
                "receiving_bank": transaction.get("to_bank") or "",
                "reference": transaction.get("reference") or "",
            }
            for transaction in row.get("transactions") or []
        ][:20]
        return reporter["organisation"], body
    body["suspect_identifiers"] = [number["phone"] for number in row.get("numbers") or []][:30]
    return reporter["organisation"], body


def lane_key(row: dict[str, Any]) -> str:
    """What keeps rows in one sender: the victim for victims' reports, else the organisation."""
    reporter = row.get("reporter") or {}
    if row["channel"] == "victim":
        return f"person:{reporter.get('person') or row['id']}"
    return f"organisation:{reporter.get('organisation')}"


def assign_lanes(rows: list[dict[str, Any]], senders: int) -> dict[str, int]:
    """Lane of each key: the keys with most rows first, each to the lane with fewest rows."""
    sizes: dict[str, int] = {}
    for row in rows:
        key = lane_key(row)
        sizes[key] = sizes.get(key, 0) + 1
    loads = [0] * senders
    lane_of = {}
    for key in sorted(sizes, key=lambda key: (-sizes[key], key)):
        lane = loads.index(min(loads))
        lane_of[key] = lane
        loads[lane] += sizes[key]
    return lane_of


def _send_lane(
    tokens: dict[str, str], lane: list[tuple[str, list[dict[str, Any]]]]
) -> dict[str, int]:
    """One sender process: post its calls in order and add up the outcomes."""
    from django.test import Client

    client = Client()
    outcomes = {"created": 0, "merged": 0, "invalid": 0}
    for code, chunk in lane:
        response = client.post(
            "/api/v1/reports/bulk",
            json.dumps({"reports": chunk}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {tokens[code]}",
        )
        expect(response, {200})
        result = response.json()
        for key in outcomes:
            outcomes[key] += result[key]
    return outcomes


def child(
    world: Path, limit: int | None, baseline: int, single: int, senders: int
) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kuzet.settings")
    import django

    django.setup()
    from datetime import datetime, timedelta

    from django.core.management import call_command
    from django.db import connection, connections
    from django.test import Client
    from django.utils import timezone

    from kuzet.accounts import services as accounts_services
    from kuzet.accounts.models import Organisation
    from kuzet.audit.services import SystemActor
    from kuzet.reports.models import Report

    call_command("migrate", verbosity=0)
    rows = world_rows(world, limit)
    newest = datetime.fromisoformat(rows[-1]["submitted_at"].replace("Z", "+00:00"))
    shift = (timezone.now() - timedelta(minutes=3) - newest).total_seconds()
    tokens: dict[str, str] = {}

    def token(code: str) -> str:
        if code not in tokens:
            tokens[code] = accounts_services.api_client_create(
                actor=SystemActor("benchmark"),
                organisation=Organisation.objects.get(code=code),
                name="benchmark",
                scopes=["reports:write"],
            ).token
        return tokens[code]

    client = Client()
    bodies = [api_row(row, shift) for row in rows]
    # Baseline: the first reports one call each.
    started = time.perf_counter()
    for code, body in bodies[:baseline]:
        response = client.post(
            "/api/v1/reports",
            json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token(code)}",
        )
        expect(response, {200, 201, 422})
    baseline_seconds = time.perf_counter() - started
    # Bulk: the rest in time order, as each sender's batches of up to 1,000 rows (a sender
    # collects its reports over a slice of 10,000 in time, then sends them). Senders post at the
    # same time from ``senders`` processes, as several banks and several web workers would.
    # Nine reports in ten are victims' reports forwarded by one bank, so lanes are not one per
    # organisation (that left one sender with 94 % of the rows): a bank's rows are split
    # between its senders by customer, a victim's reports always in the same lane, so each
    # reporter's and each organisation's own reports keep their time order.
    remaining = bodies[baseline:]
    lane_of = assign_lanes(rows[baseline:], senders)
    lanes: list[list[tuple[str, list[dict[str, Any]]]]] = [[] for _ in range(senders)]
    for start in range(0, len(remaining), 10_000):
        groups: dict[tuple[int, str], list[dict[str, Any]]] = {}
        for (code, body), row in zip(
            remaining[start : start + 10_000], rows[baseline + start :], strict=False
        ):
            lane = lane_of[lane_key(row)]
            groups.setdefault((lane, code), []).append(body)
        for (lane, code), group in groups.items():
            token(code)
            lanes[lane].extend(
                (code, group[offset : offset + 1000]) for offset in range(0, len(group), 1000)
            )
    lane_rows = [sum(len(chunk) for _, chunk in lane) for lane in lanes]
    connections.close_all()
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(senders) as pool:
        lane_outcomes = pool.map(partial(_send_lane, tokens), lanes)
    outcomes = {key: sum(lane[key] for lane in lane_outcomes) for key in lane_outcomes[0]}
    bulk_seconds = time.perf_counter() - started
    sys.stderr.write(f"bulk: {len(remaining) / bulk_seconds:,.0f} reports/s\n")
    # Single public-form submissions, full middleware stack.
    timings = []
    form = Client()
    for number in range(single):
        page = form.get("/report/").content.decode()
        key = page.split('name="submission_key" value="', 1)[1].split('"', 1)[0]
        data = {
            "submission_key": key,
            "is_on_behalf": "0",
            "victim_age_band": "unknown",
            "transfers-TOTAL_FORMS": "3",
            "transfers-INITIAL_FORMS": "0",
            "transfers-MIN_NUM_FORMS": "0",
            "transfers-MAX_NUM_FORMS": "10",
            "transfers-0-amount": str(10_000 + number),
            "transfers-0-currency": "KZT",
            "transfers-0-to_account": "KZ72722S000000000001",
            "narrative": "Позвонили из банка, перевела на безопасный счёт.",
            "suspect_identifiers": "+7 701 234 56 78",
            "region_code": "KZ-75",
            "consent": "on",
        }
        started = time.perf_counter()
        response = form.post("/report/", data)
        timings.append(time.perf_counter() - started)
        expect(response, {302})
    timings.sort()
    return {
        "database": connection.vendor,
        "reports": len(rows),
        "stored_reports": Report.objects.count(),
        "baseline_reports": baseline,
        "baseline_rate": baseline / baseline_seconds,
        "bulk_reports": len(remaining),
        "bulk_rate": len(remaining) / bulk_seconds,
        "bulk_seconds": bulk_seconds,
        "senders": senders,
        "lane_rows": lane_rows,
        "outcomes": outcomes,
        "form_p50_ms": 1000 * statistics.median(timings),
        "form_p95_ms": 1000 * timings[int(0.95 * (len(timings) - 1))],
    }


# ---------------------------------------------------------------- parent


def run_child(database_url: str, world: Path, arguments: argparse.Namespace) -> dict[str, Any]:
    environment = {**os.environ, "DATABASE_URL": database_url, "KUZET_LOG_LEVEL": "WARNING"}
    command = [
        sys.executable,
        __file__,
        "--child",
        "--world",
        str(world),
        "--baseline",
        str(arguments.baseline),
        "--single",
        str(arguments.single),
    ]
    if arguments.limit:
        command += ["--limit", str(arguments.limit)]
    result = subprocess.run(  # noqa: S603 — this script, fixed arguments
        command, env=environment, cwd=REPOSITORY, stdout=subprocess.PIPE, check=True, text=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="medium", choices=["small", "medium", "large"])
    parser.add_argument("--limit", type=int, help="only the first N reports of the world")
    parser.add_argument("--baseline", type=int, default=500, help="reports posted one by one")
    parser.add_argument("--single", type=int, default=100, help="public-form submissions timed")
    parser.add_argument("--senders", type=int, default=2, help="concurrent sender processes")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--world", type=Path, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        figures = child(
            arguments.world,
            arguments.limit,
            arguments.baseline,
            arguments.single,
            arguments.senders,
        )
        sys.stdout.write(json.dumps(figures) + "\n")
        return 0

    world = REPOSITORY / "var" / f"world-1-{arguments.scale}"
    if not (world / "manifest.json").exists():
        sys.stderr.write(f"generating the {arguments.scale} world (seed 1) in {world}...\n")
        subprocess.run(  # noqa: S603
            [
                sys.executable,
                "-m",
                "kuzet.simulation",
                "--seed",
                "1",
                "--scale",
                arguments.scale,
                "--out",
                str(world),
                "--quiet",
            ],
            cwd=REPOSITORY,
            check=True,
        )
    results = []
    with tempfile.TemporaryDirectory() as directory:
        sys.stderr.write("SQLite...\n")
        results.append(run_child(f"sqlite:///{directory}/bench.sqlite3", world, arguments))
    if postgres_reachable():
        import psycopg

        name = f"kuzet_bench_{os.getpid()}"
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        try:
            sys.stderr.write("PostgreSQL...\n")
            url = f"postgresql://postgres@127.0.0.1:5432/{name}"
            results.append(run_child(url, world, arguments))
        finally:
            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        sys.stderr.write("PostgreSQL not reachable at 127.0.0.1:5432: SQLite only.\n")

    lines = [
        f"Intake of the {arguments.scale} world (seed 1): {results[0]['reports']:,} reports",
        "",
        f"{'database':<12}{'bulk rep/s':>12}{'baseline rep/s':>16}{'speed-up':>10}"
        f"{'form p50 ms':>13}{'form p95 ms':>13}  created/merged/invalid",
    ]
    for result in results:
        outcomes = result["outcomes"]
        lines.append(
            f"{result['database']:<12}{result['bulk_rate']:>12,.0f}{result['baseline_rate']:>16,.0f}"
            f"{result['bulk_rate'] / result['baseline_rate']:>9.1f}x"
            f"{result['form_p50_ms']:>13.0f}{result['form_p95_ms']:>13.0f}  "
            f"{outcomes['created']}/{outcomes['merged']}/{outcomes['invalid']}"
        )
    postgres = next((result for result in results if result["database"] == "postgresql"), None)
    lines.append("")
    if postgres is not None:
        sqlite = results[0]
        ratio = postgres["bulk_rate"] / sqlite["bulk_rate"]
        lines.append(f"PostgreSQL / SQLite bulk rate: {ratio:.2f}x")
        verdict = "PASS" if postgres["bulk_rate"] >= 1000 else "FAIL"
        lines.append(
            f"target >= 1,000 reports/s on PostgreSQL: {verdict} ({postgres['bulk_rate']:,.0f}/s)"
        )
    p95 = max(result["form_p95_ms"] for result in results)
    verdict = "PASS" if p95 <= 300 else "FAIL"
    lines.append(f"target public form p95 <= 300 ms: {verdict} ({p95:.0f} ms)")
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
