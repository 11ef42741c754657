"""Intake benchmark: a simulated world's reports through the channels production uses, on
SQLite and PostgreSQL in the same run, against a baseline measured in the same run.

    .venv/bin/python benchmarks/intake/run.py [--scale medium] [--limit N] [--senders 2]
                                              [--baseline 500] [--single 100]

In-process: no HTTP server and no network. For each database a child process migrates a fresh
database, issues partner tokens and sends the world's reports through Django's test client (the
full middleware and request stack, without a socket) or, for victims, through the service call
the public form's view makes:

- Victims' reports go through the public form's service path (``report_submit`` with the
  public channel, one report a call), as citizens submit them in production.
- Banks' and telecom operators' reports go to ``POST /api/v1/reports/bulk`` (up to 1,000 rows a
  call) with their own tokens.

Both include validation, extraction, deduplication, triage, routing, golden-hour alerts and
audit. The baseline is the first ``--baseline`` reports with the partners' reports posted one
by one to ``POST /api/v1/reports`` (victims' the same as in the bulk measure), from the same
``--senders`` processes with the same split of rows between them: by victim (a victim's reports)
or by organisation (its own reports), balanced by row count, so every reporter's and every
organisation's reports still arrive in time order. A last measure times single public-form
submissions through the form's URL (p50, p95).
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
# This checkout's code, not whichever checkout the virtualenv's editable install points at.
sys.path.insert(0, str(REPOSITORY))
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
    """(sending organisation, partner API body) for a bank's or telecom operator's report."""
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


# One sender's work, in order: ("public", [ReportInput]) is one public-form submission (always
# one report: citizens submit one at a time), ("api", [body, ...]) one partner API call by the
# organisation ``code`` (one body: ``POST /api/v1/reports``; a list: ``/reports/bulk``).
Call = tuple[str, str, list[Any]]


def _send_lane(tokens: dict[str, str], bulk: bool, lane: list[Call]) -> dict[str, Any]:
    """One sender process: make its calls in order and add up the outcomes and times."""
    import uuid

    from django.test import Client

    from kuzet.reports import services
    from kuzet.reports.models import Channel

    client = Client()
    outcomes = {"created": 0, "merged": 0, "invalid": 0}
    seconds = {"public": 0.0, "api": 0.0}
    for kind, code, payload in lane:
        started = time.perf_counter()
        if kind == "public":
            # What the public form's view does with a valid form (kuzet.reports.views).
            try:
                submitted = services.report_submit(
                    actor=None,
                    channel=Channel.PUBLIC_WEB,
                    data=payload[0],
                    client_address="127.0.0.1",
                    tracking_secret=uuid.uuid4().hex,
                )
            except services.ReportInvalid:
                outcomes["invalid"] += 1
            else:
                outcomes["merged" if submitted.is_duplicate else "created"] += 1
        elif bulk:
            response = client.post(
                "/api/v1/reports/bulk",
                json.dumps({"reports": payload}),
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {tokens[code]}",
            )
            expect(response, {200})
            result = response.json()
            for key in outcomes:
                outcomes[key] += result[key]
        else:
            response = client.post(
                "/api/v1/reports",
                json.dumps(payload[0]),
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {tokens[code]}",
            )
            expect(response, {200, 201, 422})
            outcome = {201: "created", 200: "merged", 422: "invalid"}[response.status_code]
            outcomes[outcome] += 1
        seconds[kind] += time.perf_counter() - started
    return {"outcomes": outcomes, "seconds": seconds}


def plan_lanes(
    rows: list[dict[str, Any]],
    submissions: list[tuple[str, str, Any]],
    lane_of: dict[str, int],
    senders: int,
    *,
    batch: int,
) -> list[list[Call]]:
    """Each sender's calls, in time order, for the rows given.

    Public-form reports are one call each. Partners' reports go ``batch`` to a call: each
    sender collects an organisation's reports over a slice of 10,000 in time, then sends them
    (``batch=1`` sends each on its own, as the baseline does).
    """
    lanes: list[list[Call]] = [[] for _ in range(senders)]
    for start in range(0, len(rows), 10_000):
        groups: dict[tuple[int, str, str], list[Any]] = {}
        order: list[tuple[int, str, str]] = []
        for row, (kind, code, payload) in zip(
            rows[start : start + 10_000], submissions[start : start + 10_000], strict=True
        ):
            lane = lane_of[lane_key(row)]
            if kind == "public" or batch == 1:
                lanes[lane].append((kind, code, [payload]))
                continue
            key = (lane, kind, code)
            if key not in groups:
                groups[key] = []
                order.append(key)
            groups[key].append(payload)
        for lane, kind, code in order:
            group = groups[(lane, kind, code)]
            lanes[lane].extend(
                (kind, code, group[offset : offset + batch])
                for offset in range(0, len(group), batch)
            )
    return lanes


def send(
    lanes: list[list[Call]], tokens: dict[str, str], *, bulk: bool
) -> tuple[float, dict[str, int], dict[str, float]]:
    """Run the lanes from one process each, at once; wall seconds, outcomes, seconds per kind."""
    from django.db import connections

    connections.close_all()  # each forked sender opens its own connection
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(len(lanes)) as pool:
        results = pool.map(partial(_send_lane, tokens, bulk), lanes)
    wall = time.perf_counter() - started
    outcomes = {
        key: sum(result["outcomes"][key] for result in results) for key in results[0]["outcomes"]
    }
    seconds = {key: sum(result["seconds"][key] for result in results) for key in ("public", "api")}
    return wall, outcomes, seconds


def child(
    world: Path, limit: int | None, baseline: int, single: int, senders: int
) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kuzet.settings")
    import django

    django.setup()
    from datetime import datetime, timedelta

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from kuzet.accounts import services as accounts_services
    from kuzet.accounts.models import Organisation
    from kuzet.audit.services import SystemActor
    from kuzet.reports.models import Report
    from kuzet.simulation.load import report_input

    call_command("migrate", verbosity=0)
    rows = world_rows(world, limit)
    newest = datetime.fromisoformat(rows[-1]["submitted_at"].replace("Z", "+00:00"))
    shift = timezone.now() - timedelta(minutes=3) - newest
    submissions: list[tuple[str, str, Any]] = []
    for row in rows:
        if row["channel"] == "victim":
            # A victim writes through the public form, as in production; the form's one-time
            # key is the world's report id, so a resent page joins the earlier report.
            submissions.append(("public", "", report_input(row, shift, seed=1)))
        else:
            code, body = api_row(row, shift.total_seconds())
            submissions.append(("api", code, body))
    tokens = {
        code: accounts_services.api_client_create(
            actor=SystemActor("benchmark"),
            organisation=Organisation.objects.get(code=code),
            name="benchmark",
            scopes=["reports:write"],
        ).token
        for code in sorted({code for kind, code, _ in submissions if kind == "api"})
    }
    # Both measures use the same senders and the same split of rows between them: a victim's
    # reports always in one lane, an organisation's in one lane, balanced by row count, so each
    # reporter's and each organisation's reports keep their time order.
    lane_of = assign_lanes(rows, senders)
    # Baseline: the first reports, partners' one call each.
    baseline_lanes = plan_lanes(rows[:baseline], submissions[:baseline], lane_of, senders, batch=1)
    baseline_seconds, baseline_outcomes, _ = send(baseline_lanes, tokens, bulk=False)
    # Bulk: the rest in time order, partners' reports as each sender's batches of up to 1,000
    # rows; victims' reports still one public-form submission each.
    rest_rows, rest = rows[baseline:], submissions[baseline:]
    bulk_lanes = plan_lanes(rest_rows, rest, lane_of, senders, batch=1000)
    lane_rows = [sum(len(payload) for _, _, payload in lane) for lane in bulk_lanes]
    bulk_seconds, outcomes, busy = send(bulk_lanes, tokens, bulk=True)
    public_rows = sum(kind == "public" for kind, _, _ in rest)
    partner_rows = len(rest) - public_rows
    sys.stderr.write(f"bulk: {len(rest) / bulk_seconds:,.0f} reports/s\n")
    # Single public-form submissions, full middleware stack.
    timings = []
    form = Client()
    for number in range(single):
        # Each submission from its own citizen's address, as in production: one address past
        # the public form's hourly threshold is asked to solve the picture challenge.
        address = f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}"
        page = form.get("/report/", REMOTE_ADDR=address).content.decode()
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
        response = form.post("/report/", data, REMOTE_ADDR=address)
        timings.append(time.perf_counter() - started)
        expect(response, {302})
    timings.sort()
    return {
        "database": connection.vendor,
        "reports": len(rows),
        "stored_reports": Report.objects.count(),
        "baseline_reports": baseline,
        "baseline_rate": baseline / baseline_seconds,
        "baseline_outcomes": baseline_outcomes,
        "bulk_reports": len(rest),
        "bulk_rate": len(rest) / bulk_seconds,
        "bulk_seconds": bulk_seconds,
        "public_rows": public_rows,
        "partner_rows": partner_rows,
        # Sender-seconds spent per kind of call, to see each channel's own rate.
        "public_rate": public_rows / busy["public"] * senders if busy["public"] else 0.0,
        "partner_rate": partner_rows / busy["api"] * senders if busy["api"] else 0.0,
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
        "--senders",
        str(arguments.senders),
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

    first = results[0]
    lines = [
        f"Intake of the {arguments.scale} world (seed 1): {first['reports']:,} reports"
        + (f" (the first {arguments.limit:,})" if arguments.limit else "")
        + f", {first['senders']} senders, in-process (no HTTP server)",
        f"measured: {first['bulk_reports']:,} reports after a baseline of "
        f"{first['baseline_reports']:,}; {first['public_rows']:,} victims' reports through the "
        f"public form's service path, {first['partner_rows']:,} partners' through the bulk API",
        "",
        f"{'database':<12}{'all rep/s':>11}{'partner bulk':>14}{'public':>9}"
        f"{'baseline':>10}{'speed-up':>10}{'form p50/p95 ms':>17}  created/merged/invalid",
    ]
    for result in results:
        outcomes = result["outcomes"]
        lines.append(
            f"{result['database']:<12}{result['bulk_rate']:>11,.0f}"
            f"{result['partner_rate']:>14,.0f}{result['public_rate']:>9,.0f}"
            f"{result['baseline_rate']:>10,.0f}"
            f"{result['bulk_rate'] / result['baseline_rate']:>9.1f}x"
            f"{result['form_p50_ms']:>10.0f} / {result['form_p95_ms']:<4.0f}  "
            f"{outcomes['created']}/{outcomes['merged']}/{outcomes['invalid']}"
        )
    lines += [
        "",
        "all: every measured report over the wall time; partner bulk and public: that channel's",
        "reports over the time the senders spent in its calls (times the number of senders);",
        "baseline: the same mix with partners' reports one call each, same senders and split.",
    ]
    postgres = next((result for result in results if result["database"] == "postgresql"), None)
    lines.append("")
    if postgres is not None:
        ratio = postgres["bulk_rate"] / first["bulk_rate"]
        lines.append(f"PostgreSQL / SQLite rate, all reports: {ratio:.2f}x")
        verdict = "PASS" if postgres["partner_rate"] >= 1000 else "FAIL"
        lines.append(
            f"target partner bulk >= 1,000 reports/s on PostgreSQL: {verdict} "
            f"({postgres['partner_rate']:,.0f}/s)"
        )
    p95 = max(result["form_p95_ms"] for result in results)
    verdict = "PASS" if p95 <= 300 else "FAIL"
    lines.append(f"target public form p95 <= 300 ms: {verdict} ({p95:.0f} ms)")
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
