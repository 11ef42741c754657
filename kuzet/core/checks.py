"""System checks of our own, run by ``kuzet check`` (``--deploy`` for the production ones)."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Info, register

import kuzet.indicators


@register(deploy=True)
def indicator_engine_is_compiled(**kwargs: Any) -> list[CheckMessage]:
    """Production should run the compiled indicator engine: plain Python gives the same results
    about a third slower, so this informs rather than warns (a machine without a C compiler
    is still a working one)."""
    if kuzet.indicators.IMPLEMENTATION == "pure Python":
        return [
            Info(
                "The indicator engine runs as plain Python (same results, slower).",
                hint="Build the compiled engine: python scripts/build_native.py (needs gcc and "
                "the Python headers; `make install` runs it).",
                id="kuzet.I001",
            )
        ]
    return []
