"""The pure command line: clear errors, never a traceback; --load is announced, not faked."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from kuzet.simulation.__main__ import main
from kuzet.simulation.cli import (
    LOAD_NOT_AVAILABLE,
    SimulationError,
    SimulationOptions,
    run_simulation,
)


def options(**overrides: object) -> SimulationOptions:
    values: dict[str, object] = {
        "seed": 1,
        "scale": "small",
        "out": None,
        "load": False,
        "stats": True,
        "markdown": False,
        "quiet": True,
    }
    values.update(overrides)
    return SimulationOptions(**values)  # type: ignore[arg-type]


def test_load_needs_the_database_command() -> None:
    with pytest.raises(SimulationError, match="kuzet simulate --load") as error:
        run_simulation(options(load=True), io.StringIO(), io.StringIO())
    assert str(error.value) == LOAD_NOT_AVAILABLE


@pytest.mark.parametrize(
    ("overrides", "message"),
    [({"seed": -1}, "non-negative"), ({"scale": "huge"}, "must be one of"),
     ({"stats": False}, "nothing to do")],
)  # fmt: skip
def test_bad_options_are_clear_errors(overrides: dict[str, object], message: str) -> None:
    with pytest.raises(SimulationError, match=message):
        run_simulation(options(**overrides), io.StringIO(), io.StringIO())


def test_refuses_a_directory_with_foreign_files(tmp_path: Path) -> None:
    (tmp_path / "thesis.docx").write_text("precious", encoding="utf-8")
    with pytest.raises(SimulationError, match="not a simulated world"):
        run_simulation(options(out=tmp_path), io.StringIO(), io.StringIO())


def test_stats_markdown_is_printed(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--seed", "1", "--scale", "small", "--stats", "--markdown", "--quiet"]) == 0
    printed = capsys.readouterr().out
    assert "**Scheme mix (% of incidents)**" in printed
    assert "| fake_ad_prepayment |" in printed


def test_bad_arguments_exit_with_status_two(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--scale", "small", "--load"])
    assert exit_info.value.code == 2
    assert "kuzet simulate --load" in capsys.readouterr().err
