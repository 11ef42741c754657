"""The configuration's documentation matches what the code reads."""

from __future__ import annotations

import re
from pathlib import Path

import kuzet

PACKAGE = Path(kuzet.__file__).resolve().parent
ENV_EXAMPLE = PACKAGE.parent / ".env.example"
# env_string("NAME", …), env_bool(…), env_int(…), env_list(…), env_secret(…) and os.environ reads.
READ = re.compile(
    r"""(?:env_(?:string|bool|int|list|secret)\(|environ\.get\()\s*["']([A-Z_]+)["']"""
)


def variables_read_by_the_code() -> set[str]:
    names: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        if "tests" in path.parts:
            continue
        names.update(READ.findall(path.read_text(encoding="utf-8")))
    return names


def variables_in_the_example() -> dict[str, str]:
    """Each variable of .env.example with the comment line just above it."""
    lines = ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
    documented = {}
    for number, line in enumerate(lines):
        name = re.match(r"([A-Z_]+)=", line)
        if name:
            above = next(
                text for text in reversed(lines[:number]) if not re.match(r"[A-Z_]+=", text)
            )
            documented[name.group(1)] = above
    return documented


def test_the_code_reads_variables_the_finder_can_see():
    assert {
        "KUZET_SECRET_KEY",
        "DATABASE_URL",
        "KUZET_INDICATORS_PURE",
    } <= variables_read_by_the_code()


def test_env_example_lists_every_variable_the_code_reads_and_no_other():
    assert set(variables_in_the_example()) == variables_read_by_the_code()


def test_every_variable_in_env_example_has_a_comment():
    assert all(comment.startswith("# ") for comment in variables_in_the_example().values())
