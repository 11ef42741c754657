"""Load a simulated world into a dedicated PostgreSQL database for ``make bench-pages``.

    .venv/bin/python benchmarks/pages/load.py --scale medium [--seed 1] [--batch 2000]

Every report goes through the real intake service (``reports.services.report_submit_many``), in
batches of ``--batch`` reports sorted by the time they were submitted, exactly as the world
loader of ``kuzet simulate --load`` does, so the database holds what intake writes: sources,
transfers, indicators, contacts, hold alerts, outbox messages and audit entries. The hold alerts
are then delivered into the banks' inboxes through the outbox relay.

The database is named ``kuzet_bench_pages_<scale>_s<seed>`` and kept after the run. A marker
table (``kuzet_bench_pages_marker``) records the seed, the scale, the time shift and how many of
the world's reports are in; each batch commits together with its marker row, so an interrupted
load resumes at the next batch, and a complete load is reused by the next run instead of being
loaded again. Nothing else is reused: a database whose marker names another seed or scale is
refused.

Only the file offsets of the world's reports are held in memory (the large world is ≈ 1M
reports); each batch is parsed when it is submitted.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

REPOSITORY = Path(__file__).resolve().parents[2]
# This checkout's code, not whichever checkout the virtual environment was installed from;
# ``run.py --code DIR`` measures another checkout's code (``KUZET_BENCH_CODE``) for comparison.
CODE = Path(os.environ.get("KUZET_BENCH_CODE") or REPOSITORY)
if str(CODE) not in sys.path:
    sys.path.insert(0, str(CODE))
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
# Held by a loader for as long as it loads: a second loader of the same database stops at once.
LOADER_LOCK = 7_301_842_001
LOAD_RUNNING = 3  # the loader's exit status when another loader holds the lock


def database_name(scale: str, seed: int) -> str:
    return f"kuzet_bench_pages_{scale}_s{seed}"


def database_url(scale: str, seed: int) -> str:
    return f"postgresql://postgres@127.0.0.1:5432/{database_name(scale, seed)}"


def world_directory(scale: str, seed: int) -> Path:
    return REPOSITORY / "var" / f"world-{seed}-{scale}"


def ensure_world(scale: str, seed: int) -> Path:
    """The world's directory, generated with ``python -m kuzet.simulation`` when missing."""
    import subprocess

    directory = world_directory(scale, seed)
    manifest = directory / "manifest.json"
    if manifest.exists():
        written = json.loads(manifest.read_text(encoding="utf-8"))
        if written.get("seed") == seed and written.get("scale") == scale:
            return directory
    log(f"generating the {scale} world (seed {seed}) in {directory}")
    subprocess.run(  # noqa: S603 — our own module, fixed arguments
        [
            sys.executable,
            "-m",
            "kuzet.simulation",
            "--seed",
            str(seed),
            "--scale",
            scale,
            "--out",
            str(directory),
            "--quiet",
        ],
        cwd=REPOSITORY,
        check=True,
    )
    return directory


def ensure_database(scale: str, seed: int) -> bool:
    """Create the benchmark database if it is not there; True when it was created now."""
    import psycopg

    name = database_name(scale, seed)
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists:
            return False
        admin.execute(f'CREATE DATABASE "{name}"')
    return True


def log(message: str) -> None:
    sys.stderr.write(f"[{time.strftime('%H:%M:%S', time.gmtime())} UTC] {message}\n")
    sys.stderr.flush()


def report_offsets(path: Path) -> tuple[list[tuple[str, int]], datetime]:
    """(submitted_at, byte offset) of every report, in submission order; the newest time."""
    offsets: list[tuple[str, int]] = []
    with path.open("rb") as lines:
        position = 0
        for line in lines:
            if line.strip():
                # The field is near the start of each line; a full parse is not needed to sort.
                marker = line.index(b'"submitted_at":"') + len(b'"submitted_at":"')
                submitted = line[marker : line.index(b'"', marker)].decode("ascii")
                offsets.append((submitted, position))
            position += len(line)
    offsets.sort()
    newest = datetime.fromisoformat(offsets[-1][0].replace("Z", "+00:00"))
    return offsets, newest


# ---------------------------------------------------------------- inside Django


def read_marker() -> dict[str, Any] | None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """CREATE TABLE IF NOT EXISTS kuzet_bench_pages_marker (
                seed integer NOT NULL, scale text NOT NULL, world_reports integer NOT NULL,
                shift_seconds double precision NOT NULL, next_row integer NOT NULL,
                load_seconds double precision NOT NULL DEFAULT 0,
                alerts_delivered integer, completed_at timestamptz,
                started_at timestamptz NOT NULL DEFAULT now())"""
        )
        cursor.execute(
            "SELECT seed, scale, world_reports, shift_seconds, next_row, load_seconds, "
            "alerts_delivered, completed_at, started_at FROM kuzet_bench_pages_marker"
        )
        row = cursor.fetchone()
    if row is None:
        return None
    keys = [
        "seed",
        "scale",
        "world_reports",
        "shift_seconds",
        "next_row",
        "load_seconds",
        "alerts_delivered",
        "completed_at",
        "started_at",
    ]
    return dict(zip(keys, row, strict=True))


def written_marker() -> dict[str, Any]:
    marker = read_marker()
    if marker is None:
        raise SystemExit("the marker row just written is missing")
    return marker


def load_world(scale: str, seed: int, batch_size: int) -> dict[str, Any]:
    """Load (or resume loading) the world; returns the marker row when the load is complete."""
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from kuzet.accounts.models import Organisation
    from kuzet.audit.services import SystemActor
    from kuzet.blocking import services as blocking_services
    from kuzet.blocking.models import OutboxMessage
    from kuzet.reports import services as report_services
    from kuzet.simulation.load import CHANNELS, report_input

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOADER_LOCK])
        if not cursor.fetchone()[0]:
            log(f"another loader is loading {database_name(scale, seed)}; leaving it to finish")
            raise SystemExit(LOAD_RUNNING)
    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:  # noqa: PTH123 — the command's output is its logins
        call_command("seed_demo", stdout=quiet)
    marker = read_marker()
    if marker is not None and (marker["seed"], marker["scale"]) != (seed, scale):
        raise SystemExit(
            f"{database_name(scale, seed)} holds seed {marker['seed']} scale {marker['scale']}"
        )
    if marker is not None and marker["completed_at"] is not None:
        log(
            f"{database_name(scale, seed)} already holds the {scale} world of seed {seed} "
            f"(loaded {marker['completed_at']:%Y-%m-%d %H:%M}); reused"
        )
        return marker
    directory = ensure_world(scale, seed)
    path = directory / "reports.jsonl"
    offsets, newest = report_offsets(path)
    if marker is None:
        # Times move so that the newest report arrives three minutes before the load starts,
        # as in ``kuzet simulate --load``; a resumed load keeps the first run's shift.
        shift = timezone.now() - timedelta(minutes=3) - newest
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO kuzet_bench_pages_marker"
                " (seed, scale, world_reports, shift_seconds, next_row) VALUES (%s, %s, %s, %s, 0)",
                [seed, scale, len(offsets), shift.total_seconds()],
            )
        marker = written_marker()
    else:
        log(f"resuming the load at report {marker['next_row']:,} of {len(offsets):,}")
    shift = timedelta(seconds=marker["shift_seconds"])
    organisations = {organisation.code: organisation for organisation in Organisation.objects.all()}
    actor = SystemActor("bench-pages load")
    started = time.perf_counter()
    spent_before = marker["load_seconds"]
    first = marker["next_row"]
    outcomes = {"created": 0, "merged": 0, "invalid": 0}
    with path.open("rb") as lines:
        for start in range(first, len(offsets), batch_size):
            rows = []
            for _submitted, offset in offsets[start : start + batch_size]:
                lines.seek(offset)
                rows.append(json.loads(lines.readline()))
            items = [
                report_services.IntakeItem(
                    data=report_input(row, shift, seed),
                    channel=CHANNELS[row["channel"]],
                    source_organisation=organisations.get(
                        (row.get("reporter") or {}).get("organisation") or ""
                    ),
                    received_at=datetime.fromisoformat(row["submitted_at"].replace("Z", "+00:00"))
                    + shift,
                )
                for row in rows
            ]
            with transaction.atomic():
                for outcome in report_services.report_submit_many(actor=actor, items=items):
                    if isinstance(outcome, report_services.ReportInvalid):
                        outcomes["invalid"] += 1
                    elif outcome.is_duplicate:
                        outcomes["merged"] += 1
                    else:
                        outcomes["created"] += 1
                spent = spent_before + time.perf_counter() - started
                with connection.cursor() as cursor:
                    cursor.execute(
                        "UPDATE kuzet_bench_pages_marker SET next_row = %s, load_seconds = %s",
                        [start + len(rows), spent],
                    )
            done = start + len(rows)
            elapsed = time.perf_counter() - started
            rate = (done - first) / elapsed if elapsed else 0.0
            log(
                f"{done:,}/{len(offsets):,} reports ({rate:,.0f}/s; this run "
                f"{outcomes['created']:,} created, {outcomes['merged']:,} merged, "
                f"{outcomes['invalid']:,} invalid)"
            )
    log("delivering the hold alerts to the banks' inboxes")
    delivered = 0
    while True:
        went = blocking_services.outbox_deliver_due(limit=10_000, batch_size=500)
        delivered += went
        if went < 10_000:
            break
        log(f"{delivered:,} outbox messages delivered")
    # Relays run beside the loader (``kuzet outbox deliver``) may have delivered some of them.
    delivered = OutboxMessage.objects.filter(delivered_at__isnull=False).count()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
        cursor.execute(
            "UPDATE kuzet_bench_pages_marker SET completed_at = now(), alerts_delivered = %s, "
            "load_seconds = %s",
            [delivered, spent_before + time.perf_counter() - started],
        )
    marker = written_marker()
    log(
        f"{database_name(scale, seed)}: {len(offsets):,} world reports loaded in "
        f"{marker['load_seconds']:,.0f} s, {delivered:,} outbox messages delivered"
    )
    return marker


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="medium", choices=["small", "medium", "large"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch", type=int, default=2000, help="reports per intake batch")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kuzet.settings")
        import django

        django.setup()
        marker = load_world(arguments.scale, arguments.seed, arguments.batch)
        sys.stdout.write(json.dumps(marker, default=str) + "\n")
        return 0
    ensure_world(arguments.scale, arguments.seed)
    if ensure_database(arguments.scale, arguments.seed):
        log(f"created {database_name(arguments.scale, arguments.seed)}")
    return run_loader(arguments.scale, arguments.seed, arguments.batch)


def child_environment(scale: str, seed: int) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url(scale, seed),
        "KUZET_LOG_LEVEL": "WARNING",
        "KUZET_DEMO_MODE": "true",
        # This checkout's var/ (collected static files) also when another checkout's code runs.
        "KUZET_VAR_DIR": os.environ.get("KUZET_VAR_DIR") or str(REPOSITORY / "var"),
    }


def run_loader(scale: str, seed: int, batch_size: int) -> int:
    import subprocess

    completed = subprocess.run(  # noqa: S603 — this script, fixed arguments
        [
            sys.executable,
            __file__,
            "--child",
            "--scale",
            scale,
            "--seed",
            str(seed),
            "--batch",
            str(batch_size),
        ],
        env=child_environment(scale, seed),
        cwd=REPOSITORY,
        check=False,
    )
    return completed.returncode


if __name__ == "__main__":
    raise SystemExit(main())
