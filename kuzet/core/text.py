"""Text from outside (partners' API bodies, URLs): control characters refused in one place.

PostgreSQL cannot store a NUL in text or JSON, so a NUL that reached a query failed the whole
request (and a whole 1,000-row bulk call) with a 500; other control characters are never part of
a name, a code, an e-mail address or a reference and only hide what a value really says. Every
partner input model derives from ``PartnerInput``, whose one validator checks every string field
(and every string in a list) so a new field cannot forget it; free text fields named in
``multiline_fields`` keep line breaks and tabs.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from pydantic import BaseModel, ValidationInfo, field_validator

# C0 controls, DEL and the C1 controls; line breaks and tabs are allowed in free text only.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_EXCEPT_LAYOUT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# The same characters percent-encoded in a URL's query string.
_ENCODED_CONTROL = re.compile(r"%(?:[01][0-9a-f]|7f|[cC]2%[89][0-9a-f])", re.IGNORECASE)

CONTROL_CHARACTER_MESSAGE = "Contains a control character (such as NUL); remove it."


def has_control_character(value: str, *, multiline: bool = False) -> bool:
    """Whether ``value`` holds a control character (line breaks and tabs allowed if multiline)."""
    pattern = _CONTROL_EXCEPT_LAYOUT if multiline else _CONTROL
    return pattern.search(value) is not None


def url_has_control_character(path: str, query_string: str) -> bool:
    """Whether a request's decoded path or its raw query string carries a control character."""
    return _CONTROL.search(path) is not None or _ENCODED_CONTROL.search(query_string) is not None


def contains_nul(value: Any) -> bool:
    """Whether a decoded JSON value holds a NUL in any string or key (PostgreSQL refuses it)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(contains_nul(key) or contains_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(contains_nul(item) for item in value)
    return False


# Control characters and lone surrogates, which neither PostgreSQL's JSON nor UTF-8 can hold.
_UNSTORABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
MAXIMUM_FIELD_PATH = 120


def field_path(location: tuple[int | str, ...] | list[int | str]) -> str:
    """A validation error's location as the field name a partner reads (``transfers.0.amount``).

    The location can hold a key the client invented (an unknown field is named in its error),
    and the answer is stored (idempotent replies, import rows): characters that cannot be stored
    become ``?`` and the name is cut, so a hostile key cannot turn a 200 into a 500.
    """
    path = ".".join(_UNSTORABLE.sub("?", str(part)) for part in location) or "row"
    return path if len(path) <= MAXIMUM_FIELD_PATH else path[: MAXIMUM_FIELD_PATH - 1] + "…"


class PartnerInput(BaseModel):
    """Base of every model a partner sends: no control characters in any string field."""

    multiline_fields: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="after")
    @classmethod
    def _refuse_control_characters(cls, value: Any, info: ValidationInfo) -> Any:
        multiline = info.field_name in cls.multiline_fields
        strings = value if isinstance(value, list) else [value]
        if any(
            isinstance(item, str) and has_control_character(item, multiline=multiline)
            for item in strings
        ):
            raise ValueError(CONTROL_CHARACTER_MESSAGE)
        return value
