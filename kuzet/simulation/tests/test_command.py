"""The Django command, run in a child process with a minimal settings module of its own.

The project's settings are written in parallel; configuring Django here would clash with them
under pytest-django, so the command runs in a subprocess that configures only this app.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[3]
RUNNER = """
import sys
import django
from django.conf import settings
settings.configure(INSTALLED_APPS=["kuzet.simulation"])
django.setup()
from django.core.management import execute_from_command_line
execute_from_command_line(["manage.py", "simulate", *sys.argv[1:]])
"""


def run_command(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - fixed interpreter and arguments
        [sys.executable, "-c", RUNNER, *arguments],
        capture_output=True, text=True, cwd=REPOSITORY, check=False,
    )  # fmt: skip


def test_bad_scale_is_a_usage_error() -> None:
    result = run_command("--scale", "galactic", "--stats")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr


def test_writes_a_world(tmp_path: Path) -> None:
    result = run_command("--seed", "3", "--scale", "small", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "Wrote a small world (seed 3)" in result.stdout
    assert (tmp_path / "manifest.json").is_file()
