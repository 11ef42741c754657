"""Write or check docs/api/openapi.json, the API contract partners integrate against."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = ROOT / "docs" / "api" / "openapi.json"
# The checkout this script belongs to, not wherever the virtualenv's editable install points
# (a git worktree sharing another checkout's .venv would otherwise check that checkout's API).
sys.path.insert(0, str(ROOT))


def current_schema() -> str:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kuzet.settings")
    import django  # noqa: PLC0415

    django.setup()
    from kuzet.api import api  # noqa: PLC0415

    return (
        json.dumps(api.get_openapi_schema(path_prefix="/api/v1/"), indent=2, sort_keys=True) + "\n"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", action="store_true")
    group.add_argument("--check", action="store_true")
    arguments = parser.parse_args()
    schema = current_schema()
    if arguments.write:
        CONTRACT.parent.mkdir(parents=True, exist_ok=True)
        CONTRACT.write_text(schema, encoding="utf-8")
        sys.stdout.write(f"wrote {CONTRACT}\n")
        return 0
    if not CONTRACT.exists() or CONTRACT.read_text(encoding="utf-8") != schema:
        sys.stderr.write("docs/api/openapi.json is out of date: run `make schema` and commit it.\n")
        return 1
    sys.stdout.write("OpenAPI contract up to date\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
