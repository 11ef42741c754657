"""A small seed-1 world, generated once per test session and read by the tests as JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kuzet.simulation.world import WorldResult, generate_world


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Every record of a JSON Lines file."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


@pytest.fixture(scope="session")
def small_world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, WorldResult]:
    directory = tmp_path_factory.mktemp("world-seed-1")
    return directory, generate_world(1, "small", directory)


@pytest.fixture(scope="session")
def world_directory(small_world: tuple[Path, WorldResult]) -> Path:
    return small_world[0]


@pytest.fixture(scope="session")
def world_statistics(small_world: tuple[Path, WorldResult]) -> dict[str, Any]:
    return small_world[1].statistics


@pytest.fixture(scope="session")
def indicators() -> Any:
    """The indicator engine, or a skip while it is being written (its directory exists empty)."""
    module = pytest.importorskip("kuzet.indicators")
    if not hasattr(module, "parse_phone"):
        pytest.skip("kuzet.indicators has no parse_* functions yet")
    return module
