"""Command line: ``python -m kuzet.indicators extract [FILE]`` and ``parse TYPE VALUE``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from kuzet.indicators.extract import extract
from kuzet.indicators.model import IndicatorType, InvalidIndicator
from kuzet.indicators.parse import parse

__all__ = ["main"]


def _read(path: str | None) -> str:
    # Undecodable bytes become U+FFFD instead of aborting: evidence files are rarely clean.
    if path is None or path == "-":
        return sys.stdin.buffer.read().decode("utf-8", errors="replace")
    with open(path, "rb") as handle:
        return handle.read().decode("utf-8", errors="replace")


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m kuzet.indicators",
        description="Extract and validate fraud indicators (phones, cards, IBANs, IIN/BIN, …).",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    extract_command = commands.add_parser(
        "extract", help="print one JSON object per line for every indicator in FILE or stdin"
    )
    extract_command.add_argument("file", nargs="?", help="UTF-8 text file (default: stdin)")
    parse_command = commands.add_parser(
        "parse", help="validate one value; exit status 1 with the reason when invalid"
    )
    parse_command.add_argument("type", choices=[kind.value for kind in IndicatorType])
    parse_command.add_argument("value")
    return parser


def main(arguments: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit status."""
    options = _build_parser().parse_args(arguments)
    if options.command == "extract":
        try:
            text = _read(options.file)
        except OSError as error:
            sys.stderr.write(f"cannot read {options.file}: {error.strerror}\n")
            return 2
        output = sys.stdout
        for indicator in extract(text):
            output.write(indicator.to_json() + "\n")
        return 0
    try:
        indicator = parse(options.type, options.value)
    except InvalidIndicator as error:
        sys.stderr.write(f"{error}\n")
        return 1
    sys.stdout.write(indicator.to_json() + "\n")
    return 0
