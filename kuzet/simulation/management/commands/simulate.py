"""``manage.py simulate``: write a seeded synthetic world (see ``kuzet/simulation/world.py``)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kuzet.simulation.calibration import SCALES
from kuzet.simulation.cli import SimulationError, SimulationOptions, run_simulation


def _holds_world(directory: Path | None, seed: int, scale: str) -> bool:
    """True when ``directory`` already holds the world of this seed and scale."""
    manifest = directory / "manifest.json" if directory else None
    if manifest is None or not manifest.exists():
        return False
    written = json.loads(manifest.read_text(encoding="utf-8"))
    return bool(written.get("seed") == seed and written.get("scale") == scale)


class Command(BaseCommand):
    help = (
        "Generate a seeded, synthetic fraud world of Kazakhstan with its ground truth: "
        "--out DIR writes JSON Lines files, --stats prints the world's statistics."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=1, help="world seed (default 1)")
        parser.add_argument("--scale", choices=list(SCALES), default="small")
        parser.add_argument("--out", type=Path, help="directory to write the world to")
        parser.add_argument(
            "--load",
            action="store_true",
            help="load the world's reports into the database through report intake "
            "(writes the world to --out, or to var/world-SEED-SCALE)",
        )
        parser.add_argument("--stats", action="store_true", help="print the world's statistics")
        parser.add_argument("--markdown", action="store_true", help="print --stats as Markdown")
        parser.add_argument("--quiet", action="store_true", help="no progress bar, no summary")

    def handle(self, *args: Any, **options: Any) -> None:
        out = options["out"]
        if options["load"] and out is None:
            out = Path(settings.VAR_DIR) / f"world-{options['seed']}-{options['scale']}"
        quiet = options["quiet"] or options["verbosity"] == 0
        try:
            if not (options["load"] and _holds_world(out, options["seed"], options["scale"])):
                self._generate(options, out, quiet)
        except SimulationError as error:
            raise CommandError(str(error)) from error
        if options["load"]:
            self._load(out, options["seed"], quiet)

    def _load(self, directory: Path, seed: int, quiet: bool) -> None:
        # Imported here: generating needs only this app, loading needs the report apps too.
        from kuzet.simulation.load import world_load  # noqa: PLC0415

        total = sum(1 for line in (directory / "reports.jsonl").open(encoding="utf-8") if line)
        bar = None
        if not quiet and self.stderr.isatty():
            from tqdm import tqdm  # noqa: PLC0415

            # tqdm redraws with carriage returns; Django's OutputWrapper would add newlines.
            bar = tqdm(total=total, unit="report", file=sys.stderr, desc="loading")
        try:
            summary = world_load(directory, seed=seed, progress=bar.update if bar else None)
        finally:
            if bar is not None:
                bar.close()
        if summary.skipped:
            self.stdout.write(f"The world of seed {seed} is already loaded; nothing to do.")
            return
        reasons = ", ".join(f"{field} {count}" for field, count in summary.reasons.most_common(5))
        self.stdout.write(
            f"Loaded {summary.created:,} reports ({summary.merged:,} merged into earlier ones, "
            f"{summary.invalid:,} refused by intake{': ' + reasons if reasons else ''}); "
            f"{summary.alerts_delivered:,} hold alerts delivered to banks."
        )

    def _generate(self, options: dict[str, Any], out: Path | None, quiet: bool) -> None:
        run_simulation(
            SimulationOptions(
                seed=options["seed"],
                scale=options["scale"],
                out=out,
                load=False,
                stats=options["stats"],
                markdown=options["markdown"],
                quiet=quiet,
            ),
            self.stdout,
            self.stderr,
        )
