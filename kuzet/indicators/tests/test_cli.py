"""The command line, run as a subprocess exactly as a user would."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[3]


def run_cli(*arguments: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - fixed argument list, our own module
        [sys.executable, "-m", "kuzet.indicators", *arguments],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=REPOSITORY,
        check=False,
        timeout=60,
    )


def test_extract_from_stdin_prints_json_lines() -> None:
    result = run_cli("extract", stdin="Звоните +7 701 123 45 67, ИИН 901123300258")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert (result.returncode, lines) == (
        0,
        [
            {
                "type": "phone",
                "value": "+77011234567",
                "raw": "+7 701 123 45 67",
                "start": 8,
                "end": 24,
                "suspicious": False,
                "country": "KZ",
                "line_type": "mobile",
                "operator": "Kcell",
                "masked": "+7701***4567",
            },
            {
                "type": "iin",
                "value": "901123300258",
                "raw": "901123300258",
                "start": 30,
                "end": 42,
                "suspicious": False,
                "birth_date": "1990-11-23",
                "sex": "male",
                "masked": "901123******",
            },
        ],
    )


def test_extract_from_file(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes("карта 4400 4301 2345 6789 12/27 123\n\xff".encode() + b"\xff")
    result = run_cli("extract", str(path))
    values = [json.loads(line)["value"] for line in result.stdout.splitlines()]
    assert (result.returncode, values) == (0, ["4400430123456789"])


def test_extract_missing_file_fails_cleanly(tmp_path: Path) -> None:
    result = run_cli("extract", str(tmp_path / "missing.txt"))
    assert (result.returncode, result.stdout) == (2, "")


def test_parse_valid() -> None:
    result = run_cli("parse", "iban", "kz86 125k zt50 0410 0100")
    assert (result.returncode, json.loads(result.stdout)["value"]) == (0, "KZ86125KZT5004100100")


def test_parse_invalid_exits_non_zero_with_reason() -> None:
    result = run_cli("parse", "iin", "901123300255")
    assert (result.returncode, result.stdout, result.stderr.strip()) == (
        1,
        "",
        "invalid iin: check digit should be 8",
    )


def test_parse_unknown_type_is_a_usage_error() -> None:
    result = run_cli("parse", "passport", "N123")
    assert result.returncode == 2
