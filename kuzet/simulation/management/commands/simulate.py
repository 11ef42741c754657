"""``manage.py simulate``: write a seeded synthetic world (see ``kuzet/simulation/world.py``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kuzet.simulation.calibration import SCALES
from kuzet.simulation.cli import SimulationError, SimulationOptions, run_simulation


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
            "--load", action="store_true", help="load into the database (arrives with intake)"
        )
        parser.add_argument("--stats", action="store_true", help="print the world's statistics")
        parser.add_argument("--markdown", action="store_true", help="print --stats as Markdown")
        parser.add_argument("--quiet", action="store_true", help="no progress bar, no summary")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            run_simulation(
                SimulationOptions(
                    seed=options["seed"],
                    scale=options["scale"],
                    out=options["out"],
                    load=options["load"],
                    stats=options["stats"],
                    markdown=options["markdown"],
                    quiet=options["quiet"] or options["verbosity"] == 0,
                ),
                self.stdout,
                self.stderr,
            )
        except SimulationError as error:
            raise CommandError(str(error)) from error
