"""Generation speed of the simulated world: ``python benchmarks/simulation/run.py [scale]``.

Prints records per second for each file and the wall time, writing to a temporary directory.
The issue's target: medium (≈ 100k reports, ≈ 1M transfers) in ≤ 2 minutes on 2 cores.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from kuzet.simulation.world import generate_world


def main() -> None:
    scale = sys.argv[1] if len(sys.argv) > 1 else "medium"
    with tempfile.TemporaryDirectory() as directory:
        started = time.perf_counter()
        result = generate_world(1, scale, Path(directory))
        elapsed = time.perf_counter() - started
        size = sum(path.stat().st_size for path in Path(directory).rglob("*") if path.is_file())
    counts = result.manifest["counts"]
    lines = [f"scale {scale}: {elapsed:.1f} s wall, {size / 1e6:.0f} MB written"]
    for name in ("reports.jsonl", "transfers.jsonl", "incidents.jsonl", "identifiers.jsonl"):
        lines.append(f"  {name:<20} {counts[name]:>10,}  {counts[name] / elapsed:>10,.0f} / s")
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
