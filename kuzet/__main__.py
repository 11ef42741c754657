"""The ``kuzet`` command: every management command, with dashes allowed in names.

``kuzet seed-demo`` runs the ``seed_demo`` command; ``kuzet audit verify`` the ``audit`` command
with its ``verify`` action.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kuzet.settings")
    from django.core.management import execute_from_command_line  # noqa: PLC0415

    arguments = list(sys.argv)
    if len(arguments) > 1 and not arguments[1].startswith("-"):
        arguments[1] = arguments[1].replace("-", "_")
    execute_from_command_line(arguments)


if __name__ == "__main__":
    main()
