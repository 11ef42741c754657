"""What reaches the server log: no secrets, no personal data (security.md F7).

Django logs a failed request with its path ("Internal Server Error: /report/track/26-17/<secret>/")
and its traceback, whose last line is the exception's message; a database error's message quotes
the values it refused (an e-mail address, a phone number). So every record passes
``RedactingFilter``, which takes the citizen's tracking secret out of any tracking or receipt path
and drops query strings, and ``RedactingFormatter`` prints tracebacks with each exception's type
only, never its message.
"""

from __future__ import annotations

import logging
import re
import traceback
from types import TracebackType

# /report/track/<number>/<secret>/ and /report/receipt/<number>/<secret>/: the secret goes.
_SECRET_PATH = re.compile(r"(/report/(?:track|receipt)/[^/\s]*/)[^/\s]*")
# A query string can carry anything a client typed.
_QUERY_STRING = re.compile(r"\?[^\s\"']*")

ExceptionInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def redact(message: str) -> str:
    """``message`` without tracking secrets in paths and without query strings."""
    return _QUERY_STRING.sub("?…", _SECRET_PATH.sub(r"\1…", message))


class RedactingFilter(logging.Filter):
    """Rewrites every record's message through ``redact`` (it never drops a record)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        return True


class RedactingFormatter(logging.Formatter):
    """A plain formatter whose tracebacks name each exception's type but not its message."""

    def formatException(self, ei: ExceptionInfo | tuple[None, None, None]) -> str:  # noqa: N802
        _type, error, _traceback = ei
        if error is None:
            return ""
        chain: list[BaseException] = []
        current: BaseException | None = error
        while current is not None and current not in chain:
            chain.append(current)
            current = current.__cause__ or current.__context__
        lines: list[str] = []
        for link in reversed(chain):
            if lines:
                lines.append("\nDuring the handling of the above, another exception occurred:\n")
            lines.append("Traceback (most recent call last):\n")
            lines.extend(traceback.format_tb(link.__traceback__))
            lines.append(f"{type(link).__module__}.{type(link).__qualname__} (message withheld)")
        return redact("".join(lines))
