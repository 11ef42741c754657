"""Server time of the staff list pages and partner API lists on the medium and the large world.

    .venv/bin/python benchmarks/pages/run.py [--scales medium,large] [--requests 30] [--no-load]

For each scale the world (seed 1) is loaded into its own PostgreSQL database through the real
intake (``load.py``; a database that already holds the complete world of that seed and scale is
reused, and the run says so), migrated to this branch's schema, vacuumed and analysed, then
measured in a child process with Django's test client, in-process: each figure is the time of
one test-client call, which runs Django's whole handler (middleware, session, scoping, queries,
template or JSON) without an HTTP server or network in between.

Each page is a series of ``--requests`` requests with varying pages, filters and offsets, made
by its persona: dave (the Department), alice (Almaty's department), erin (the auditor), frank
(Kaspi Bank: its inbox page) and Kaspi's and Halyk's API tokens. Before each series the
connection is new, Django's and the reference data's caches are empty and the database's
statistics are reset (``pg_stat_reset``), so the series' sequential scans and block reads are its
own; PostgreSQL's shared buffers and the operating system's page cache are not dropped (the
server is shared), so "cold" means cold in the application, not on disk. The first request of
each series is reported on its own beside p50 and p95 of the series.

The target is p95 ≤ 200 ms on the large world. With ``--no-load``, a scale whose database is
missing or incomplete is reported with how far its load got instead of being measured.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import load  # noqa: E402 — the sibling module, found through the path above

REPOSITORY = load.REPOSITORY
TARGET_P95_MS = 200.0
RESULTS = REPOSITORY / "var" / "bench-pages"


# ---------------------------------------------------------------- child: measure one database


def signed_in(username: str) -> Any:
    """A test client signed in as ``username`` with both factors, as the test suite does."""
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from kuzet.accounts.middleware import AUTHENTICATED_AT_KEY
    from kuzet.accounts.models import User

    user = User.objects.get(username=username)
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    session = client.session
    session["otp_device_id"] = device.persistent_id if device else ""
    session[AUTHENTICATED_AT_KEY] = time.time()
    session.save()
    return client


def bench_token(code: str, scopes: list[str]) -> str:
    """A fresh token of organisation ``code`` (earlier benchmark tokens are left to expire)."""
    from kuzet.accounts import services as accounts_services
    from kuzet.accounts.models import Organisation
    from kuzet.core.actors import SystemActor

    return accounts_services.api_client_create(
        actor=SystemActor("bench-pages"),
        organisation=Organisation.objects.get(code=code),
        name="bench-pages",
        scopes=scopes,
    ).token


def bench_import(token: str, size: int) -> str:
    """An import of ``size`` rows by Halyk Bank, made once per database and reused.

    Nine rows in ten re-send one of the bank's own world reports (merged by its reference, so
    the world gains no report), every tenth names an unknown region (invalid): the rows list
    then has both kinds to filter.
    """
    from kuzet.accounts.models import ApiClient
    from kuzet.reports import services as report_services
    from kuzet.reports.models import ReportImport, ReportSource

    existing = ReportImport.objects.filter(
        organisation__code="HALYK", total=size, status="done"
    ).first()
    if existing is not None:
        return str(existing.public_id)
    client = ApiClient.objects.get(token_prefix=token.split(".")[0])
    sources = ReportSource.objects.filter(organisation=client.organisation).exclude(
        external_reference=""
    )
    references = list(
        sources.order_by("id").values_list("external_reference", "report__region__iso_code")[:size]
    )
    rows: list[dict[str, Any]] = []
    for number in range(size):
        if number % 10 == 9 or number >= len(references):
            rows.append({"external_reference": f"bench-pages:{number}", "region": "KZ-99"})
        else:
            reference, region = references[number]
            rows.append(
                {"external_reference": reference, "region": region or "KZ-75", "narrative": "."}
            )
    report_import = report_services.report_import_create(
        actor=client, organisation=client.organisation, channel="bank", rows=rows
    )
    report_services.report_import_run(import_id=report_import.pk)
    return str(report_import.public_id)


def series_requests(context: dict[str, Any], count: int) -> dict[str, list[tuple[str, str]]]:
    """For each page: (persona or token key, path) of each request of its series."""
    chooser = random.Random(1)  # the same requests on every scale and every run

    def pages(template: str, deepest: int) -> list[str]:
        return [template.format(page=chooser.randint(1, deepest)) for _ in range(count)]

    statuses = ["open", "all", "submitted", "under_review", "registered", "closed"]
    report_ids = context["report_ids"]
    audit_filters = [
        "object_type=reports.report",
        "actor=system%3Abench-pages+load",
        "actor=dave",
        f"object_type=reports.report&object_id={context['audited_report']}",
        "action=reports.",
        f"since={context['today']}",
    ]
    return {
        "queue, Department (dave), open, pages 1-10": [
            ("dave", path) for path in pages("/reports/?page={page}", 10)
        ],
        "queue, Department (dave), each filter": [
            ("dave", f"/reports/?status={chooser.choice(statuses)}&page={chooser.randint(1, 5)}")
            for _ in range(count)
        ],
        "queue, Almaty (alice), open, pages 1-10": [
            ("alice", path) for path in pages("/reports/?page={page}", 10)
        ],
        "report page (dave)": [
            ("dave", f"/reports/{chooser.choice(report_ids)}/") for _ in range(count)
        ],
        "audit log (erin), pages 1-10": [
            ("erin", path) for path in pages("/audit/?page={page}", 10)
        ],
        "audit log (erin), filtered": [
            ("erin", f"/audit/?{chooser.choice(audit_filters)}&page={chooser.randint(1, 3)}")
            for _ in range(count)
        ],
        "inbox page (frank), pages 1-10": [
            ("frank", path) for path in pages("/inbox/?page={page}", 10)
        ],
        "API GET /inbox (Kaspi)": [
            (
                "kaspi",
                f"/api/v1/inbox?limit=50&offset={50 * chooser.randint(0, 9)}"
                + chooser.choice(["", "&unacknowledged=true"]),
            )
            for _ in range(count)
        ],
        "API GET /organisations (Kaspi)": [
            ("kaspi", f"/api/v1/organisations?offset={chooser.randint(0, 1)}") for _ in range(count)
        ],
        "API GET /reports/imports/{id}/rows (Halyk)": [
            (
                "halyk",
                f"/api/v1/reports/imports/{context['import_id']}/rows?limit=200"
                f"&offset={200 * chooser.randint(0, 4)}"
                + chooser.choice(["", "&outcome=invalid", "&outcome=merged"]),
            )
            for _ in range(count)
        ],
        # The staff screens of issue 11, after the lists above so their requests stay the same.
        "home page (dave, alice, bob, erin, frank)": [
            (chooser.choice(["dave", "alice", "bob", "erin", "frank"]), "/") for _ in range(count)
        ],
        "queue worklists (alice, dave)": [
            (
                chooser.choice(["alice", "dave"]),
                "/reports/?only="
                + chooser.choice(["urgent", "due-soon", "overdue", "alerts-waiting"]),
            )
            for _ in range(count)
        ],
        "queue search (dave), tracking number or identifier": [
            (
                "dave",
                "/reports/?q="
                + chooser.choice(
                    [*context["tracking_numbers"], "+7 701 234 56 78", "KZ86125KZT5004100100"]
                )
                .replace("+", "%2B")
                .replace(" ", "+"),
            )
            for _ in range(count)
        ],
    }


def database_statistics() -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(seq_scan), 0), coalesce(sum(seq_tup_read), 0) "
            "FROM pg_stat_user_tables AS stats JOIN pg_class ON pg_class.oid = stats.relid "
            "WHERE pg_class.reltuples > 10000"
        )
        seq_scans, seq_rows = cursor.fetchone()
        cursor.execute(
            "SELECT blks_hit, blks_read FROM pg_stat_database WHERE datname = current_database()"
        )
        hits, reads = cursor.fetchone()
    return {
        "seq_scans_of_large_tables": int(seq_scans),
        "rows_read_by_seq_scans": int(seq_rows),
        "blocks_hit": int(hits),
        "blocks_read": int(reads),
    }


def cold_start() -> None:
    """A new connection, empty application caches, reset database statistics."""
    from django.core.cache import caches
    from django.db import connection, connections

    from kuzet import reference

    connections.close_all()
    for cache in caches.all():
        cache.clear()
    for name in dir(reference):
        function = getattr(reference, name)
        if callable(function) and hasattr(function, "cache_clear"):
            function.cache_clear()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_reset()")
    # Statistics reach the views only when the backend reports them: a new connection.
    connections.close_all()


def measure(count: int) -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import connection, connections
    from django.utils import timezone

    from kuzet.audit.models import AuditEvent
    from kuzet.blocking.models import PartnerInboxItem
    from kuzet.reports.models import Report

    if not os.environ.get("KUZET_BENCH_CODE"):
        # Another checkout's code is measured on the schema as it is (indexes included).
        # VACUUM sets the visibility map a freshly loaded table lacks (autovacuum keeps it in
        # a running system), so that index-only scans are planned and run as they would be.
        call_command("migrate", verbosity=0)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
    marker = load.read_marker()
    clients = {name: signed_in(name) for name in ("dave", "alice", "bob", "erin", "frank")}
    tokens = {
        "kaspi": bench_token("KASPI", ["inbox:read", "organisations:read"]),
        "halyk": bench_token("HALYK", ["reports:write"]),
    }
    newest_report = Report.objects.order_by("-id").values_list("id", flat=True).first() or 0
    sample = random.Random(2).sample(range(1, newest_report + 1), min(200, newest_report))
    public_ids = Report.objects.filter(pk__in=sample).values_list("public_id", flat=True)
    context = {
        "report_ids": [str(public_id) for public_id in public_ids],
        "tracking_numbers": [
            report.tracking_number for report in Report.objects.filter(pk__in=sample[:20])
        ],
        "audited_report": sample[0] if sample else 1,
        "today": timezone.localdate().isoformat(),
        "import_id": bench_import(tokens["halyk"], 5000),
    }
    sizes = {
        "reports": Report.objects.count(),
        "audit_entries": AuditEvent.objects.count(),
        "kaspi_inbox": PartnerInboxItem.objects.filter(recipient__code="KASPI").count(),
    }
    from django.test import Client

    api = Client()
    results: dict[str, Any] = {}
    for page, requests in series_requests(context, count).items():
        cold_start()
        load_before = os.getloadavg()[0]
        timings = []
        for who, path in requests:
            if who in tokens:
                started = time.perf_counter()
                response = api.get(path, HTTP_AUTHORIZATION=f"Bearer {tokens[who]}")
            else:
                started = time.perf_counter()
                response = clients[who].get(path)
            timings.append(1000 * (time.perf_counter() - started))
            if response.status_code != 200:
                raise SystemExit(f"{page}: {path} answered {response.status_code}")
        connections.close_all()
        ordered = sorted(timings)
        results[page] = {
            "requests": len(timings),
            "first_ms": timings[0],
            "p50_ms": statistics.median(ordered),
            "p95_ms": ordered[max(0, round(0.95 * len(ordered)) - 1)],
            "max_ms": ordered[-1],
            # The machine is shared: its load average says how contended the series was.
            "load_average": max(load_before, os.getloadavg()[0]),
            **database_statistics(),
        }
        figures = results[page]
        sys.stderr.write(
            f"  {page}: p50 {figures['p50_ms']:.0f} ms, p95 {figures['p95_ms']:.0f} ms\n"
        )
    return {"marker": marker, "sizes": sizes, "pages": results}


# ---------------------------------------------------------------- parent


def load_state(scale: str, seed: int) -> str:
    """How far the load of ``scale`` got, read from its marker (for a scale not measured)."""
    import psycopg

    try:
        with psycopg.connect(load.database_url(scale, seed), connect_timeout=3) as connection:
            row = connection.execute(
                "SELECT next_row, world_reports, completed_at FROM kuzet_bench_pages_marker"
            ).fetchone()
    except psycopg.Error:
        return "not loaded (no database)"
    if row is None:
        return "not loaded (no marker)"
    if row[2] is not None:
        return "loaded"
    return f"load incomplete: {row[0]:,} of {row[1]:,} world reports in"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="medium,large")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=30, help="requests per page series")
    parser.add_argument(
        "--no-load", action="store_true", help="measure only databases already loaded"
    )
    parser.add_argument(
        "--code",
        type=Path,
        help="measure the code of another checkout (e.g. the main branch) on the same databases, "
        "as they are; implies --no-load",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.code:
        arguments.no_load = True
        os.environ["KUZET_BENCH_CODE"] = str(arguments.code.resolve())
    if arguments.child:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kuzet.settings")
        import django

        django.setup()
        sys.stdout.write(json.dumps(measure(arguments.requests), default=str) + "\n")
        return 0

    scales = [scale.strip() for scale in arguments.scales.split(",") if scale.strip()]
    results: dict[str, dict[str, Any]] = {}
    states: dict[str, str] = {}
    for scale in scales:
        if not arguments.no_load:
            load.ensure_world(scale, arguments.seed)
            if load.ensure_database(scale, arguments.seed):
                load.log(f"created {load.database_name(scale, arguments.seed)}")
            status = load.run_loader(scale, arguments.seed, 2000)
            if status not in (0, load.LOAD_RUNNING):
                raise SystemExit(f"loading the {scale} world failed")
        state = load_state(scale, arguments.seed)
        if state != "loaded":
            states[scale] = state
            continue
        load.log(f"measuring {load.database_name(scale, arguments.seed)}")
        completed = subprocess.run(  # noqa: S603 — this script, fixed arguments
            [sys.executable, __file__, "--child", "--requests", str(arguments.requests)],
            env=load.child_environment(scale, arguments.seed),
            cwd=REPOSITORY,
            stdout=subprocess.PIPE,
            check=True,
            text=True,
        )
        results[scale] = json.loads(completed.stdout.strip().splitlines()[-1])
        RESULTS.mkdir(parents=True, exist_ok=True)
        label = "-other-code" if arguments.code else ""
        (RESULTS / f"{scale}-s{arguments.seed}{label}.json").write_text(
            json.dumps(results[scale], indent=1, default=str), encoding="utf-8"
        )
    sys.stdout.write(report(scales, results, states, arguments) + "\n")
    return 0


def report(
    scales: list[str],
    results: dict[str, dict[str, Any]],
    states: dict[str, str],
    arguments: argparse.Namespace,
) -> str:
    lines = [
        f"Staff pages and API lists, seed {arguments.seed}, {arguments.requests} requests per "
        "page, Django test client in-process, PostgreSQL",
        f"code measured: {os.environ.get('KUZET_BENCH_CODE') or load.REPOSITORY}",
        "",
    ]
    for scale in scales:
        if scale in results:
            sizes = results[scale]["sizes"]
            marker = results[scale]["marker"] or {}
            lines.append(
                f"{scale}: {sizes['reports']:,} reports, {sizes['audit_entries']:,} audit entries, "
                f"{sizes['kaspi_inbox']:,} items in Kaspi's inbox "
                f"(loaded in {float(marker.get('load_seconds') or 0):,.0f} s)"
            )
        else:
            lines.append(f"{scale}: {states.get(scale, 'not measured')}")
    lines.append("")
    header = f"{'page':<46}"
    for scale in scales:
        header += f"{scale + ' p50':>12}{'p95':>7}{'first':>7}"
    lines.append(header + "  seq scans  load avg")
    pages = next(iter(results.values()))["pages"] if results else {}
    for page in pages:
        line = f"{page:<46}"
        scans = []
        loads = []
        for scale in scales:
            figures = results.get(scale, {}).get("pages", {}).get(page)
            if figures is None:
                line += f"{'—':>12}{'—':>7}{'—':>7}"
                continue
            line += (
                f"{figures['p50_ms']:>12.0f}{figures['p95_ms']:>7.0f}{figures['first_ms']:>7.0f}"
            )
            scans.append(str(figures["seq_scans_of_large_tables"]))
            loads.append(f"{figures['load_average']:.1f}")
        lines.append(line + f"  {'/'.join(scans):>9}  {'/'.join(loads)}")
    lines.append("")
    lines.append(
        "p50/p95/first: milliseconds of server time in-process; seq scans: sequential scans of "
        "tables over 10,000 rows during the series; load avg: the machine's 1-minute load "
        "average (2 cores, shared) during the series."
    )
    for scale in scales:
        if scale not in results:
            continue
        worst_page, worst = max(
            ((page, figures["p95_ms"]) for page, figures in results[scale]["pages"].items()),
            key=lambda item: item[1],
        )
        verdict = "PASS" if worst <= TARGET_P95_MS else "FAIL"
        lines.append(
            f"target p95 <= {TARGET_P95_MS:.0f} ms on {scale}: {verdict} "
            f"(slowest: {worst_page}, {worst:.0f} ms)"
        )
    if "large" in scales and "large" not in results:
        lines.append("target on the large world: NOT MEASURED (" + states.get("large", "") + ")")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
