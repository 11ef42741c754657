"""``python -m kuzet.simulation``: the generator without Django (same code as the command)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kuzet.simulation.calibration import SCALES
from kuzet.simulation.cli import SimulationError, SimulationOptions, run_simulation


def build_parser() -> argparse.ArgumentParser:
    """Arguments shared in meaning with ``manage.py simulate``."""
    parser = argparse.ArgumentParser(
        prog="python -m kuzet.simulation",
        description="Generate a seeded, synthetic fraud world of Kazakhstan with ground truth.",
    )
    parser.add_argument("--seed", type=int, default=1, help="world seed (default 1)")
    parser.add_argument("--scale", choices=list(SCALES), default="small")
    parser.add_argument("--out", type=Path, help="directory to write the JSON Lines files to")
    parser.add_argument(
        "--load",
        action="store_true",
        help="refused here: loading needs the database (`kuzet simulate --load`)",
    )
    parser.add_argument("--stats", action="store_true", help="print the world's statistics")
    parser.add_argument("--markdown", action="store_true", help="print --stats as Markdown")
    parser.add_argument("--quiet", action="store_true", help="no progress bar, no summary")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run and return the exit status (2 on a bad invocation, like argparse)."""
    parser = build_parser()
    arguments = parser.parse_args(argv)
    options = SimulationOptions(
        seed=arguments.seed,
        scale=arguments.scale,
        out=arguments.out,
        load=arguments.load,
        stats=arguments.stats,
        markdown=arguments.markdown,
        quiet=arguments.quiet,
    )
    try:
        run_simulation(options)
    except SimulationError as error:
        parser.error(str(error))
    return 0


if __name__ == "__main__":
    sys.exit(main())
