"""The letters of the public form's picture challenge (django-simple-captcha calls this)."""

from __future__ import annotations

import secrets

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B, U/V: letters a tired reader on a small screen tells apart.
LEGIBLE_LETTERS = "ACDEFGHJKMNPQRTWXY34679"
LENGTH = 5


def legible_letters() -> tuple[str, str]:
    """A challenge and its answer (the same letters; the answer is compared ignoring case)."""
    text = "".join(secrets.choice(LEGIBLE_LETTERS) for _ in range(LENGTH))
    return text, text.lower()
