"""The one entry point shared by ``manage.py simulate`` and ``python -m kuzet.simulation``."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from kuzet.simulation.calibration import SCALES
from kuzet.simulation.output import FILES
from kuzet.simulation.stats import stats_markdown, stats_table
from kuzet.simulation.world import WorldResult, generate_world

__all__ = ["LOAD_NOT_AVAILABLE", "SimulationError", "SimulationOptions", "run_simulation"]

LOAD_NOT_AVAILABLE = (
    "--load needs the database: run it as `kuzet simulate --load`, not `python -m "
    "kuzet.simulation`."
)


class Stream(Protocol):
    """Where text goes: a file, or Django's ``OutputWrapper`` (whose ``write`` returns None)."""

    def write(self, text: str, /) -> Any: ...

    def isatty(self) -> bool: ...


class SimulationError(Exception):
    """A bad invocation, reported to the user as one clear line (never a traceback)."""


@dataclass(frozen=True, slots=True)
class SimulationOptions:
    """What the user asked for."""

    seed: int
    scale: str
    out: Path | None
    load: bool
    stats: bool
    markdown: bool
    quiet: bool


def _check(options: SimulationOptions) -> None:
    if options.load:
        raise SimulationError(LOAD_NOT_AVAILABLE)
    if options.seed < 0:
        raise SimulationError(f"--seed must be a non-negative integer, not {options.seed}")
    if options.scale not in SCALES:
        raise SimulationError(f"--scale must be one of {', '.join(SCALES)}, not {options.scale!r}")
    if options.out is None and not options.stats:
        raise SimulationError("nothing to do: give --out DIR, --stats, or both")
    if options.out is not None:
        if options.out.exists() and not options.out.is_dir():
            raise SimulationError(f"--out {options.out} exists and is not a directory")
        if options.out.is_dir():
            known = {*FILES, "ground_truth", "manifest.json", "stats.json"}
            foreign = sorted(
                str(path.relative_to(options.out))
                for path in options.out.rglob("*")
                if str(path.relative_to(options.out)) not in known
            )
            if foreign:
                raise SimulationError(
                    f"--out {options.out} holds files that are not a simulated world "
                    f"({', '.join(foreign[:3])}…); choose an empty or new directory"
                )


def run_simulation(
    options: SimulationOptions, stdout: Stream | None = None, stderr: Stream | None = None
) -> WorldResult:
    """Validate the options, generate the world, print what was asked for."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    _check(options)
    scale = SCALES[options.scale]
    show_progress = not options.quiet and stderr.isatty()
    bar = None
    progress = None
    if show_progress:
        from tqdm import tqdm

        bar = tqdm(total=scale.incidents, unit="incident", file=stderr, desc="simulating")

        def progress(done: int) -> None:
            bar.update(done)

    try:
        result = generate_world(options.seed, options.scale, options.out, progress)
    except OSError as error:
        raise SimulationError(f"cannot write the world: {error}") from error
    finally:
        if bar is not None:
            bar.close()
    if options.stats:
        stdout.write(
            stats_markdown(result.statistics)
            if options.markdown
            else stats_table(result.statistics)
        )
        stdout.write("\n")
    if options.out is not None and not options.quiet:
        counts = result.manifest["counts"]
        stdout.write(
            f"Wrote a {options.scale} world (seed {options.seed}) to {options.out}: "
            f"{counts['reports.jsonl']:,} reports, {counts['incidents.jsonl']:,} incidents, "
            f"{counts['transfers.jsonl']:,} transfers.\n"
        )
    return result
